"""简体中文 for the upgrade planner's sentences: step reasons, warnings, blocks, the
in-place / replacement reasons and the Swarm / Mesos runbook steps.

The forms follow the code that writes them: `policies/upgrade_moves.py` and
`upgrade_planner.py` (steps and warnings), `provider_offer.py` (the provider's offer),
`node_strategy.py`, `platform_upgrade.py`, `rules/node_pools.py`, `versions/steps.py`;
the add-on decisions are `zh_cn_addons`' and the skew verdicts inside them `zh_cn_skew`'.
`PLANNER` reads any of them (see `zh_cn_forms` for how a form is written).
"""

from __future__ import annotations

from kubedrift.notifiers.templates.zh_cn_addons import ADDONS
from kubedrift.notifiers.templates.zh_cn_forms import Sentences, fixed, forms
from kubedrift.notifiers.templates.zh_cn_skew import SKEW

_OFFER_LISTS = {
    "the offered versions": "指定的可用版本",
    "the versions this cluster can upgrade to": "该集群可升级到的版本",
    "the versions the provider offers in the region": "云厂商在该地域提供的版本",
}

# Where and when: the prefixes the planner puts before a skew reason.
_WHEN = forms(
    (r"before the path: (?P<text>.+)", "升级开始之前：{text}"),
    (
        r"after (?P<component>.+?) -> (?P<to>\S+): (?P<text>.+)",
        "{component} 升级到 {to} 之后：{text}",
    ),
    (
        r"while the control plane rolls to (?P<minor>\S+): (?P<text>.+)",
        "控制面滚动升级到 {minor} 期间：{text}",
    ),
    (r"(?P<text>.+) \(the target\)", "{text}（本步到达目标版本）"),
    (
        r"(?P<pool>.+?): required before the control plane moves to (?P<minor>\S+): (?P<text>.+)",
        "节点池 {pool} 须在控制面升级到 {minor} 之前升级：{text}",
    ),
    (
        r"required before the control plane moves to (?P<minor>\S+): (?P<text>.+)",
        "须在控制面升级到 {minor} 之前完成：{text}",
    ),
    (r"after the node pools: (?P<text>.+)", "节点池升级完成后再升级：{text}"),
    (
        r"moves with the kubelet on these nodes: (?P<text>.+)",
        "随这些节点上的 kubelet 一起升级：{text}",
    ),
    (
        r"no kube-proxy version fits every pool's kubelet \((?P<text>.+)\)",
        "没有一个 kube-proxy 版本能同时适配所有节点池的 kubelet（{text}）",
    ),
    (
        r"(?P<addon>\S+) is required at (?P<minor>\S+): (?P<text>.+); upgrade it right after "
        r"this control-plane step",
        "控制面到 {minor} 时必须升级 {addon}：{text}；请在这一步控制面升级完成后立即升级它",
    ),
)

_STEPS = forms(
    (
        r"(?P<pool>.+?): at the end: every node pool joins the control plane at the target; held "
        r"back until now, so the pool is upgraded once",
        "节点池 {pool} 在最后随控制面升级到目标版本；此前一直暂缓，因此只需升级一次",
    ),
    (
        r"(?P<pool>.+?): at the end: every node pool joins the control plane at the target",
        "节点池 {pool} 在最后随控制面升级到目标版本",
    ),
    (
        r"finishes the HA roll: API servers (?P<servers>.+) all reach (?P<minor>\S+)",
        "完成高可用控制面的滚动升级：API Server {servers} 全部升级到 {minor}",
    ),
    (
        r"(?P<provider>\S+) offers (?P<minor>\S+) as the next version from (?P<current>\S+); it "
        r"does not release (?P<skipped>\S+(?: or \S+)*)",
        "{provider} 在 {current} 之后提供的下一个版本是 {minor}，不发布 {skipped}",
    ),
    (
        r"the control plane moves one minor at a time: (?P<start>\S+) -> (?P<end>\S+)",
        "控制面每次升级一个小版本：{start} → {end}",
    ),
    (
        r"node pool (?P<pool>.+): kubelet version unknown, so the skew policy is not checked for "
        r"it; it is replaced at the end",
        "节点池 {pool}：kubelet 版本未知，无法按版本偏差策略检查；该节点池在最后以替换方式升级",
    ),
    (
        r"no upgrade path from (?P<start>\S+) to (?P<end>\S+): the path crosses a major version",
        "不存在从 {start} 到 {end} 的升级路径：路径跨越了主版本",
    ),
    (
        r"no upgrade path from (?P<start>\S+) to (?P<end>\S+): the target is older and control "
        r"planes are not downgraded",
        "不存在从 {start} 到 {end} 的升级路径：目标版本更旧，而控制面不能降级",
    ),
    (
        r"the API servers \((?P<oldest>\S+), (?P<newest>\S+)\) are more than one minor apart: "
        r"the cluster is out of the skew policy before any upgrade; repair it first",
        "各 API Server（{oldest}、{newest}）相差超过一个小版本：集群在升级之前就已违反版本偏差"
        "策略，请先修复",
    ),
    (
        r"whether (?P<provider>\S+) offers (?P<minor>\S+) later is not known yet",
        "尚不清楚 {provider} 之后是否会提供 {minor}",
    ),
    (
        r"(?P<provider>\S+) did not report which versions it offers: (?P<minor>\S+) is not checked",
        "{provider} 未报告它提供哪些版本：未核实 {minor} 是否提供",
    ),
    *(
        (
            rf"(?P<minor>\S+) is not among {english} \(minors offered: (?P<listed>.+)\)",
            f"{{minor}} 不在{chinese}之中（已提供的小版本：{{listed}}）",
        )
        for english, chinese in _OFFER_LISTS.items()
    ),
)

_STRATEGIES = forms(
    (r"(?P<strategy>in-place|replacement) chosen by the caller", "{strategy}：由调用方指定"),
    (
        r"the nodes run Docker, and Kubernetes (?P<minor>\S+) removed dockershim: new nodes with "
        r"a containerd image replace them",
        "节点运行 Docker，而 Kubernetes {minor} 已移除 dockershim："
        "改用 containerd 镜像的新节点替换",
    ),
    (
        r"the kubelet moves (?P<n>\d+) minors and kubeadm upgrades a node one minor at a time; "
        r"new nodes join at the target directly",
        "kubelet 要升级 {n} 个小版本，而 kubeadm 每次只能将节点升级一个小版本；"
        "新节点直接以目标版本加入",
    ),
    (
        r"kubelet and its companions are replaced on the same machines: pods are not rebuilt, "
        r"IPs and local disks stay; needs spare capacity, go in batches; the pool's nodes differ "
        r"\((?P<versions>.+)\)",
        "在原机器上替换 kubelet 及相关组件：Pod 不重建，IP 和本地盘保留；需要预留容量，分批进行；"
        "该节点池内各节点版本不一致（{versions}）",
    ),
    (
        r"(?P<role>the leading manager|the leading master|manager|master) (?P<instance>\S+): one "
        r"at a time so (?P<quorum>\d+) of (?P<total>\d+) (?P<leaders>managers|masters) keep "
        r"quorum; drain it \(docker node update --availability drain\), upgrade, wait until it "
        r"is back and reachable before the next",
        "{role} {instance}：逐个升级，保证 {total} 个{leaders}中有 {quorum} 个维持仲裁；"
        "先排空该节点（docker node update --availability drain），升级后等它恢复并可访问，"
        "再升级下一个",
    ),
    (
        r"(?P<role>the leading manager|the leading master|manager|master) (?P<instance>\S+): one "
        r"at a time so (?P<quorum>\d+) of (?P<total>\d+) (?P<leaders>managers|masters) keep "
        r"quorum; stop it, install the new binaries and restart it, upgrade, wait until it is "
        r"back and reachable before the next",
        "{role} {instance}：逐个升级，保证 {total} 个{leaders}中有 {quorum} 个维持仲裁；"
        "停止服务、安装新的二进制文件后重启，等它恢复并可访问，再升级下一个",
    ),
    (
        r"(?P<workers>workers|agents) in pool (?P<pool>.+), after every "
        r"(?P<leader>manager|master): no (?P<worker>worker|agent) may run a newer version than "
        r"the (?P<leaders>managers|masters); a few at a time",
        "节点池 {pool} 的{workers}：在所有{leader}之后升级，{worker}的版本不能高于{leaders}；"
        "每次升级少量节点",
    ),
)

_FIXED = fixed(
    (
        "the control plane's version is unknown: no path can be planned",
        "控制面版本未知：无法规划升级路径",
    ),
    (
        "the kubelet version is unknown, so an in-place upgrade cannot be checked against the "
        "skew policy; new nodes join at a known version",
        "kubelet 版本未知，无法按版本偏差策略检查原地升级；新节点以已知版本加入",
    ),
    (
        "kubelet and its companions are replaced on the same machines: pods are not rebuilt, "
        "IPs and local disks stay; needs spare capacity, go in batches",
        "在原机器上替换 kubelet 及相关组件：Pod 不重建，IP 和本地盘保留；需要预留容量，分批进行",
    ),
    ("workers follow the control plane", "工作节点跟随控制面升级"),
)

PLANNER_FORMS = (*_WHEN, *_STEPS, *_STRATEGIES, *_FIXED)
PLANNER = Sentences(PLANNER_FORMS, ADDONS, SKEW)


def planner(english: str) -> str:
    """The Chinese form of a planner sentence; the parts no form knows stay as written."""
    return PLANNER.chinese(english)
