"""The planner's English sentences in Chinese tickets: one case per sentence form (step
reasons, warnings, blocks, add-on decisions, skew verdicts), nested sentences read through the
tables again, values carried over as written, unknown text left as it is."""

from __future__ import annotations

import pytest

from kubedrift.notifiers.templates.zh_cn_planner import PLANNER, planner
from kubedrift.policies.addon_compat import load_addon_compat

STEPS = [
    (
        "before the path: node-pool/np-legacy: kubelet 1.24.6-aliyun.1 is 4 minors older than "
        "kube-apiserver 1.28.9-aliyun.1; a kubelet older than 1.25 may be at most 2 minors older",
        "升级开始之前：节点池 np-legacy：kubelet 1.24.6-aliyun.1 比 kube-apiserver "
        "1.28.9-aliyun.1 旧 4 个小版本；低于 1.25 的 kubelet 最多只能比 API Server 旧 2 个小版本",
    ),
    (
        "after node-pool/np-a -> 1.30.2: node-pool/np-a: kube-proxy 1.26.1 is 4 minors older than "
        "its node's kubelet 1.30.2; kube-proxy may be at most 3 minors older or newer than its "
        "kubelet",
        "节点池 np-a 升级到 1.30.2 之后：节点池 np-a：kube-proxy 1.26.1 比所在节点的 kubelet "
        "1.30.2 旧 4 个小版本；kube-proxy 与 kubelet 最多相差 3 个小版本",
    ),
    (
        "while the control plane rolls to 1.29: node-pool/np-b: kubelet 1.25.3 is 4 minors older "
        "than kube-apiserver 1.29.0; a kubelet may be at most 3 minors older",
        "控制面滚动升级到 1.29 期间：节点池 np-b：kubelet 1.25.3 比 kube-apiserver 1.29.0 旧 4 个"
        "小版本；kubelet 最多只能比 API Server 旧 3 个小版本",
    ),
    (
        "the control plane moves one minor at a time: 1.30 -> 1.31 (the target)",
        "控制面每次升级一个小版本：1.30 → 1.31（本步到达目标版本）",
    ),
    (
        "spot: required before the control plane moves to 1.30: kubelet 1.26.1 is 4 minors older "
        "than kube-apiserver 1.30.0; a kubelet may be at most 3 minors older",
        "节点池 spot 须在控制面升级到 1.30 之前升级：kubelet 1.26.1 比 kube-apiserver 1.30.0 旧 4 "
        "个小版本；kubelet 最多只能比 API Server 旧 3 个小版本",
    ),
    (
        "required before the control plane moves to 1.31: no kube-proxy version fits every pool's "
        "kubelet (node-pool/np-a: kube-proxy 1.27.1 is 4 minors older than kube-apiserver 1.31.0; "
        "kube-proxy may be at most 3 minors older)",
        "须在控制面升级到 1.31 之前完成：没有一个 kube-proxy 版本能同时适配所有节点池的 kubelet（"
        "节点池 np-a：kube-proxy 1.27.1 比 kube-apiserver 1.31.0 旧 4 个小版本；kube-proxy 最多只"
        "能比 API Server 旧 3 个小版本）",
    ),
    (
        "after the node pools: the plan asks calico >=3.27.0 at 1.29; it runs v3.26.1",
        "节点池升级完成后再升级：计划要求升级到 1.29 时 calico 的版本满足 >=3.27.0；当前运行的是 "
        "v3.26.1",
    ),
    (
        "moves with the kubelet on these nodes: kube-proxy 1.28.1 is 3 minors older than its "
        "node's kubelet 1.31.0; a kube-proxy older than 1.25 may be at most 2 minors older or "
        "newer than its kubelet",
        "随这些节点上的 kubelet 一起升级：kube-proxy 1.28.1 比所在节点的 kubelet 1.31.0 旧 3 个小"
        "版本；低于 1.25 的 kube-proxy 与 kubelet 最多相差 2 个小版本",
    ),
    (
        "calico is required at 1.29: v3.25.0 is not listed as tested with Kubernetes 1.29; "
        "tested: >=3.26.0 <3.28.0; upgrade it right after this control-plane step",
        "控制面到 1.29 时必须升级 calico：v3.25.0 不在 Kubernetes 1.29 的已测试版本之列；已测试的"
        "版本：>=3.26.0 <3.28.0；请在这一步控制面升级完成后立即升级它",
    ),
    (
        "web-pool: at the end: every node pool joins the control plane at the target; held back "
        "until now, so the pool is upgraded once",
        "节点池 web-pool 在最后随控制面升级到目标版本；此前一直暂缓，因此只需升级一次",
    ),
    (
        "spot: at the end: every node pool joins the control plane at the target",
        "节点池 spot 在最后随控制面升级到目标版本",
    ),
    (
        "finishes the HA roll: API servers v1.28.9, v1.29.4 all reach 1.29",
        "完成高可用控制面的滚动升级：API Server v1.28.9, v1.29.4 全部升级到 1.29",
    ),
    (
        "TKE offers 1.32 as the next version from 1.30; it does not release 1.31 (the target)",
        "TKE 在 1.30 之后提供的下一个版本是 1.32，不发布 1.31（本步到达目标版本）",
    ),
    (
        "ACK offers 1.30 as the next version from 1.26; it does not release 1.27 or 1.29",
        "ACK 在 1.26 之后提供的下一个版本是 1.30，不发布 1.27、1.29",
    ),
    (
        "node pool gpu: kubelet version unknown, so the skew policy is not checked for it; it is "
        "replaced at the end",
        "节点池 gpu：kubelet 版本未知，无法按版本偏差策略检查；该节点池在最后以替换方式升级",
    ),
    (
        "no upgrade path from 1.30 to 2.0: the path crosses a major version",
        "不存在从 1.30 到 2.0 的升级路径：路径跨越了主版本",
    ),
    (
        "no upgrade path from 1.30 to 1.28: the target is older and control planes are not "
        "downgraded",
        "不存在从 1.30 到 1.28 的升级路径：目标版本更旧，而控制面不能降级",
    ),
    (
        "the API servers (1.27.3, 1.29.1) are more than one minor apart: the cluster is out of "
        "the skew policy before any upgrade; repair it first",
        "各 API Server（1.27.3、1.29.1）相差超过一个小版本：集群在升级之前就已违反版本偏差策略，请"
        "先修复",
    ),
    (
        "whether TKE offers 1.31 later is not known yet",
        "尚不清楚 TKE 之后是否会提供 1.31",
    ),
    (
        "ACK did not report which versions it offers: 1.31 is not checked",
        "ACK 未报告它提供哪些版本：未核实 1.31 是否提供",
    ),
    (
        "1.29 is not among the offered versions (minors offered: 1.30, 1.31)",
        "1.29 不在指定的可用版本之中（已提供的小版本：1.30, 1.31）",
    ),
    (
        "1.29 is not among the versions this cluster can upgrade to (minors offered: none)",
        "1.29 不在该集群可升级到的版本之中（已提供的小版本：无）",
    ),
    (
        "1.31 is not among the versions the provider offers in the region (minors offered: 1.30, "
        "1.32)",
        "1.31 不在云厂商在该地域提供的版本之中（已提供的小版本：1.30, 1.32）",
    ),
    (
        "replacement chosen by the caller",
        "替换升级：由调用方指定",
    ),
    (
        "in-place chosen by the caller",
        "原地升级：由调用方指定",
    ),
    (
        "the nodes run Docker, and Kubernetes 1.24 removed dockershim: new nodes with a "
        "containerd image replace them",
        "节点运行 Docker，而 Kubernetes 1.24 已移除 dockershim：改用 containerd 镜像的新节点替换",
    ),
    (
        "the kubelet moves 2 minors and kubeadm upgrades a node one minor at a time; new nodes "
        "join at the target directly",
        "kubelet 要升级 2 个小版本，而 kubeadm 每次只能将节点升级一个小版本；新节点直接以目标版本"
        "加入",
    ),
    (
        "kubelet and its companions are replaced on the same machines: pods are not rebuilt, IPs "
        "and local disks stay; needs spare capacity, go in batches; the pool's nodes differ "
        "(1.28.3-aliyun.1, 1.28.9-aliyun.1)",
        "在原机器上替换 kubelet 及相关组件：Pod 不重建，IP 和本地盘保留；需要预留容量，分批进行；"
        "该节点池内各节点版本不一致（1.28.3-aliyun.1, 1.28.9-aliyun.1）",
    ),
    (
        "the leading manager swarm-bj-mgr-1: one at a time so 2 of 3 managers keep quorum; drain "
        "it (docker node update --availability drain), upgrade, wait until it is back and "
        "reachable before the next",
        "作为 Leader 的管理节点 swarm-bj-mgr-1：逐个升级，保证 3 个管理节点中有 2 个维持仲裁；先排"
        "空该节点（docker node update --availability drain），升级后等它恢复并可访问，再升级下一个",
    ),
    (
        "master 127.0.0.1:40083: one at a time so 2 of 3 masters keep quorum; stop it, install "
        "the new binaries and restart it, upgrade, wait until it is back and reachable before the "
        "next",
        "主节点 127.0.0.1:40083：逐个升级，保证 3 个主节点中有 2 个维持仲裁；停止服务、安装新的二"
        "进制文件后重启，等它恢复并可访问，再升级下一个",
    ),
    (
        "agents in pool r1, after every master: no agent may run a newer version than the "
        "masters; a few at a time",
        "节点池 r1 的Agent 节点：在所有主节点之后升级，Agent 节点的版本不能高于主节点；每次升级少"
        "量节点",
    ),
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
        "kubelet and its companions are replaced on the same machines: pods are not rebuilt, IPs "
        "and local disks stay; needs spare capacity, go in batches",
        "在原机器上替换 kubelet 及相关组件：Pod 不重建，IP 和本地盘保留；需要预留容量，分批进行",
    ),
    (
        "workers follow the control plane",
        "工作节点跟随控制面升级",
    ),
    (
        "the control plane moves one minor at a time: 1.29 -> 1.30",
        "控制面每次升级一个小版本：1.29 → 1.30",
    ),
    (
        "no kube-proxy version fits every pool's kubelet (node-pool/np-a: kube-proxy 1.27.1 is 4 "
        "minors older than kube-apiserver 1.31.0; kube-proxy may be at most 3 minors older)",
        "没有一个 kube-proxy 版本能同时适配所有节点池的 kubelet（节点池 np-a：kube-proxy 1.27.1 比"
        " kube-apiserver 1.31.0 旧 4 个小版本；kube-proxy 最多只能比 API Server 旧 3 个小版本）",
    ),
    (
        "after control-plane -> 1.29.4: control-plane: kube-scheduler 1.27.3 is 2 minors older "
        "than kube-apiserver 1.29.4; kube-scheduler may be at most 1 minor older",
        "控制面 升级到 1.29.4 之后：控制面：kube-scheduler 1.27.3 比 kube-apiserver 1.29.4 旧 2 个"
        "小版本；kube-scheduler 最多只能比 API Server 旧 1 个小版本",
    ),
]

ADDONS = [
    (
        "no compatibility data for TKE's nginx-ingress versions: TKE's NginxIngress add-on "
        "reports the version of TKE's own chart and operator (TKE's example: add-on 1.2.0 with an "
        "instance at v1.1.3), not an ingress-nginx release; check it against the provider's "
        "add-on catalogue (the plan's >=1.10.0 names upstream versions: no comparable version)",
        "TKE 的 nginx-ingress 使用自己的版本号，没有兼容性数据：TKE 的 NginxIngress 组件报告的是 "
        "TKE 自己的 Chart 和 Operator 的版本（TKE 的示例：组件 1.2.0，实例为 v1.1.3），而不是 "
        "ingress-nginx 的发行版本；请对照云厂商的组件目录核查（计划中的 >=1.10.0 指的是上游版本："
        "没有可比较的版本）",
    ),
    (
        "no compatibility data for ACK's nginx-ingress-controller version v1.10.4-custom: ACK's "
        "Nginx Ingress Controller is the community ingress-nginx at the community's version "
        "number, plus an -aliyun.N build suffix; check it against the provider's add-on catalogue",
        "ACK 的 nginx-ingress-controller v1.10.4-custom 没有兼容性数据：ACK 的 Nginx Ingress "
        "Controller 就是社区的 ingress-nginx，沿用社区版本号，另加 -aliyun.N 构建后缀；请对照云厂"
        "商的组件目录核查",
    ),
    (
        "no compatibility data for ACK's coredns version v1.11.x: ACK ships the CNCF CoreDNS at "
        "its upstream version, with an ACK build number and suffix after it; check it against the "
        "provider's add-on catalogue",
        "ACK 的 coredns v1.11.x 没有兼容性数据：ACK 提供的是 CNCF CoreDNS 的上游版本，版本号后附加"
        " ACK 的构建号和后缀；请对照云厂商的组件目录核查",
    ),
    (
        "no compatibility data for terway with Kubernetes 1.30: check the provider's add-on "
        "catalogue before this step",
        "没有 terway 与 Kubernetes 1.30 的兼容性数据：执行这一步之前请对照云厂商的组件目录核查",
    ),
    (
        "no compatibility data for coredns with Kubernetes 1.35 in the kubeadm table",
        "kubeadm 版本表中没有 coredns 与 Kubernetes 1.35 的兼容性数据",
    ),
    (
        "no compatibility data for ingress-nginx with Kubernetes 1.31",
        "没有 ingress-nginx 与 Kubernetes 1.31 的兼容性数据",
    ),
    (
        "no compatibility data for cilium v1.15.2: the packaged table describes 1.14.x, 1.16.x "
        "only; check the project's page for 1.30",
        "没有 cilium v1.15.2 的兼容性数据：内置兼容性表只描述了 1.14.x, 1.16.x；请在项目主页上查看"
        "它对 1.30 的支持情况",
    ),
    (
        "the plan asks coredns >=1.11.1 <1.13.0 at 1.31; it runs an unknown version",
        "计划要求升级到 1.31 时 coredns 的版本满足 >=1.11.1 <1.13.0；当前运行的版本未知",
    ),
    (
        "the plan asks coredns >=1.11.1 <1.13.0 at 1.31; it runs v1.9.3.10-7dfca203-aliyun",
        "计划要求升级到 1.31 时 coredns 的版本满足 >=1.11.1 <1.13.0；当前运行的是 "
        "v1.9.3.10-7dfca203-aliyun",
    ),
    (
        "running version unknown; kubeadm installs coredns 1.11.1 with 1.30",
        "运行版本未知；kubeadm 随 1.30 安装的 coredns 版本是 1.11.1",
    ),
    (
        "at or above 1.11.1, the version kubeadm installs with 1.29",
        "不低于 kubeadm 随 1.29 安装的版本 1.11.1",
    ),
    (
        "kubeadm installs coredns 1.11.1 with 1.30; v1.9.3.10-7dfca203-aliyun keeps working (the "
        "table is a recommendation, not a limit)",
        "kubeadm 随 1.30 安装的 coredns 版本是 1.11.1；v1.9.3.10-7dfca203-aliyun 仍可继续使用（该"
        "表只是建议，不是限制）",
    ),
    (
        "v1.10.1 is tested with Kubernetes 1.29",
        "v1.10.1 已在 Kubernetes 1.29 上经过测试",
    ),
    (
        "an unknown version is not listed as tested with Kubernetes 1.30; tested: >=1.10.1 "
        "<1.11.0, 1.11.0",
        "运行版本未知，不在 Kubernetes 1.30 的已测试版本之列；已测试的版本：>=1.10.1 <1.11.0, "
        "1.11.0",
    ),
    (
        "already at 1.30",
        "已是 1.30",
    ),
    (
        "follows the control plane (kubeadm moves it to 1.30); the skew policy lets "
        "v1.28.9-aliyun.1 stay, so it moves only when the policy requires it or after the node "
        "pools at the end",
        "跟随控制面（kubeadm 会将它升级到 1.30）；版本偏差策略允许 v1.28.9-aliyun.1 暂不升级，因此"
        "只在策略要求时升级，或在最后节点池升级之后升级",
    ),
    (
        "the path ends with every component at the target",
        "升级路径结束时，所有组件都应处于目标版本",
    ),
    (
        "no compatibility data for TKE's nginx-ingress versions: TKE's NginxIngress add-on "
        "reports the version of TKE's own chart and operator (TKE's example: add-on 1.2.0 with an "
        "instance at v1.1.3), not an ingress-nginx release; check it against the provider's "
        "add-on catalogue",
        "TKE 的 nginx-ingress 使用自己的版本号，没有兼容性数据：TKE 的 NginxIngress 组件报告的是 "
        "TKE 自己的 Chart 和 Operator 的版本（TKE 的示例：组件 1.2.0，实例为 v1.1.3），而不是 "
        "ingress-nginx 的发行版本；请对照云厂商的组件目录核查",
    ),
    (
        "ACK ships the CNCF CoreDNS at its upstream version, with an ACK build number and suffix "
        "after it",
        "ACK 提供的是 CNCF CoreDNS 的上游版本，版本号后附加 ACK 的构建号和后缀",
    ),
    (
        "ACK's Nginx Ingress Controller is the community ingress-nginx at the community's version "
        "number, plus an -aliyun.N build suffix",
        "ACK 的 Nginx Ingress Controller 就是社区的 ingress-nginx，沿用社区版本号，另加 -aliyun.N "
        "构建后缀",
    ),
    (
        "TKE's NginxIngress add-on reports the version of TKE's own chart and operator (TKE's "
        "example: add-on 1.2.0 with an instance at v1.1.3), not an ingress-nginx release",
        "TKE 的 NginxIngress 组件报告的是 TKE 自己的 Chart 和 Operator 的版本（TKE 的示例：组件 "
        "1.2.0，实例为 v1.1.3），而不是 ingress-nginx 的发行版本",
    ),
    (
        "the plan asks calico >=3.27.0 at 1.29; it runs an unreadable version",
        "计划要求升级到 1.29 时 calico 的版本满足 >=3.27.0；当前运行的版本无法识别",
    ),
    (
        "v3.25.0 is not listed as tested with Kubernetes 1.29; tested: >=3.26.0 <3.28.0",
        "v3.25.0 不在 Kubernetes 1.29 的已测试版本之列；已测试的版本：>=3.26.0 <3.28.0",
    ),
]

SKEW = [
    (
        "node-pool/np-a: kubelet 1.24.6 is 4 minors older than kube-apiserver 1.28.9; a kubelet "
        "older than 1.25 may be at most 2 minors older",
        "节点池 np-a：kubelet 1.24.6 比 kube-apiserver 1.28.9 旧 4 个小版本；低于 1.25 的 kubelet "
        "最多只能比 API Server 旧 2 个小版本",
    ),
    (
        "control-plane: kube-scheduler 1.30.1 is 1 minor newer than kube-apiserver 1.29.4; "
        "kube-scheduler must not be newer than any API server",
        "控制面：kube-scheduler 1.30.1 比 kube-apiserver 1.29.4 新 1 个小版本；kube-scheduler 的版"
        "本不能高于任何一个 API Server",
    ),
    (
        "kube-proxy 1.27.1 is 1 minor older than its node's kubelet 1.28.2; kube-proxy must match "
        "its kubelet's minor while an API server is older than 1.28 (kube-apiserver 1.27.3); also "
        "kube-proxy 1.27.1 is 4 minors older than kube-apiserver 1.31.0; kube-proxy may be at "
        "most 3 minors older",
        "kube-proxy 1.27.1 比所在节点的 kubelet 1.28.2 旧 1 个小版本；只要还有低于 1.28 的 API "
        "Server（kube-apiserver 1.27.3），kube-proxy 就必须与 kubelet 的小版本一致；此外，"
        "kube-proxy 1.27.1 比 kube-apiserver 1.31.0 旧 4 个小版本；kube-proxy 最多只能比 API "
        "Server 旧 3 个小版本",
    ),
    (
        "kubelet 1.29.0 is 1 minor newer than kube-apiserver 1.28.0; a kubelet must not be newer "
        "than any API server; no kube-apiserver version is known, so its rules were not checked",
        "kubelet 1.29.0 比 kube-apiserver 1.28.0 新 1 个小版本；kubelet 的版本不能高于任何一个 "
        "API Server；kube-apiserver 版本未知，与它相关的规则未检查",
    ),
    (
        "cannot determine the skew of kubelet 2.0.0 against kube-apiserver 1.30.0: different "
        "major versions, and the skew policy counts minor versions within one major; cannot "
        "determine the skew of kubelet 2.0.0 against kube-apiserver 1.31.0: different major "
        "versions, and the skew policy counts minor versions within one major",
        "无法判断 kubelet 2.0.0 与 kube-apiserver 1.30.0 的版本偏差：两者主版本不同，而版本偏差策"
        "略只在同一主版本内计算小版本差；无法判断 kubelet 2.0.0 与 kube-apiserver 1.31.0 的版本偏"
        "差：两者主版本不同，而版本偏差策略只在同一主版本内计算小版本差",
    ),
    (
        "kube-apiserver 1.31.2 is 2 minors newer than kube-apiserver 1.29.1; the API servers of "
        "one cluster must be within 1 minor of each other",
        "kube-apiserver 1.31.2 比 kube-apiserver 1.29.1 新 2 个小版本；同一集群的各个 API Server "
        "之间最多相差 1 个小版本",
    ),
    (
        "kubectl 1.27.0 is 2 minors older than kube-apiserver 1.29.1; kubectl must be within 1 "
        "minor (older or newer) of every API server",
        "kubectl 1.27.0 比 kube-apiserver 1.29.1 旧 2 个小版本；kubectl 与每个 API Server 最多相差"
        " 1 个小版本（新旧均可）",
    ),
    (
        "kubelet 1.30.1 is 1 minor newer than kube-apiserver 1.29.4; a kubelet must not be newer "
        "than any API server",
        "kubelet 1.30.1 比 kube-apiserver 1.29.4 新 1 个小版本；kubelet 的版本不能高于任何一个 "
        "API Server",
    ),
    (
        "kube-controller-manager 1.27.3 is 2 minors older than kube-apiserver 1.29.4; "
        "kube-controller-manager may be at most 1 minor older",
        "kube-controller-manager 1.27.3 比 kube-apiserver 1.29.4 旧 2 个小版本；"
        "kube-controller-manager 最多只能比 API Server 旧 1 个小版本",
    ),
    (
        "kube-proxy 1.24.1 is 3 minors older than its node's kubelet 1.27.2; a kube-proxy older "
        "than 1.25 may be at most 2 minors older or newer than its kubelet",
        "kube-proxy 1.24.1 比所在节点的 kubelet 1.27.2 旧 3 个小版本；低于 1.25 的 kube-proxy 与 "
        "kubelet 最多相差 2 个小版本",
    ),
    (
        "kube-proxy 1.26.1 is 4 minors older than its node's kubelet 1.30.2; kube-proxy may be at "
        "most 3 minors older or newer than its kubelet",
        "kube-proxy 1.26.1 比所在节点的 kubelet 1.30.2 旧 4 个小版本；kube-proxy 与 kubelet 最多相"
        "差 3 个小版本",
    ),
    (
        "cannot determine the skew of kube-proxy 2.0.1 against kubelet 1.30.2: different major "
        "versions, and the skew policy counts minor versions within one major",
        "无法判断 kube-proxy 2.0.1 与 kubelet 1.30.2 的版本偏差：两者主版本不同，而版本偏差策略只"
        "在同一主版本内计算小版本差",
    ),
    (
        "cannot determine whether kubelet 1.30.1 is within the skew policy: no kube-apiserver "
        "version is known",
        "无法判断 kubelet 1.30.1 是否符合版本偏差策略：kube-apiserver 版本未知",
    ),
    (
        "kubelet 1.24.6 is 4 minors older than kube-apiserver 1.28.9; a kubelet older than 1.25 "
        "may be at most 2 minors older",
        "kubelet 1.24.6 比 kube-apiserver 1.28.9 旧 4 个小版本；低于 1.25 的 kubelet 最多只能比 "
        "API Server 旧 2 个小版本",
    ),
    (
        "kube-proxy 1.27.1 is 1 minor older than its node's kubelet 1.28.2; kube-proxy must match "
        "its kubelet's minor while an API server is older than 1.28 (kube-apiserver 1.27.3)",
        "kube-proxy 1.27.1 比所在节点的 kubelet 1.28.2 旧 1 个小版本；只要还有低于 1.28 的 API "
        "Server（kube-apiserver 1.27.3），kube-proxy 就必须与 kubelet 的小版本一致",
    ),
]

CASES = STEPS + ADDONS + SKEW


@pytest.mark.parametrize(("english", "chinese"), CASES)
def test_planner_sentences(english: str, chinese: str) -> None:
    assert planner(english) == chinese
    assert PLANNER.untranslated(english) == []


def test_every_form_has_a_case() -> None:
    unused = [
        form.pattern.pattern
        for form in PLANNER.forms
        if not any(form.pattern.fullmatch(english) for english, _ in CASES)
    ]
    assert not unused


def test_values_and_unknown_text_stay_as_written() -> None:
    assert planner("reticulate the splines") == "reticulate the splines"
    assert PLANNER.untranslated("reticulate the splines") == ["reticulate the splines"]
    # A known frame around an unknown sentence: the frame reads in Chinese, the rest as written.
    nested = "before the path: reticulate the splines"
    assert planner(nested) == "升级开始之前：reticulate the splines"
    assert PLANNER.untranslated(nested) == ["reticulate the splines"]


def test_the_packaged_tables_notes_have_their_chinese_form() -> None:
    notes = [
        packaging.reason
        for facts in load_addon_compat().addons.values()
        for packaging in facts.providers.values()
    ]
    assert notes
    assert [note for note in notes if PLANNER.untranslated(note)] == []
