"""The engine's English remedy sentences and expected phrases in Chinese chat messages:
one case per sentence form, values carried over as written, unknown text left as it is."""

from __future__ import annotations

import pytest

from kubedrift.model.findings import Remedy
from kubedrift.notifiers.phrases import remedy_line
from kubedrift.notifiers.templates import CATALOGS, zh_cn_engine

REMEDIES = [
    ("move coredns to v1.11.3 (offered by the provider)", "将 coredns 升级到云厂商提供的 v1.11.3"),
    ("move calico-node to >=3.27.0", "将 calico-node 调整到 >=3.27.0"),
    (
        "move kube-proxy to 1.31.3, the control plane's version",
        "将 kube-proxy 升级到控制面的版本 1.31.3",
    ),
    (
        "upgrade the control plane first; kube-proxy moves with it at the end of the upgrade path",
        "先升级控制面；kube-proxy 在升级路径的最后随控制面一起升级",
    ),
    (
        "check nginx-ingress against TKE's add-on catalogue, or pin it in the plan by the "
        "upstream version it runs",
        "对照 TKE 的组件目录核查 nginx-ingress，或在计划中按它实际运行的上游版本固定",
    ),
    (
        "check nginx-ingress against the provider's catalogue",
        "对照云厂商的组件目录核查 nginx-ingress",
    ),
    ("install terway >=1.8.0", "安装 terway >=1.8.0"),
    (
        "replace flannel with terway (a migration of the cluster's cni), or let the group's plan "
        "accept flannel",
        "将 flannel 替换为 terway（需迁移集群的 cni），或在分组的计划中接受 flannel",
    ),
    (
        "check that kube-proxy runs in the cluster; install kube-proxy ~1.30 if it does not",
        "在集群中确认 kube-proxy 是否在运行；如未运行，安装 kube-proxy ~1.30",
    ),
    (
        "check the rollout (image pulls, disruption budgets) and finish it",
        "检查发布过程（镜像拉取、中断预算）并完成发布",
    ),
    (
        "migrate clients and manifests off flowcontrol.apiserver.k8s.io/v1beta3 flowschemas "
        "before upgrading to 1.32",
        "升级到 1.32 之前，将客户端和清单从 flowcontrol.apiserver.k8s.io/v1beta3 "
        "flowschemas 迁移走",
    ),
    (
        "upgrade the control plane to a patch the target admits",
        "将控制面升级到目标版本约束允许的补丁版本",
    ),
    ("upgrade the control plane to 1.31, one minor per step", "逐个小版本将控制面升级到 1.31"),
    ("upgrade the control plane to 1.30.7-aliyun.1", "将控制面升级到 1.30.7-aliyun.1"),
    (
        "control planes are not downgraded: raise the group's target or add a waiver",
        "控制面不能降级：请提高分组的目标版本，或添加豁免",
    ),
    (
        "change the group's target to an offered version, or ask the provider when it will "
        "offer one",
        "将分组的目标改为云厂商已提供的版本，或询问云厂商何时提供",
    ),
    (
        "check the collector's access to this part of the cluster",
        "检查采集器对集群这部分信息的访问权限",
    ),
    ("finish the rollout of pool general", "完成节点池 general 的滚动升级"),
    ("upgrade pool gpu-a10 to 1.30.1-aliyun.1", "将节点池 gpu-a10 升级到 1.30.1-aliyun.1"),
    (
        "upgrade the managers one at a time (quorum kept), then the rest, to 29.1.0",
        "逐个升级管理节点（保持仲裁），再升级其余节点，升级到 29.1.0",
    ),
    ("raise the group's target, or check the cluster", "提高分组的目标版本，或检查该集群"),
    ("upgrade the agents in pool r2 after the masters", "在主节点之后升级节点池 r2 中的Agent 节点"),
    (
        "upgrade the managers first, one at a time, to at least 28.5.2; do not upgrade more "
        "workers until then",
        "先逐个将管理节点升级到至少 28.5.2；在此之前不要再升级工作节点",
    ),
    ("update kubedrift's calendar data", "更新 kubedrift 的版本日历数据"),
    (
        "plan the move of the masters to a maintained Mesos line",
        "规划将主节点迁移到仍在维护的 Mesos 版本线",
    ),
    (
        "plan the move of workers in pool web to a maintained Docker Engine line",
        "规划将节点池 web 中的工作节点迁移到仍在维护的 Docker Engine 版本线",
    ),
    ("finish the upgrade of every API server to 1.31.2", "完成所有 API Server 到 1.31.2 的升级"),
    (
        "upgrade off 1.30 (support ended 2026-07-31)",
        "尽快升级离开 1.30（已于 2026-07-31 结束支持）",
    ),
    ("upgrade off 1.32 before 2027-03-11", "在 2027-03-11 之前升级离开 1.32"),
    ("upgrade off 1.26", "升级离开 1.26"),
    (
        "add a group (or a catch-all last group) that selects it",
        "添加一个选中该集群的分组（或在最后添加兜底分组）",
    ),
    (
        "add `docker_engine:` to group legacy's target, or narrow its selector with `platform:`",
        "在分组 legacy 的目标中添加 `docker_engine:`，或用 `platform:` 收窄它的选择器",
    ),
    (
        "renew the waiver with a new expiry, or fix what it covers",
        "为豁免设置新的到期日，或修复它覆盖的问题",
    ),
    ("fix the source's access and scan again", "修复数据源的访问后重新扫描"),
    (
        "upgrade the control plane first, or roll kubelet back to 1.30",
        "先升级控制面，或将 kubelet 回退到 1.30",
    ),
    ("upgrade kubelet towards 1.29", "将 kubelet 向 1.29 升级"),
]

EXPECTED = [
    ("selected by a plan group", "被某个计划分组选中"),
    ("a minor supported for more than 90 days", "距结束支持还有 90 天以上的小版本"),
    ("one kubelet version per pool", "每个节点池只运行一个 kubelet 版本"),
    ("a maintained release line", "仍在维护的版本线"),
    ("no use before upgrading to 1.29", "升级到 1.29 之前不再使用"),
    ("every API server at one version", "所有 API Server 版本一致"),
    (
        "not newer than any API server; within the allowed lag of the newest",
        "不高于任何 API Server，且落后最新的 API Server 不超过允许范围",
    ),
    (
        "not newer than any API server; within the allowed lag of the newest and of its node's "
        "kubelet",
        "不高于任何 API Server，且落后最新的 API Server 及本节点 kubelet 不超过允许范围",
    ),
    (
        "not newer than any API server; at most 1 minor older than the newest",
        "不高于任何 API Server，且最多落后最新的 API Server 1 个小版本",
    ),
    (
        "expiry more than 14 days away, or the findings fixed",
        "到期日在 14 天以后，或所豁免的问题已修复",
    ),
    ("target.docker_engine in group legacy", "分组 legacy 中的 target.docker_engine"),
    ("installed", "已安装"),
    ("no minor", "没有允许的小版本"),
    ("1.31 (target '1.31', allowed lag 1)", "1.31（目标 '1.31'，允许落后 1 个小版本）"),
    (
        "1.29 to 1.31 (target '>=1.29.0-0 <1.32.0-0', allowed lag 1)",
        "1.29 至 1.31（目标 '>=1.29.0-0 <1.32.0-0'，允许落后 1 个小版本）",
    ),
    ("1.29 to 1.31", "1.29 至 1.31"),
]


@pytest.mark.parametrize(("english", "chinese"), REMEDIES)
def test_remedy_sentences(english: str, chinese: str) -> None:
    assert zh_cn_engine.remedy(english) == chinese


@pytest.mark.parametrize(("english", "chinese"), EXPECTED)
def test_expected_phrases(english: str, chinese: str) -> None:
    assert zh_cn_engine.expected(english) == chinese


def test_every_form_has_a_case() -> None:
    for table, cases in ((zh_cn_engine.REMEDIES, REMEDIES), (zh_cn_engine.EXPECTED, EXPECTED)):
        unused = [
            form.pattern.pattern
            for form in table.forms
            if not any(form.pattern.fullmatch(english) for english, _ in cases)
        ]
        assert not unused


def test_values_and_unknown_text_stay_as_written() -> None:
    for value in (">=1.31.0 <1.33.0", "v1.11.3.2-f57ea7ed6-aliyun", "1.30", "<= 26.1.4"):
        assert zh_cn_engine.expected(value) == value
    assert zh_cn_engine.remedy("reticulate the splines") == "reticulate the splines"


def test_a_chinese_remedy_line_without_steps_reads_in_chinese() -> None:
    remedy = Remedy(summary="finish the rollout of pool general")
    chinese = remedy_line(remedy, CATALOGS["zh-CN"])
    english = remedy_line(remedy, CATALOGS["en"])
    assert "完成节点池 general 的滚动升级" in chinese and "finish the rollout" not in chinese
    assert "finish the rollout of pool general" in english
