"""简体中文 for the engine's finding summaries: every sentence form the rules write.

The forms follow the code that writes them: `policies/rules/*.py` (each `draft` /
`make_finding` summary), `policies/engine.py` (cluster-not-in-plan, collection failures),
`policies/waiver_book.py` (waiver-expiring, and the "(waiver X expired on D)" it appends),
`policies/rules/parts.py` (a rule that raised), and the skew verdicts the skew rules use as
summaries (`zh_cn_skew`), the add-on decisions addon-incompatible quotes (`zh_cn_addons`).
Smaller phrases inside a summary (why a lag is allowed, which calendar decided) are forms
too, in `zh_cn_summary_parts`, read through the `text` groups (see `zh_cn_forms`).

`summary` answers None when some part of a summary has no form: callers then show the rule's
title with the observed and expected values, never English inside a Chinese sentence. Values
from data or errors (a calendar's source id, a collection error's message) are carried over as
written, like versions and names.
"""

from __future__ import annotations

from functools import lru_cache

from kubedrift.notifiers.templates.zh_cn_addons import ADDONS
from kubedrift.notifiers.templates.zh_cn_forms import Sentences, forms
from kubedrift.notifiers.templates.zh_cn_skew import SKEW
from kubedrift.notifiers.templates.zh_cn_summary_parts import FIXED, PHRASES

_TARGET = r"(?P<target>'[^']*'|\"[^\"]*\")"  # a target as the rules quote it (repr)
_HOW = r"\((?P<how>running|declared; running version not collected|unknown)\)"
_PRODUCT = r"(?P<product>Docker Engine|Mesos)"
_REASON = r"(?P<reason>auth|throttled|timeout|server|malformed|not_found|config|internal)"

# Whole summaries. The waiver suffix comes first: it wraps any other summary.
_SUMMARIES = forms(
    (
        r"(?P<text>.+) \(waiver (?P<waiver>\S+) expired on (?P<date>\S+)\)",
        "{text}；豁免 {waiver} 已于 {date} 到期",
    ),
    # control_plane.py
    (
        r"control plane (?P<current>\S+) is (?P<n>\d+) minors? behind the target (?P<goal>\S+) "
        r"\((?P<text>.+)\)",
        "控制面 {current} 比目标版本 {goal} 落后 {n} 个小版本（{text}）",
    ),
    (
        rf"control plane (?P<current>\S+) is on the target minor but the target {_TARGET} does "
        r"not admit this patch",
        "控制面 {current} 已在目标小版本上，但目标 {target} 不接受这个补丁版本",
    ),
    (
        r"could not determine the newest patch of (?P<minor>\S+): (?P<text>.+)",
        "无法确定 {minor} 的最新补丁版本：{text}",
    ),
    (
        r"control plane (?P<current>\S+) is (?P<n>\d+) patch releases? behind (?P<newest>\S+) "
        r"\(allowed (?P<limit>\d+); newest from (?P<text>.+)\)",
        "控制面 {current} 比 {newest} 落后 {n} 个补丁版本"
        "（允许落后 {limit} 个；最新补丁版本来源：{text}）",
    ),
    (
        rf"control plane (?P<current>\S+) is (?P<n>\d+) minors? ahead of the target {_TARGET}",
        "控制面 {current} 比目标 {target} 高 {n} 个小版本",
    ),
    (
        rf"could not determine whether (?P<cloud>\S+) offers the target {_TARGET}: no offered "
        r"versions were collected",
        "未采集到可用版本列表，无法确定 {cloud} 是否提供目标 {target}",
    ),
    (
        rf"(?P<cloud>\S+) in (?P<region>\S+) offers no version the target {_TARGET} admits: the "
        r"cluster cannot comply",
        "{cloud} 在 {region} 不提供目标 {target} 接受的任何版本：该集群无法达标",
    ),
    (
        rf"(?P<cloud>\S+) offers no version the target {_TARGET} admits: the cluster cannot "
        r"comply",
        "{cloud} 不提供目标 {target} 接受的任何版本：该集群无法达标",
    ),
    # support.py
    (
        r"(?P<minor>\S+) reached end of support on (?P<end>\S+); maintenance only until "
        r"(?P<final>\S+) \((?P<text>.+)\)",
        "{minor} 已于 {end} 结束支持，此后仅维护至 {final}（依据：{text}）",
    ),
    (
        r"(?P<minor>\S+) reached end of support on (?P<end>\S+) \((?P<text>.+)\)",
        "{minor} 已于 {end} 结束支持（依据：{text}）",
    ),
    (
        r"(?P<minor>\S+) reaches end of support in (?P<days>\d+) days, on (?P<end>\S+) "
        r"\((?P<text>.+)\)",
        "{minor} 将在 {days} 天后（{end}）结束支持（依据：{text}）",
    ),
    (
        r"could not determine when (?P<minor>\S+) reaches end of support \((?P<text>.+?): "
        r"(?P<text2>.+)\)",
        "无法确定 {minor} 何时结束支持（{text}：{text2}）",
    ),
    (
        r"(?P<minor>\S+) is older than every minor the (?P<text>.+) lists, all past end of "
        r"support",
        "{text}列出的所有小版本都比 {minor} 新，且均已结束支持",
    ),
    (
        r"could not determine the end of support of (?P<minor>\S+): the (?P<text>.+) does not "
        r"list it",
        "无法确定 {minor} 的结束支持日期：{text}没有列出该版本",
    ),
    # addons.py
    (
        rf"(?P<addon>\S+) (?P<version>\S+) {_HOW} on (?P<minor>\S+): (?P<text>.+)",
        "{addon} {version}（{how}），集群版本 {minor}：{text}",
    ),
    (
        r"could not determine whether (?P<name>\S+) is installed: add-ons not read",
        "未能读取组件列表，无法确定 {name} 是否已安装",
    ),
    (
        r"could not determine whether (?P<name>\S+) is installed: it is not among the add-ons "
        r"(?P<cloud>\S+) reports \(looked for: (?P<joined>.+)\), which lists only the add-ons it "
        r"manages",
        "无法确定 {name} 是否已安装：{cloud} 报告的组件中没有它（查找了 {joined}），"
        "而 {cloud} 只列出由它托管的组件",
    ),
    (
        r"required add-on (?P<name>\S+) is not installed \(looked for: (?P<joined>.+?)\); the "
        r"cluster's (?P<addon_kind>\S+) is (?P<joined2>.+)",
        "必需组件 {name} 未安装（查找了 {joined}）；集群当前的 {addon_kind}是 {joined2}",
    ),
    (
        r"required add-on (?P<name>\S+) is not installed \(looked for: (?P<joined>.+)\)",
        "必需组件 {name} 未安装（查找了 {joined}）",
    ),
    (r"(?P<text>.+): upgrade pending or stuck", "{text}：升级未完成或已卡住"),
    # addon_plan.py
    (
        r"could not determine the version of (?P<addon>\S+) \((?P<listed>.+)\)",
        "无法确定 {addon} 的版本（{listed}）",
    ),
    (
        rf"(?P<addon>\S+) (?P<version>\S+) {_HOW} is outside the plan's (?P<constraint>.+); it "
        r"follows the control plane, which is at (?P<plane>\S+) and must move first",
        "{addon} {version}（{how}）不满足计划的版本约束 {constraint}；它跟随控制面升级，"
        "而控制面仍是 {plane}，须先升级控制面",
    ),
    (
        rf"(?P<addon>\S+) (?P<version>\S+) {_HOW} is outside the plan's (?P<constraint>.+)",
        "{addon} {version}（{how}）不满足计划的版本约束 {constraint}",
    ),
    (
        r"no comparable version: (?P<cloud>\S+)'s (?P<addon>\S+) (?P<version>\S+) is not an "
        r"upstream version \((?P<text>.+?): (?P<text2>.+)\); the plan's (?P<constraint>.+) names "
        r"upstream versions",
        "无法比较版本：{cloud} 的 {addon} {version} 不是上游版本（{text}：{text2}）；"
        "计划中的 {constraint} 指的是上游版本",
    ),
    # apis.py
    (
        r"(?P<api>\S+) (?P<resource>\S+) is still requested and is removed in the next minor, "
        r"(?P<removed>\S+) \((?P<text>.+)\)",
        "{api} {resource} 仍有客户端在调用，而下一个小版本 {removed} 将移除该 API（{text}）",
    ),
    (
        r"(?P<api>\S+) (?P<resource>\S+) is still requested and is removed in (?P<removed>\S+), "
        r"on the way to the target (?P<goal>\S+) \((?P<text>.+)\)",
        "{api} {resource} 仍有客户端在调用，"
        "而升级到目标 {goal} 途中的 {removed} 将移除该 API（{text}）",
    ),
    # node_pools.py
    (
        r"pool (?P<pool>.+) runs kubelet (?P<kubelet>\S+), (?P<n>\d+) minors? behind the control "
        r"plane (?P<plane>\S+) \((?P<text>.+)\)",
        "节点池 {pool} 的 kubelet 为 {kubelet}，比控制面 {plane} 落后 {n} 个小版本（{text}）",
    ),
    (
        r"could not determine whether the nodes of pool (?P<pool>.+) run one version: node "
        r"versions were not collected",
        "未采集各节点的版本，无法确定节点池 {pool} 的节点是否运行同一版本",
    ),
    (
        r"pool (?P<pool>.+) runs mixed kubelet versions: (?P<joined>.+)",
        "节点池 {pool} 的节点运行着不同的 kubelet 版本：{joined}",
    ),
    # platforms.py
    (
        rf"{_PRODUCT} (?P<current>\S+) on the (?P<leaders>managers|masters) is newer than the "
        rf"target {_TARGET}",
        "{leaders}上的 {product} {current} 高于目标 {target}",
    ),
    (
        rf"{_PRODUCT} (?P<current>\S+) on the (?P<leaders>managers|masters) is (?P<n>\d+) release "
        rf"line\(s\) behind the target {_TARGET} \(allowed lag (?P<lag>\d+)\)",
        "{leaders}上的 {product} {current} 比目标 {target} 落后 {n} 个版本线（允许落后 {lag} 个）",
    ),
    (
        rf"(?P<workers>workers|agents) in pool (?P<pool>.+) run {_PRODUCT} (?P<version>\S+), not "
        rf"admitted by the target {_TARGET}",
        "节点池 {pool} 的{workers}运行 {product} {version}，不满足目标 {target}",
    ),
    (
        rf"(?P<workers>workers|agents) in pool (?P<pool>.+) run {_PRODUCT} (?P<version>\S+), "
        r"newer than the oldest (?P<leader>manager|master) \((?P<oldest>\S+)\)",
        "节点池 {pool} 的{workers}运行 {product} {version}，比最旧的{leader}（{oldest}）还新",
    ),
    (
        rf"could not determine support of {_PRODUCT} (?P<version>\S+) \((?P<text>.+)\): newer "
        r"than the packaged calendar",
        "无法确定 {product} {version}（{text}）的维护状态：它比内置日历列出的所有版本都新",
    ),
    (
        rf"{_PRODUCT} (?P<line>\S+)(?P<older> and older)? \((?P<text>.+), (?P<version>\S+)\) is "
        r"(?P<text2>.+)",
        "{product} {line}{older}（{text}，{version}）{text2}",
    ),
    # skew_rules.py (the other skew summaries are verdicts: `zh_cn_skew`)
    (
        r"API servers run mixed versions \((?P<joined>.+)\): an upgrade in progress or stuck",
        "各 API Server 版本不一致（{joined}）：升级正在进行或已卡住",
    ),
    # engine.py
    (
        r"no target in the plan: no group selects (?P<name>.+) \((?P<cloud>[^,()]+), no labels\)",
        "没有任何分组选中 {name}（{cloud}，无标签），计划中没有它的目标版本",
    ),
    (
        r"no target in the plan: no group selects (?P<name>.+) \((?P<cloud>[^,()]+), "
        r"(?P<labels>.+)\)",
        "没有任何分组选中 {name}（{cloud}，标签 {labels}），计划中没有它的目标版本",
    ),
    (
        r"no target in the plan: group (?P<group>.+) selects this (?P<platform>\S+) cluster but "
        r"sets no `(?P<field>[^`]+)` version",
        "分组 {group} 选中了这个 {platform} 集群，但没有设置 `{field}` 版本，"
        "计划中没有它的目标版本",
    ),
    (
        rf"could not collect source (?P<source>\S+) \({_REASON}\): (?P<message>.+)",
        "无法采集数据源 {source}（{reason}）：{message}",
    ),
    (
        rf"could not collect (?P<name>.+?) \({_REASON}\): (?P<message>.+)",
        "无法采集集群 {name}（{reason}）：{message}",
    ),
    # parts.py: a rule that raised (the error as Python words it)
    (
        r"rule (?P<rule>\S+) could not evaluate this cluster: (?P<error>.+)",
        "规则 {rule} 无法评估该集群：{error}",
    ),
    # waiver_book.py
    (
        r"waiver (?P<waiver>\S+) \(owner (?P<owner>.+?)\) expires today, on (?P<date>\S+): "
        r"(?P<count>\d+) finding\(s\) it waives here will be reported again",
        "豁免 {waiver}（负责人 {owner}）今天（{date}）到期："
        "届时它在该集群豁免的 {count} 项问题将重新报告",
    ),
    (
        r"waiver (?P<waiver>\S+) \(owner (?P<owner>.+?)\) expires in (?P<days>\d+) days?, on "
        r"(?P<date>\S+): (?P<count>\d+) finding\(s\) it waives here will be reported again",
        "豁免 {waiver}（负责人 {owner}）将在 {days} 天后（{date}）到期："
        "届时它在该集群豁免的 {count} 项问题将重新报告",
    ),
    # meta.py (version-unknown); last: any other "could not determine" is a form above.
    (r"could not determine (?P<text>.+)", "无法确定{text}"),
)

SUMMARY_FORMS = (*_SUMMARIES, *PHRASES, *FIXED)
SUMMARIES = Sentences(FIXED, _SUMMARIES, PHRASES, SKEW, ADDONS)


@lru_cache(maxsize=4096)
def summary(english: str) -> str | None:
    """The Chinese form of a finding's summary; None when some part of it has no form."""
    return SUMMARIES.complete(english)
