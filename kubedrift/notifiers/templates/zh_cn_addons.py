"""简体中文 for the add-on decisions' reasons (`policies/addon_classify.py` `classify_addon`,
and kube-proxy's class in `policies/upgrade_addons.py`), and for the packaged add-on table's
notes on how a provider packages an add-on (`policies/data/addon_compat.yaml`, `reason:`),
which a reason quotes.
"""

from __future__ import annotations

from kubedrift.notifiers.templates.zh_cn_forms import fixed, forms

_CATALOGUE = r"; check it against the provider's add-on catalogue"

_DECISIONS = forms(
    (
        r"(?P<text>no compatibility data for .+) \(the plan's (?P<constraint>.+) names upstream "
        r"versions: no comparable version\)",
        "{text}（计划中的 {constraint} 指的是上游版本：没有可比较的版本）",
    ),
    (
        rf"no compatibility data for (?P<provider>\S+)'s (?P<addon>\S+) versions: (?P<text>.+)"
        rf"{_CATALOGUE}",
        "{provider} 的 {addon} 使用自己的版本号，没有兼容性数据：{text}；"
        "请对照云厂商的组件目录核查",
    ),
    (
        rf"no compatibility data for (?P<provider>\S+)'s (?P<addon>\S+) version (?P<version>\S+): "
        rf"(?P<text>.+){_CATALOGUE}",
        "{provider} 的 {addon} {version} 没有兼容性数据：{text}；请对照云厂商的组件目录核查",
    ),
    (
        r"no compatibility data for (?P<addon>\S+) with Kubernetes (?P<minor>\S+): check the "
        r"provider's add-on catalogue before this step",
        "没有 {addon} 与 Kubernetes {minor} 的兼容性数据：执行这一步之前请对照云厂商的组件目录核查",
    ),
    (
        r"no compatibility data for (?P<addon>\S+) with Kubernetes (?P<minor>\S+) in the kubeadm "
        r"table",
        "kubeadm 版本表中没有 {addon} 与 Kubernetes {minor} 的兼容性数据",
    ),
    (
        r"no compatibility data for (?P<addon>\S+) with Kubernetes (?P<minor>\S+)",
        "没有 {addon} 与 Kubernetes {minor} 的兼容性数据",
    ),
    (
        r"no compatibility data for (?P<addon>\S+) (?P<version>\S+): the packaged table describes "
        r"(?P<described>.+) only; check the project's page for (?P<minor>\S+)",
        "没有 {addon} {version} 的兼容性数据：内置兼容性表只描述了 {described}；"
        "请在项目主页上查看它对 {minor} 的支持情况",
    ),
    (
        r"the plan asks (?P<addon>\S+) (?P<constraint>.+) at (?P<minor>\S+); it runs an "
        r"(?P<seen>unreadable|unknown) version",
        "计划要求升级到 {minor} 时 {addon} 的版本满足 {constraint}；当前运行的版本{seen}",
    ),
    (
        r"the plan asks (?P<addon>\S+) (?P<constraint>.+) at (?P<minor>\S+); it runs "
        r"(?P<version>\S+)",
        "计划要求升级到 {minor} 时 {addon} 的版本满足 {constraint}；当前运行的是 {version}",
    ),
    (
        r"running version unknown; kubeadm installs (?P<addon>\S+) (?P<wanted>\S+) with "
        r"(?P<minor>\S+)",
        "运行版本未知；kubeadm 随 {minor} 安装的 {addon} 版本是 {wanted}",
    ),
    (
        r"at or above (?P<wanted>\S+), the version kubeadm installs with (?P<minor>\S+)",
        "不低于 kubeadm 随 {minor} 安装的版本 {wanted}",
    ),
    (
        r"kubeadm installs (?P<addon>\S+) (?P<wanted>\S+) with (?P<minor>\S+); (?P<version>\S+) "
        r"keeps working \(the table is a recommendation, not a limit\)",
        "kubeadm 随 {minor} 安装的 {addon} 版本是 {wanted}；{version} 仍可继续使用"
        "（该表只是建议，不是限制）",
    ),
    (
        r"(?P<version>\S+) is tested with Kubernetes (?P<minor>\S+)",
        "{version} 已在 Kubernetes {minor} 上经过测试",
    ),
    (
        r"(?P<version>\S+) is not listed as tested with Kubernetes (?P<minor>\S+); tested: "
        r"(?P<ranges>.+)",
        "{version} 不在 Kubernetes {minor} 的已测试版本之列；已测试的版本：{ranges}",
    ),
    (
        r"an unknown version is not listed as tested with Kubernetes (?P<minor>\S+); tested: "
        r"(?P<ranges>.+)",
        "运行版本未知，不在 Kubernetes {minor} 的已测试版本之列；已测试的版本：{ranges}",
    ),
    # kube-proxy, classed by the planner.
    (r"already at (?P<minor>\S+)", "已是 {minor}"),
    (
        r"follows the control plane \(kubeadm moves it to (?P<minor>\S+)\); the skew policy lets "
        r"(?P<version>\S+) stay, so it moves only when the policy requires it or after the node "
        r"pools at the end",
        "跟随控制面（kubeadm 会将它升级到 {minor}）；版本偏差策略允许 {version} 暂不升级，"
        "因此只在策略要求时升级，或在最后节点池升级之后升级",
    ),
)

_FIXED = fixed(
    (
        "the path ends with every component at the target",
        "升级路径结束时，所有组件都应处于目标版本",
    ),
    # The packaged table's notes (`reason:` of a provider's packaging).
    (
        "ACK ships the CNCF CoreDNS at its upstream version, with an ACK build number and suffix "
        "after it",
        "ACK 提供的是 CNCF CoreDNS 的上游版本，版本号后附加 ACK 的构建号和后缀",
    ),
    (
        "ACK's Nginx Ingress Controller is the community ingress-nginx at the community's version "
        "number, plus an -aliyun.N build suffix",
        "ACK 的 Nginx Ingress Controller 就是社区的 ingress-nginx，沿用社区版本号，"
        "另加 -aliyun.N 构建后缀",
    ),
    (
        "TKE's NginxIngress add-on reports the version of TKE's own chart and operator (TKE's "
        "example: add-on 1.2.0 with an instance at v1.1.3), not an ingress-nginx release",
        "TKE 的 NginxIngress 组件报告的是 TKE 自己的 Chart 和 Operator 的版本（TKE 的示例：组件 "
        "1.2.0，实例为 v1.1.3），而不是 ingress-nginx 的发行版本",
    ),
)

ADDONS = (*_DECISIONS, *_FIXED)
