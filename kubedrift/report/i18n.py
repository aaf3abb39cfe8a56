"""The report's words in `en` and `zh-CN`, and how numbers, hours and dates are written.

Keys are the same in both tables (a test checks it). Cluster keys, rule ids, versions and
group names are data and are shown as they are in every language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

LOCALES = ("en", "zh-CN")

EN: dict[str, str] = {
    "title": "Weekly Kubernetes version compliance",
    "window": "{since} \u2013 {until} (UTC)",
    "generated": "Generated {at} · findings at or above {severity} count",
    "fleet": "fleet",
    "no_group": "(no group)",
    "kpi.score": "Compliance this week",
    "kpi.previous": "previous week {value}",
    "kpi.current": "Compliant now",
    "kpi.clusters": "{compliant} of {total} clusters",
    "kpi.drift": "Time in drift",
    "kpi.drift_detail": "{hours} of {total} cluster-hours",
    "md.item": "{label}: {value}",
    "md.paren": " ({text})",
    "kpi.mttr": "Mean time to resolve",
    "kpi.mttr_detail": "{n} resolved · median {median}",
    "kpi.upgrades": "Upgrades this week",
    "kpi.upgrades_detail": "{n} version changes",
    "section.trend": "Compliance trend (12 weeks)",
    "section.groups": "Compliance by group",
    "section.versions": "Clusters per version",
    "section.forecast": "End-of-support forecast",
    "section.teams": "Open drift by team",
    "section.oldest": "Oldest open drift",
    "section.waivers": "Waivers expiring within 30 days",
    "section.upgrades": "Upgrades completed",
    "section.health": "Collection health",
    "col.group": "Group",
    "col.owner": "Owner",
    "col.clusters": "Clusters",
    "col.week": "This week",
    "col.previous": "Previous",
    "col.open": "Open",
    "col.waived": "Waived",
    "col.oldest": "Oldest",
    "col.in_drift": "In drift",
    "col.cluster": "Cluster",
    "col.rule": "Rule",
    "col.severity": "Severity",
    "col.age": "Age",
    "col.minor": "Minor",
    "col.ends": "Support ends",
    "col.days": "Days left",
    "col.waiver": "Waiver",
    "col.expires": "Expires",
    "col.reason": "Reason",
    "col.when": "When",
    "col.changes": "Changes",
    "col.source": "Source",
    "col.status": "Status",
    "col.outages": "Outages this week",
    "col.last_success": "Last success",
    "estimated": "estimated",
    "expired": "expired",
    "stale": "stale",
    "status.ok": "healthy",
    "status.failing": "failing since {since} ({reason})",
    "none": "None.",
    "stale_clusters": "Not confirmed by the latest collection: {clusters}",
    "unseen_clusters": "Not collected in the last 24 hours: {clusters}",
    "bucket.ended": "ended",
    "bucket.30": "≤30 d",
    "bucket.90": "31\u201390 d",
    "bucket.180": "91\u2013180 d",
    "bucket.later": ">180 d",
    "bucket.unknown": "unknown",
    "severity.info": "info",
    "severity.low": "low",
    "severity.medium": "medium",
    "severity.high": "high",
    "severity.critical": "critical",
    "unit.days_hours": "{d}d {h}h",
    "unit.hours": "{h}h",
    "dash": "\u2013",
    "list_sep": ", ",
    "summary.up": "up {points} points",
    "summary.down": "down {points} points",
    "summary.flat": "unchanged",
    "summary.open": "Open drift: {n} finding(s) in {clusters} cluster(s)",
    "summary.top": "Oldest open drift",
    "summary.link": "Full report",
    "summary.attached": "The full report is attached.",
}

ZH_CN: dict[str, str] = {
    "title": "Kubernetes 版本合规周报",
    "window": "{since} 至 {until}（UTC）",
    "generated": "生成于 {at} · 统计 {severity} 及以上级别的问题",
    "fleet": "全部集群",
    "no_group": "（未分组）",
    "kpi.score": "本周合规率",
    "kpi.previous": "上周 {value}",
    "kpi.current": "当前合规",
    "kpi.clusters": "{total} 个集群中 {compliant} 个",
    "kpi.drift": "漂移时长占比",
    "kpi.drift_detail": "{total} 集群小时中 {hours} 小时",
    "md.item": "{label}：{value}",
    "md.paren": "（{text}）",
    "kpi.mttr": "平均修复时长",
    "kpi.mttr_detail": "已修复 {n} 项 · 中位数 {median}",
    "kpi.upgrades": "本周升级",
    "kpi.upgrades_detail": "{n} 次版本变更",
    "section.trend": "合规率趋势（12 周）",
    "section.groups": "各分组合规率",
    "section.versions": "各版本集群数",
    "section.forecast": "停止支持预测",
    "section.teams": "各团队未解决漂移",
    "section.oldest": "最久未解决的漂移",
    "section.waivers": "30 天内到期的豁免",
    "section.upgrades": "已完成的升级",
    "section.health": "采集健康状况",
    "col.group": "分组",
    "col.owner": "负责人",
    "col.clusters": "集群数",
    "col.week": "本周",
    "col.previous": "上周",
    "col.open": "未解决",
    "col.waived": "已豁免",
    "col.oldest": "最久",
    "col.in_drift": "漂移时长",
    "col.cluster": "集群",
    "col.rule": "规则",
    "col.severity": "级别",
    "col.age": "持续时间",
    "col.minor": "次版本",
    "col.ends": "停止支持日期",
    "col.days": "剩余天数",
    "col.waiver": "豁免",
    "col.expires": "到期日",
    "col.reason": "原因",
    "col.when": "时间",
    "col.changes": "变更",
    "col.source": "数据源",
    "col.status": "状态",
    "col.outages": "本周中断次数",
    "col.last_success": "最近成功",
    "estimated": "估计",
    "expired": "已过期",
    "stale": "数据过期",
    "status.ok": "正常",
    "status.failing": "自 {since} 起失败（{reason}）",
    "none": "无。",
    "stale_clusters": "最近一次采集未能确认：{clusters}",
    "unseen_clusters": "最近 24 小时未采集到：{clusters}",
    "bucket.ended": "已停止",
    "bucket.30": "≤30 天",
    "bucket.90": "31\u201390 天",
    "bucket.180": "91\u2013180 天",
    "bucket.later": ">180 天",
    "bucket.unknown": "未知",
    "severity.info": "提示",
    "severity.low": "低",
    "severity.medium": "中",
    "severity.high": "高",
    "severity.critical": "严重",
    "unit.days_hours": "{d}天{h}小时",
    "unit.hours": "{h}小时",
    "dash": "\u2013",
    "list_sep": "、",
    "summary.up": "上升 {points} 个百分点",
    "summary.down": "下降 {points} 个百分点",
    "summary.flat": "持平",
    "summary.open": "未解决漂移：{clusters} 个集群共 {n} 项",
    "summary.top": "最久未解决的漂移",
    "summary.link": "查看完整报告",
    "summary.attached": "完整报告见附件。",
}

TABLES: Mapping[str, Mapping[str, str]] = {"en": EN, "zh-CN": ZH_CN}


class Phrases:
    """Look-ups and number formats of one locale."""

    def __init__(self, locale: str) -> None:
        if locale not in TABLES:
            raise ValueError(f"unknown locale {locale!r}: expected one of {', '.join(LOCALES)}")
        self.locale = locale
        self.table = TABLES[locale]

    def __call__(self, key: str, **values: object) -> str:
        return self.table[key].format(**values)

    def pct(self, ratio: float | None) -> str:
        return self("dash") if ratio is None else f"{100 * ratio:.1f}%"

    def hours(self, value: float | None) -> str:
        if value is None:
            return self("dash")
        whole = round(value)
        if whole < 24:
            return self("unit.hours", h=whole)
        return self("unit.days_hours", d=whole // 24, h=whole % 24)

    def day(self, value: date | datetime | None) -> str:
        return self("dash") if value is None else value.strftime("%Y-%m-%d")

    def moment(self, value: datetime | None) -> str:
        return self("dash") if value is None else value.strftime("%Y-%m-%d %H:%M")
