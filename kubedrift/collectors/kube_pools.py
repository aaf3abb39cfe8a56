"""Grouping a cluster's nodes into node pools, from the labels providers put on nodes.

Managed offerings label every node with its pool; the first label of `POOL_LABELS` a node
carries names its pool. A node without any is grouped with the other unlabelled nodes of
its kubelet version (`kubelet-<version>`), control-plane nodes apart (`control-plane`).
A pool's version is the oldest kubelet seen in it; `versions_seen` counts every raw value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from kubedrift.collectors.kube_facts import NodeFacts
from kubedrift.model.inventory import NodePool
from kubedrift.versions import InvalidVersion, KubeVersion, parse_version

# Checked in order; the value is the pool's id (ACK, TKE) or name (EKS, GKE, AKS, Karpenter).
POOL_LABELS: tuple[str, ...] = (
    "alibabacloud.com/nodepool-id",  # ACK
    "tke.cloud.tencent.com/nodepool-id",  # TKE
    "eks.amazonaws.com/nodegroup",  # EKS managed node groups
    "cloud.google.com/gke-nodepool",  # GKE
    "kubernetes.azure.com/agentpool",  # AKS (newer label)
    "agentpool",  # AKS
    "karpenter.sh/nodepool",  # Karpenter (EKS and others)
    "kops.k8s.io/instancegroup",  # kOps
    "kubedrift.io/node-pool",  # self-hosted: label nodes yourself (docs/collectors)
)
CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")


def pool_key(node: NodeFacts, labels: Sequence[str]) -> tuple[str, bool]:
    """The pool a node belongs to, and whether it is a control-plane group."""
    for label in labels:
        value = node.labels.get(label)
        if value:
            return value, False
    if any(label in node.labels for label in CONTROL_PLANE_LABELS):
        return "control-plane", True
    return f"kubelet-{node.kubelet_version or 'unknown'}", False


def oldest_version(raw_versions: Iterable[str]) -> KubeVersion | None:
    """The oldest version, or None when any value cannot be parsed (it might be older)."""
    parsed: list[KubeVersion] = []
    for raw in raw_versions:
        try:
            parsed.append(parse_version(raw))
        except InvalidVersion:
            return None
    return min(parsed) if parsed else None


def _split_runtime(value: str) -> tuple[str | None, str | None]:
    """`containerd://1.7.15` -> (`containerd`, `1.7.15`)."""
    if not value:
        return None, None
    name, sep, version = value.partition("://")
    return (name, version or None) if sep else (None, value)


def _most_common(values: Iterable[str]) -> str | None:
    counted = Counter(v for v in values if v)
    if not counted:
        return None
    # Ties break alphabetically so the same cluster always yields the same inventory.
    return min(counted.items(), key=lambda item: (-item[1], item[0]))[0]


def group_pools(
    nodes: Sequence[NodeFacts],
    labels: Sequence[str] = POOL_LABELS,
    proxy_versions: Mapping[str, str] | None = None,
) -> tuple[NodePool, ...]:
    """Node pools sorted by id. `proxy_versions` maps node name -> running kube-proxy tag.

    `status.nodeInfo.kubeProxyVersion` is not read: the kubelet fills it with its own
    version (it never knew kube-proxy's) and stops setting it from 1.31 (KEP-4004). A pool's
    kube-proxy version is the oldest kube-proxy pod running on its nodes, when there is one.
    """
    groups: dict[str, list[NodeFacts]] = {}
    control: set[str] = set()
    for node in nodes:
        key, is_control = pool_key(node, labels)
        groups.setdefault(key, []).append(node)
        if is_control:
            control.add(key)
    proxies = proxy_versions or {}
    pools: list[NodePool] = []
    for key in sorted(groups):
        members = groups[key]
        seen = Counter(n.kubelet_version for n in members)
        runtime = _most_common(n.container_runtime_version for n in members)
        runtime_name, runtime_version = _split_runtime(runtime or "")
        proxy_raw = [proxies[n.name] for n in members if n.name in proxies]
        pools.append(
            NodePool(
                id=key,
                name=key,
                role="manager" if key in control else "worker",
                kubelet_version=oldest_version(seen),
                kube_proxy_version=oldest_version(proxy_raw) if proxy_raw else None,
                runtime=runtime_name,
                runtime_version=runtime_version,
                os_image=_most_common(n.os_image for n in members),
                kernel_version=_most_common(n.kernel_version for n in members),
                node_count=len(members),
                versions_seen=dict(sorted(seen.items())),
            )
        )
    return tuple(pools)
