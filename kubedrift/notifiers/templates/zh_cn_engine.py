"""简体中文 for the policy engine's own sentences: remedies without steps and expected phrases.

The engine words its findings in English (`summary`, `expected`, `remedy.summary`); stored
findings, JSON, SARIF and JUnit keep that text. Chinese chat messages show the rule's
title, the observed and expected values and the remedy; the values read the same in every
language, the sentences do not. Each sentence form the engine writes has one pattern here;
a sentence no pattern matches is shown as written (a test keeps every form the rules and the
engine write covered).
"""

from __future__ import annotations

from kubedrift.notifiers.templates.zh_cn_forms import Sentences, forms

# (English sentence as a regular expression matched in full, its Chinese form). Named groups
# are values (versions, names) carried over, read as `zh_cn_forms` reads its groups: `leader`
# and `worker` are role words; `text` is a phrase of this table itself.
_REMEDIES: tuple[tuple[str, str], ...] = (
    (
        r"move (?P<addon>\S+) to (?P<to>.+) \(offered by the provider\)",
        "将 {addon} 升级到云厂商提供的 {to}",
    ),
    (
        r"move (?P<addon>\S+) to (?P<to>\S+), the control plane's version",
        "将 {addon} 升级到控制面的版本 {to}",
    ),
    (
        r"upgrade the control plane first; (?P<addon>\S+) moves with it at the end of the "
        r"upgrade path",
        "先升级控制面；{addon} 在升级路径的最后随控制面一起升级",
    ),
    (r"move (?P<addon>\S+) to (?P<to>.+)", "将 {addon} 调整到 {to}"),
    (
        r"check (?P<addon>\S+) against (?P<who>.+)'s add-on catalogue, or pin it in the plan "
        r"by the upstream version it runs",
        "对照 {who} 的组件目录核查 {addon}，或在计划中按它实际运行的上游版本固定",
    ),
    (r"check (?P<addon>\S+) against the provider's catalogue", "对照云厂商的组件目录核查 {addon}"),
    (
        r"check that (?P<addon>\S+) runs in the cluster; install (?P<what>.+) if it does not",
        "在集群中确认 {addon} 是否在运行；如未运行，安装 {what}",
    ),
    (
        r"replace (?P<other>.+) with (?P<addon>\S+) \(a migration of the cluster's "
        r"(?P<kind>\S+)\), or let the group's plan accept (?P<again>.+)",
        "将 {other} 替换为 {addon}（需迁移集群的 {kind}），或在分组的计划中接受 {again}",
    ),
    (r"install (?P<what>.+)", "安装 {what}"),
    (
        r"check the rollout \(image pulls, disruption budgets\) and finish it",
        "检查发布过程（镜像拉取、中断预算）并完成发布",
    ),
    (
        r"migrate clients and manifests off (?P<api>\S+) (?P<resource>\S+) before upgrading "
        r"to (?P<to>\S+)",
        "升级到 {to} 之前，将客户端和清单从 {api} {resource} 迁移走",
    ),
    (
        r"upgrade the control plane to a patch the target admits",
        "将控制面升级到目标版本约束允许的补丁版本",
    ),
    (
        r"upgrade the control plane to (?P<to>\S+), one minor per step",
        "逐个小版本将控制面升级到 {to}",
    ),
    (r"upgrade the control plane to (?P<to>\S+)", "将控制面升级到 {to}"),
    (
        r"control planes are not downgraded: raise the group's target or add a waiver",
        "控制面不能降级：请提高分组的目标版本，或添加豁免",
    ),
    (
        r"change the group's target to an offered version, or ask the provider when it will "
        r"offer one",
        "将分组的目标改为云厂商已提供的版本，或询问云厂商何时提供",
    ),
    (
        r"check the collector's access to this part of the cluster",
        "检查采集器对集群这部分信息的访问权限",
    ),
    (r"finish the rollout of pool (?P<pool>.+)", "完成节点池 {pool} 的滚动升级"),
    (r"upgrade pool (?P<pool>.+) to (?P<to>\S+)", "将节点池 {pool} 升级到 {to}"),
    (
        r"upgrade the (?P<leader>manager|master)s one at a time \(quorum kept\), then the rest, "
        r"to (?P<to>\S+)",
        "逐个升级{leader}（保持仲裁），再升级其余节点，升级到 {to}",
    ),
    (r"raise the group's target, or check the cluster", "提高分组的目标版本，或检查该集群"),
    (
        r"upgrade the (?P<worker>worker|agent)s in pool (?P<pool>.+) after the "
        r"(?P<leader>manager|master)s",
        "在{leader}之后升级节点池 {pool} 中的{worker}",
    ),
    (
        r"upgrade the (?P<leader>manager|master)s first, one at a time, to at least (?P<to>\S+); "
        r"do not upgrade more (?P<worker>worker|agent)s until then",
        "先逐个将{leader}升级到至少 {to}；在此之前不要再升级{worker}",
    ),
    (r"update kubedrift's calendar data", "更新 kubedrift 的版本日历数据"),
    (
        r"plan the move of the (?P<leader>manager|master)s to a maintained (?P<product>.+) line",
        "规划将{leader}迁移到仍在维护的 {product} 版本线",
    ),
    (
        r"plan the move of (?P<worker>worker|agent)s in pool (?P<pool>.+) to a maintained "
        r"(?P<product>.+) line",
        "规划将节点池 {pool} 中的{worker}迁移到仍在维护的 {product} 版本线",
    ),
    (
        r"finish the upgrade of every API server to (?P<to>\S+)",
        "完成所有 API Server 到 {to} 的升级",
    ),
    (
        r"upgrade off (?P<minor>\S+) \(support ended (?P<date>\S+)\)",
        "尽快升级离开 {minor}（已于 {date} 结束支持）",
    ),
    (r"upgrade off (?P<minor>\S+) before (?P<date>\S+)", "在 {date} 之前升级离开 {minor}"),
    (r"upgrade off (?P<minor>\S+)", "升级离开 {minor}"),
    (
        r"add a group \(or a catch-all last group\) that selects it",
        "添加一个选中该集群的分组（或在最后添加兜底分组）",
    ),
    (
        r"add `(?P<field>[^`]+):` to group (?P<group>.+)'s target, or narrow its selector with "
        r"`platform:`",
        "在分组 {group} 的目标中添加 `{field}:`，或用 `platform:` 收窄它的选择器",
    ),
    (
        r"renew the waiver with a new expiry, or fix what it covers",
        "为豁免设置新的到期日，或修复它覆盖的问题",
    ),
    (r"fix the source's access and scan again", "修复数据源的访问后重新扫描"),
    (
        r"upgrade the control plane first, or roll (?P<component>\S+) back to (?P<to>\S+)",
        "先升级控制面，或将 {component} 回退到 {to}",
    ),
    (r"upgrade (?P<component>\S+) towards (?P<to>\S+)", "将 {component} 向 {to} 升级"),
)

_EXPECTED: tuple[tuple[str, str], ...] = (
    (r"selected by a plan group", "被某个计划分组选中"),
    (r"a minor supported for more than (?P<days>\d+) days", "距结束支持还有 {days} 天以上的小版本"),
    (r"one kubelet version per pool", "每个节点池只运行一个 kubelet 版本"),
    (r"a maintained release line", "仍在维护的版本线"),
    (r"no use before upgrading to (?P<to>\S+)", "升级到 {to} 之前不再使用"),
    (r"every API server at one version", "所有 API Server 版本一致"),
    (
        r"not newer than any API server; within the allowed lag of the newest",
        "不高于任何 API Server，且落后最新的 API Server 不超过允许范围",
    ),
    (
        r"not newer than any API server; within the allowed lag of the newest and of its "
        r"node's kubelet",
        "不高于任何 API Server，且落后最新的 API Server 及本节点 kubelet 不超过允许范围",
    ),
    (
        r"not newer than any API server; at most (?P<n>\d+) minor older than the newest",
        "不高于任何 API Server，且最多落后最新的 API Server {n} 个小版本",
    ),
    (
        r"expiry more than (?P<days>\d+) days away, or the findings fixed",
        "到期日在 {days} 天以后，或所豁免的问题已修复",
    ),
    (r"target\.(?P<field>\S+) in group (?P<group>.+)", "分组 {group} 中的 target.{field}"),
    (r"installed", "已安装"),
    (r"no minor", "没有允许的小版本"),
    (
        r"(?P<text>.+) \(target '(?P<target>[^']*)', allowed lag (?P<lag>\d+)\)",
        "{text}（目标 '{target}'，允许落后 {lag} 个小版本）",
    ),
    (r"(?P<low>\d+\.\d+) to (?P<high>\d+\.\d+)", "{low} 至 {high}"),
)


REMEDIES = Sentences(forms(*_REMEDIES))
EXPECTED = Sentences(forms(*_EXPECTED))


def remedy(english: str) -> str:
    """The Chinese form of a remedy sentence; the sentence itself when no form knows it."""
    return REMEDIES.chinese(english)


def expected(english: str) -> str:
    """The Chinese form of an expected phrase; values (versions, constraints) as written."""
    return EXPECTED.chinese(english)
