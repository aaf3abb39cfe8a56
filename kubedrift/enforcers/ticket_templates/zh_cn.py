"""简体中文（`zh-CN`）升级工单文案。键和占位符须与 `en.py` 保持一致。

规则标题与告警摘要沿用通知模块（`kubedrift.notifiers.templates.zh_cn`），同一条规则在群消息
和工单里叫法一致。规划器的英文句子（原因、提示、受阻说明）按 `zh_cn_planner` 的句式表译成中文；
`NOTES` 是检查项自己的英文说明（`ticket_checks.py`）。没有对应句式的句子照录原文。
"""

from __future__ import annotations

from kubedrift.notifiers.templates.zh_cn_forms import Sentences, fixed
from kubedrift.notifiers.templates.zh_cn_planner import PLANNER

STRINGS: dict[str, str] = {
    "title": "【升级】{name} 升级到 Kubernetes {target}（{current} → {final}）",
    "title.blocked": "【升级】{name} 升级到 Kubernetes {target}（当前 {current}，受阻）",
    "head.cluster": "**集群：** {name}（`{key}`，{where}）",
    "head.versions": "**当前 → 目标：** {current} → {target}（{final}）",
    "head.summary": "**升级前检查：** {failed} 项未通过，{passed} 项通过，{open} 项待确认",
    "head.never_applies": "本工单由 kubedrift 生成，只给出升级方案，不会自动执行任何变更。",
    "sep.detail": "：",
    "blocked": "**受阻：** {text}",
    "h.drift": "当前漂移",
    "h.checks": "升级前检查清单",
    "h.checks.auto": "kubedrift 自动检查",
    "h.checks.manual": "需人工确认（开始第一步之前）",
    "h.steps": "升级步骤（按顺序执行）",
    "h.pools": "节点池升级方式：原地升级还是替换升级",
    "h.rollback": "回滚预案",
    "h.warnings": "规划器提示",
    "status.pass": "✅ 通过",
    "status.fail": "❌ 未通过",
    "status.to_check": "⬜ 待确认",
    "legend": "已勾选的为通过项；未通过的检查项须先处理，否则不要开始升级。",
    "check.target_offered": "云厂商提供目标版本",
    "check.target_offered.pass": "{provider} 提供升级路径上每一步的控制面版本。",
    "check.skew_now": "当前版本偏差符合策略",
    "check.skew_now.pass": "kubelet、kube-proxy 与 API Server 的版本偏差均在策略范围内。",
    "check.skew_path": "每一步升级后版本偏差仍符合策略",
    "check.skew_path.pass": "规划器已逐一校验升级过程中的每个中间状态。",
    "check.addons_compatible": "组件与每一步的目标版本兼容（尤其是网络插件）",
    "check.addons_compatible.pass": "每个组件在每一步都有已知兼容的版本。",
    "check.removed_apis": "升级到 {target} 途中将被移除的 API 已无调用",
    "check.removed_apis.pass": "未发现对途中将被移除 API 的请求。",
    "check.pool_versions": "同一节点池内 kubelet 版本一致",
    "check.pool_versions.pass": "每个节点池内的节点都运行同一 kubelet 版本。",
    "check.nodes_ready": "所有节点处于 Ready 状态",
    "check.nodes_ready.to_check": (
        "kubedrift 不采集节点状态：请执行 `kubectl get nodes`，确认所有节点均为 Ready。"
    ),
    "check.apiservices": "所有 APIService 可用",
    "check.apiservices.to_check": (
        "执行 `kubectl get apiservices`，不应有 AVAILABLE 为 False 或 Unknown 的条目。"
    ),
    "check.etcd_backup": "etcd 已备份",
    "check.etcd_backup.managed": (
        "使用云厂商的集群备份功能（或备份工作负载及其存储卷），并记录备份位置。"
    ),
    "check.etcd_backup.self": (
        "在任一 etcd 成员上执行 `etcdctl snapshot save`，再用 `etcdctl snapshot status` "
        "校验快照文件，并将其保存到集群之外。"
    ),
    "check.apiserver_lb": "API Server 负载均衡健康",
    "check.apiserver_lb.to_check": "{lb}：后端健康，监听和访问控制配置正确。",
    "check.network": "网络资源健康",
    "check.network.to_check": "{network}：状态正常，且有足够的空闲 IP 供新增或替换的节点使用。",
    "check.instances": "节点实例健康",
    "check.instances.to_check": "{instances}：运行正常，网络配置正确。",
    "check.node_os": "节点操作系统服务与内核参数",
    "check.node_os.to_check": "systemd、时间同步和包管理器工作正常，内核参数符合集群要求。",
    "check.kubelet_runtime": "kubelet 与容器运行时健康",
    "check.kubelet_runtime.to_check": "每个节点上两者均正常运行且配置正确。",
    "check.capacity": "分批升级所需的余量",
    "check.capacity.to_check": "原地升级需容纳一个批次的 Pod；替换升级需有新增节点的配额。",
    "evidence.text": "{component}：{text}",
    "evidence.bare": "{text}",
    "evidence.observed": "{component}：{observed}",
    "step.control_plane": "**控制面** {from_version} → {to_version}",
    "step.control_plane.jump": "（云厂商不发布中间的小版本，此步一次跨越）",
    "step.control_plane.addons": "完成后立即升级：{names}",
    "step.node_pool": "**节点池 {name}**（`{component}`）{from_version} → {to_version}",
    "step.addon": "**组件 {name}** {from_version} → {to_version}",
    "step.manual": "**手动处理：{name}** {from_version} → {to_version}",
    "step.batches": (
        "{strategy}，共 {nodes} 个节点，分 {count} 批、每批 {size} 个："
        "maxUnavailable {max_unavailable}，maxSurge {max_surge}"
    ),
    "step.batches.unknown": (
        "{strategy}，节点数未知：逐个节点升级"
        "（maxUnavailable {max_unavailable}，maxSurge {max_surge}）"
    ),
    "step.why": "原因：{text}",
    "step.blocked": "**受阻：** {text}",
    "step.warning": "提示：{text}",
    "strategy.in_place": "原地升级",
    "strategy.replacement": "替换升级",
    "pool.line": (
        "**{name}**（`{id}`，{nodes} 个节点，kubelet {kubelet}）：{strategy}。说明：{reason}"
    ),
    "unknown": "未知",
    "rollback.control_plane.managed": (
        "**控制面：** {provider} 不支持控制面降级。回退的办法是用备份在旧版本上新建集群并恢复，"
        "或将流量切换到备用集群。请在执行第 1 步之前确定采用哪种方式。"
    ),
    "rollback.control_plane.self": (
        "**控制面：** 不做降级。回退的办法是在旧版本的 API Server 上恢复升级前的 etcd 快照，"
        "或将流量切换到备用集群。"
    ),
    "rollback.in_place": (
        "**原地升级的节点池：** 可在批次之间暂停；已升级的节点仍在版本偏差策略范围内，"
        "个别异常节点用旧版本的新节点替换即可。"
    ),
    "rollback.replacement": (
        "**替换升级的节点池：** 旧节点先封锁（cordon）而不删除，待新节点稳定运行一段时间后再释放；"
        "如需回退，解除旧节点的封锁并排空新节点。"
    ),
    "rollback.addons": "**组件：** 重新部署之前的版本：{items}",
    "footer": "工单标识：`{key}`。集群变化时由 kubedrift 自动更新，漂移消除后自动关闭。",
}

TERMS: dict[str, dict[str, str]] = {
    "ack": {
        "lb": "API Server 所用的 SLB（CLB）实例",
        "network": "VPC 与交换机（vSwitch）",
        "instances": "ECS 实例",
    },
    "tke": {"lb": "API Server 所用的 CLB", "network": "VPC 与子网", "instances": "CVM 实例"},
    "eks": {"lb": "集群访问端点", "network": "VPC 与子网", "instances": "EC2 实例"},
    "default": {"lb": "API Server 的负载均衡", "network": "集群网络", "instances": "节点机器"},
}

# The checks' own notes on what could not be looked at (`ticket_checks.py`).
NOTES = fixed(
    ("control plane version unknown", "控制面版本未知"),
    ("kubelet unknown", "kubelet 版本未知"),
    ("add-ons could not be read", "无法读取组件信息"),
    ("deprecated API usage was not collected", "未采集已弃用 API 的调用情况"),
    ("per-node versions not collected", "未采集各节点的版本"),
    ("node pools could not be read", "无法读取节点池信息"),
)
TEXTS = Sentences(NOTES, PLANNER.forms)
