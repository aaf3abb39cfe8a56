"""The engine's finding summaries in Chinese: one sentence per form, values carried over as
written, a summary no form reads shown as the rule's title with the observed and expected
values, and the same line in chat messages, tickets and the evaluate table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.model.inventory import InventoryDocument
from kubedrift.notifiers.phrases import summary as event_line
from kubedrift.notifiers.templates import CATALOGS
from kubedrift.notifiers.templates.zh_cn_summaries import SUMMARIES, summary
from kubedrift.outputs.table_words import words
from kubedrift.policies.engine import collection_findings, evaluate
from kubedrift.policies.planfile import load_plan

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)

CASES = [
    (
        "1.30 reached end of support on 2026-07-31 (live ack metadata, preferred over package "
        "data; packaged ack calendar says 2026-06-30)",
        "1.30 已于 2026-07-31 结束支持（依据：ACK 实时元数据，优先于内置数据；"
        "内置的 ACK 日历为 2026-06-30）",
    ),
    (
        "pool gpu-a10 runs kubelet 1.28.9-aliyun.1, 2 minors behind the control plane "
        "1.30.1-aliyun.1 (skew policy decides)",
        "节点池 gpu-a10 的 kubelet 为 1.28.9-aliyun.1，比控制面 1.30.1-aliyun.1 落后 2 个小版本"
        "（是否超限由版本偏差策略判定）",
    ),
    (
        "required add-on terway is not installed (looked for: terway, terway-eniip, terway-eni); "
        "the cluster's cni is flannel",
        "必需组件 terway 未安装（查找了 terway、terway-eniip、terway-eni）；"
        "集群当前的 CNI 网络插件是 flannel",
    ),
    (
        "control plane 1.28.9-aliyun.1 is 3 minors behind the target 1.31 (allowed lag is 1 "
        "minor; catch-up period runs to 2026-12-31)",
        "控制面 1.28.9-aliyun.1 比目标版本 1.31 落后 3 个小版本（允许落后 1 个小版本；"
        "追赶期至 2026-12-31）",
    ),
    (
        "control plane 1.30.2 is on the target minor but the target '>=1.30.5 <1.31.0' does not "
        "admit this patch",
        "控制面 1.30.2 已在目标小版本上，但目标 '>=1.30.5 <1.31.0' 不接受这个补丁版本",
    ),
    (
        "coredns v1.9.3.10-7dfca203-aliyun (declared; running version not collected) is outside "
        "the plan's >=1.11.1 <1.13.0",
        "coredns v1.9.3.10-7dfca203-aliyun（声明版本，未采集运行版本）不满足计划的版本约束 "
        ">=1.11.1 <1.13.0",
    ),
    (
        "no target in the plan: no group selects edge sh k3s (kubeconfig, dc=shanghai, "
        "env=production)",
        "没有任何分组选中 edge sh k3s（kubeconfig，标签 dc=shanghai, env=production），"
        "计划中没有它的目标版本",
    ),
    (
        "kube-scheduler v1.27.13 is 2 minors older than kube-apiserver v1.29.4; kube-scheduler "
        "may be at most 1 minor older (waiver idc-skew expired on 2026-11-01)",
        "kube-scheduler v1.27.13 比 kube-apiserver v1.29.4 旧 2 个小版本；kube-scheduler "
        "最多只能比 API Server 旧 1 个小版本；豁免 idc-skew 已于 2026-11-01 到期",
    ),
    (
        "waiver payments-legacy-psp (owner team payments) expires in 3 days, on 2026-11-29: 2 "
        "finding(s) it waives here will be reported again",
        "豁免 payments-legacy-psp（负责人 team payments）将在 3 天后（2026-11-29）到期："
        "届时它在该集群豁免的 2 项问题将重新报告",
    ),
    (
        "could not collect prod (a) (throttled): Throttling.User: Request was denied",
        "无法采集集群 prod (a)（被限流）：Throttling.User: Request was denied",
    ),
    (
        "Docker Engine 20.10 and older (workers in pool web 2, 20.10.24) is unmaintained since "
        "2023-12-10",
        "Docker Engine 20.10 及更早版本（节点池 web 2 的工作节点，20.10.24）"
        "自 2023-12-10 起已停止维护",
    ),
    ("could not determine the version of kube-scheduler", "无法确定 kube-scheduler 的版本"),
    # Shapes today's packaged data does not produce (the coverage test generates the rest).
    (
        "control plane 1.31.1-aliyun.1 is 3 patch releases behind 1.31.4-aliyun.1 (allowed 1; "
        "newest from the ack calendar (ack-patches))",
        "控制面 1.31.1-aliyun.1 比 1.31.4-aliyun.1 落后 3 个补丁版本"
        "（允许落后 1 个；最新补丁版本来源：ACK 版本日历（ack-patches））",
    ),
    (
        "could not determine when 1.30 reaches end of support (TKE calendar, tke-policy-en: 1.30 "
        "date not published in any copy of TKE's calendar we could read)",
        "无法确定 1.30 何时结束支持（TKE 版本日历，tke-policy-en："
        "在能读到的各版 TKE 日历中都没有公布 1.30 的日期）",
    ),
    (
        "could not determine when 1.37 reaches end of support (upstream calendar, "
        "k8s-schedule-2024: no date published)",
        "无法确定 1.37 何时结束支持（上游版本日历，k8s-schedule-2024：未公布日期）",
    ),
    (
        "calico-node declared v3.26.4, running v3.26.1; calico-typha declared v3.26.4, running "
        "v3.26.1: upgrade pending or stuck",
        "calico-node 声明版本为 v3.26.4，实际运行 v3.26.1；"
        "calico-typha 声明版本为 v3.26.4，实际运行 v3.26.1：升级未完成或已卡住",
    ),
    (
        "Docker Engine 25.0 (the managers, 25.0.5) is maintained for security fixes only",
        "Docker Engine 25.0（管理节点，25.0.5）仅提供安全修复",
    ),
    (
        "Mesos 1.4 and older (agents in pool r9, 1.3.0) is retired with the project since "
        "2019-02-12",
        "Mesos 1.4 及更早版本（节点池 r9 的Agent 节点，1.3.0）自 2019-02-12 起已随项目一起退役",
    ),
    ("could not determine the cluster's addons", "无法确定集群的组件列表"),
]


@pytest.mark.parametrize(("english", "chinese"), CASES)
def test_summary_sentences(english: str, chinese: str) -> None:
    assert summary(english) == chinese


def test_a_summary_with_a_part_no_form_knows_has_no_chinese_form() -> None:
    assert summary("reticulate the splines") is None
    # The outer form is known; the why in parentheses is not: no half-English sentence.
    assert summary("control plane 1.28.9 is 1 minor behind the target 1.29 (why not)") is None
    assert SUMMARIES.untranslated("control plane 1.28.9 is 1 minor behind the target 1.29 (x)")


def fleet_findings() -> list[Finding]:
    """The simulated fleet's inventory (`kubedrift demo`'s) evaluated against the example
    plan, collection failures included."""
    plan = load_plan(ROOT / "examples" / "plan.yaml")
    path = ROOT / "tests" / "unit" / "policies" / "fixtures" / "fleet_inventory.json"
    document = InventoryDocument.model_validate_json(path.read_text(encoding="utf-8"))
    found = evaluate(plan, document.clusters, NOW, load_calendar())
    return collection_findings(document.failures) + found


def untranslated(findings: list[Finding]) -> dict[str, list[str]]:
    return {
        f.summary: SUMMARIES.untranslated(f.summary)
        for f in findings
        if SUMMARIES.untranslated(f.summary)
    }


def test_every_summary_of_the_simulated_fleet_reads_in_chinese() -> None:
    findings = fleet_findings()
    assert len({f.key.rule for f in findings}) >= 12
    assert not untranslated(findings), "summaries without a Chinese form"


def _event(summary_text: str, observed: str | None, expected: str | None) -> DriftEvent:
    key = FindingKey(cluster="ack/cn-hangzhou/c1", rule="node-pool-behind", component="np-1")
    detail = {"rule": key.rule, "component": key.component}
    detail |= {"observed": observed} if observed else {}
    detail |= {"expected": expected} if expected else {}
    return DriftEvent(
        id="e1",
        type=EventType.DRIFT_OPENED,
        at=NOW,
        cluster=key.cluster,
        finding=key,
        severity=Severity.LOW,
        summary=summary_text,
        detail=detail,
    )


POOL = (
    "pool gpu-a10 runs kubelet 1.28.9-aliyun.1, 2 minors behind the control plane "
    "1.30.1-aliyun.1 (skew policy decides)"
)


def test_a_chinese_line_says_the_summary_and_the_values_it_does_not() -> None:
    zh, en = CATALOGS["zh-CN"], CATALOGS["en"]
    said = event_line(_event(POOL, "1.28.9-aliyun.1", "1.30"), zh)
    assert said == (
        "节点池版本落后于控制面（np-1）：节点池 gpu-a10 的 kubelet 为 1.28.9-aliyun.1，"
        "比控制面 1.30.1-aliyun.1 落后 2 个小版本（是否超限由版本偏差策略判定）"
    )
    # A value the sentence does not name follows it; an expected phrase does not (the
    # sentence says what is wrong).
    said = event_line(_event(POOL, "1.27.3", ">= 1.29"), zh)
    assert said.endswith("（是否超限由版本偏差策略判定）；当前 1.27.3，期望 >= 1.29")
    said = event_line(_event(POOL, None, "one kubelet version per pool"), zh)
    assert said.endswith("（是否超限由版本偏差策略判定）")
    # English is the engine's summary, as ever.
    assert event_line(_event(POOL, "1.28.9", ">= 1.29"), en) == POOL


def test_a_summary_no_form_reads_falls_back_to_the_title_and_values() -> None:
    zh = CATALOGS["zh-CN"]
    event = _event("pool gpu-a10 is weird", "1.28.9", "one kubelet version per pool")
    assert event_line(event, zh) == (
        "节点池版本落后于控制面（np-1）：当前 1.28.9，期望 每个节点池只运行一个 kubelet 版本"
    )


def test_the_table_shows_the_title_and_the_chinese_summary() -> None:
    key = FindingKey(cluster="c", rule="node-pool-behind", component="node-pool/np-1")
    finding = Finding(key=key, severity=Severity.LOW, summary=POOL, observed="1.28.9-aliyun.1")
    zh, en = words("zh-CN"), words("en")
    assert zh.finding_text(finding) == (
        "节点池版本落后于控制面：节点池 gpu-a10 的 kubelet 为 1.28.9-aliyun.1，"
        "比控制面 1.30.1-aliyun.1 落后 2 个小版本（是否超限由版本偏差策略判定）"
    )
    assert en.finding_text(finding) == POOL
    odd = finding.model_copy(update={"summary": "pool np-1 is odd"})
    assert zh.finding_text(odd) == "节点池版本落后于控制面"
