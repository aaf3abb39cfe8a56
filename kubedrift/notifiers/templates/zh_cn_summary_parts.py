"""简体中文 for the phrases inside the engine's finding summaries (`zh_cn_summaries`): why a
lag is (not) allowed, which calendar or source decided a date, a calendar's estimate rules and
notes, what version-unknown could not determine, where a Swarm / Mesos line stands. They are
read through the summaries' `text` groups (see `zh_cn_forms`).
"""

from __future__ import annotations

from kubedrift.notifiers.templates.zh_cn_forms import fixed, forms

PHRASES = forms(
    # Why a control plane's lag is (not) allowed.
    (
        r"allowed lag is (?P<n>\d+) minors?; catch-up period runs to (?P<date>\S+)",
        "允许落后 {n} 个小版本；追赶期至 {date}",
    ),
    (r"allowed lag is (?P<n>\d+) minors?", "允许落后 {n} 个小版本"),
    # Where a newest patch or an end of support was read.
    (r"the upstream calendar \((?P<id>[^()]+)\)", "上游版本日历（{id}）"),
    (r"upstream calendar, (?P<id>\S+)", "上游版本日历，{id}"),
    (r"upstream calendar", "上游版本日历"),
    (r"the (?P<cloud>\S+) calendar \((?P<id>[^()]+)\)", "{cloud} 版本日历（{id}）"),
    (r"(?P<cloud>\S+) calendar, (?P<id>\S+)", "{cloud} 版本日历，{id}"),
    (r"(?P<cloud>\S+) calendar", "{cloud} 版本日历"),
    (
        r"live (?P<cloud>\S+) metadata, preferred over package data; packaged (?P<cloud2>\S+) "
        r"calendar says (?P<date>\S+)",
        "{cloud} 实时元数据，优先于内置数据；内置的 {cloud2} 日历为 {date}",
    ),
    (
        r"live (?P<cloud>\S+) metadata, preferred over package data",
        "{cloud} 实时元数据，优先于内置数据",
    ),
    (r"(?P<text>.+); estimated: (?P<text2>.+)", "{text}；估算规则：{text2}"),
    # A calendar's estimate rules (`rule:` in calendar/data/*.yaml).
    (
        r"(?P<what>[A-Z]+) = (?P<base>[A-Z]+) \+ (?P<n>\d+) months = upstream release \+ "
        r"(?P<m>\d+) months \(upstream (?P<minor>\S+) released (?P<date>\S+)\)",
        "{what} = {base} + {n} 个月 = 上游发布 + {m} 个月（上游 {minor} 于 {date} 发布）",
    ),
    # A calendar's notes on a date it lacks (`note:`).
    (
        r"(?P<minor>\S+) date not published in any copy of (?P<cloud>\S+)'s calendar we could "
        r"read",
        "在能读到的各版 {cloud} 日历中都没有公布 {minor} 的日期",
    ),
    (
        r"not published in any copy of (?P<cloud>\S+)'s calendar we read",
        "在能读到的各版 {cloud} 日历中都没有公布",
    ),
    # Why a provider's add-on version stands for no upstream one.
    (r"(?P<cloud>\S+) versions it in its own catalogue", "{cloud} 在自己的组件目录中为它编号"),
    (r"(?P<version>\S+) does not map to an upstream version", "{version} 对应不到上游版本"),
    # An add-on declared at one version, running another (several joined by "; ").
    (
        r"(?P<name>\S+) declared (?P<declared>\S+), running (?P<running>\S+)",
        "{name} 声明版本为 {declared}，实际运行 {running}",
    ),
    (r"(?P<text>\S+ declared \S+, running \S+); (?P<text2>.+)", "{text}；{text2}"),
    # Where a removed API's release was read.
    (r"deprecation guide \((?P<source>.+)\)", "依据弃用指南，{source}"),
    # Why a pool's lag is (not) over the limit.
    (r"plan allows (?P<limit>\d+)", "计划允许落后 {limit} 个小版本"),
    # Who runs a Swarm / Mesos line.
    (r"the (?P<leaders>managers|masters)", "{leaders}"),
    (r"(?P<workers>workers|agents) in pool (?P<pool>.+)", "节点池 {pool} 的{workers}"),
    # Where a Swarm / Mesos line stands.
    (r"maintenance ends (?P<end>\S+)", "将于 {end} 停止维护"),
    (r"unmaintained since (?P<end>\S+)", "自 {end} 起已停止维护"),
    (r"retired with the project since (?P<end>\S+)", "自 {end} 起已随项目一起退役"),
    # What version-unknown could not determine.
    (r"the version of (?P<name>\S+)", " {name} 的版本"),
    (
        r"pool (?P<pool>.+)'s (?P<node>kubelet|Docker Engine|Mesos agent)",
        "节点池 {pool} 的 {node} 版本",
    ),
    (
        r"some (?P<node>kubelet|Docker Engine|Mesos agent) versions of pool (?P<pool>.+) "
        r"\((?P<joined>.+)\)",
        "节点池 {pool} 中部分 {node} 版本（{joined}）",
    ),
    (r"add-on (?P<name>\S+)", "组件 {name} 的版本"),
    (r"the cluster's (?P<part>\S+)", "集群的{part}"),
)

FIXED = fixed(
    ("within the allowed lag", "在允许的落后范围内"),
    ("the provider's offered versions (live)", "云厂商实时提供的版本列表"),
    (
        "no offered versions were collected and the calendar lists no patch",
        "未采集到可用版本列表，版本日历也没有列出补丁版本",
    ),
    ("no date published", "未公布日期"),
    ("reported by the API server", "由 API Server 报告"),
    ("skew policy decides", "是否超限由版本偏差策略判定"),
    ("unmaintained", "已停止维护"),
    ("retired with the project", "已随项目一起退役"),
    ("maintained for security fixes only", "仅提供安全修复"),
    ("the control plane version", "控制面版本"),
    (
        "could not determine whether removed APIs are in use: deprecated API usage was not "
        "collected",
        "未采集已弃用 API 的调用情况，无法确定是否仍在使用将被移除的 API",
    ),
)
