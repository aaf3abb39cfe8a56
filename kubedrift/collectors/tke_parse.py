"""Turning TKE API answers into kubedrift's inventory: pure functions, no SDK, no I/O.

The collector (`kubedrift.collectors.tke`) hands these functions the SDK's response
objects (read by attribute, so any object with the same field names works) and gets back
our models. TKE reports no version on node pools: a pool's kubelet versions are built by
joining `DescribeClusterInstances` (instance -> pool) with `CheckInstancesUpgradeAble`
(instance -> version, listing only the nodes that are behind the control plane).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from kubedrift.model.inventory import Addon, AddonKind, ClusterRef, NodePool
from kubedrift.versions import KubeVersion, version_or_none

# Nodes that belong to no node pool (added to the cluster directly) still run kubelets
# that the skew policy must see, so they are reported as one pseudo-pool.
UNPOOLED_ID = "unpooled"
UNPOOLED_NAME = "nodes outside node pools"

_ADDON_KINDS: tuple[tuple[str, AddonKind], ...] = (
    ("coredns", AddonKind.DNS),
    ("kube-dns", AddonKind.DNS),
    ("kube-proxy", AddonKind.PROXY),
    ("cni", AddonKind.CNI),
    ("eni", AddonKind.CNI),
    ("galaxy", AddonKind.CNI),
    ("flannel", AddonKind.CNI),
    ("cilium", AddonKind.CNI),
    ("cbs", AddonKind.CSI),
    ("cfs", AddonKind.CSI),
    ("cos", AddonKind.CSI),
    ("csi", AddonKind.CSI),
    ("ingress", AddonKind.INGRESS),
    ("metrics-server", AddonKind.METRICS),
)


class MalformedAnswerError(ValueError):
    """A field the API must return is missing or has the wrong type."""


def text(value: Any) -> str | None:
    """A non-empty string field, or None when absent or empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedAnswerError(f"expected a string, found {type(value).__name__}")
    return value or None


def count(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedAnswerError(f"{field}: expected a count, found {value!r}")
    return value


def tags_of(cluster: Any) -> dict[str, str]:
    """`TagSpecification[].Tags[]` as a plain mapping (TKE returns null when untagged)."""
    labels: dict[str, str] = {}
    for spec in cluster.TagSpecification or ():
        for tag in spec.Tags or ():
            key = text(tag.Key)
            if key is not None:
                labels[key] = text(tag.Value) or ""
    return labels


def cluster_ref(cluster: Any, *, source: str, region: str, labels: Mapping[str, str]) -> ClusterRef:
    """One `DescribeClusters` entry as a `ClusterRef`; the source's static labels win."""
    cluster_id = text(cluster.ClusterId)
    if cluster_id is None:
        raise MalformedAnswerError("a cluster without ClusterId")
    return ClusterRef(
        provider="tke",
        source=source,
        id=cluster_id,
        name=text(cluster.ClusterName) or cluster_id,
        region=region,
        labels={**tags_of(cluster), **labels},
    )


def addon_kind(name: str) -> AddonKind:
    lowered = name.lower()
    for needle, kind in _ADDON_KINDS:
        if needle in lowered:
            return kind
    return AddonKind.OTHER


def addons(items: Iterable[Any]) -> tuple[Addon, ...]:
    """`DescribeAddon` entries. TKE reports the declared chart version only."""
    found = []
    for item in items:
        name = text(item.AddonName)
        if name is None:
            raise MalformedAnswerError("an add-on without AddonName")
        found.append(Addon(name=name, kind=addon_kind(name), version=text(item.AddonVersion)))
    return tuple(sorted(found, key=lambda a: a.name))


def versions(raws: Iterable[Any]) -> tuple[KubeVersion, ...]:
    """Parseable versions, oldest first, without duplicates; junk entries are dropped."""
    parsed = {v for v in (version_or_none(text(r)) for r in raws) if v is not None}
    return tuple(sorted(parsed))


def node_pools(
    pools: Iterable[Any],
    instance_pool: Mapping[str, str | None],
    node_version: Mapping[str, str],
    default_version: str | None,
) -> tuple[tuple[NodePool, ...], tuple[str, ...]]:
    """Join pools, instances and per-node versions; returns the pools and unknown parts.

    `instance_pool` maps each worker to its pool (None: in no pool); `node_version` maps
    the nodes `CheckInstancesUpgradeAble` listed to their version; every other node runs
    `default_version` (the version that call says the control plane runs). A pool whose
    node versions cannot all be parsed gets `kubelet_version=None` and is named in the
    unknown parts: the oldest of what could be parsed might not be the oldest there is.
    """
    members: dict[str | None, list[str]] = {}
    for instance, pool_id in instance_pool.items():
        members.setdefault(pool_id, []).append(instance)

    unknown: list[str] = []
    built: list[NodePool] = []
    described: list[tuple[str, str, Any]] = []
    for pool in pools:
        pool_id = text(pool.NodePoolId)
        if pool_id is None:
            raise MalformedAnswerError("a node pool without NodePoolId")
        described.append((pool_id, text(pool.Name) or pool_id, pool))
    known_ids = {pool_id for pool_id, _, _ in described}
    # Instances naming a pool the pool list does not have (created meanwhile) and
    # instances in no pool are reported together rather than dropped.
    strays = [i for pid, ids in members.items() if pid not in known_ids for i in ids]
    if strays:
        described.append((UNPOOLED_ID, UNPOOLED_NAME, None))
        members[UNPOOLED_ID] = strays

    for pool_id, name, pool in described:
        seen: Counter[str] = Counter()
        for instance in members.get(pool_id, ()):
            raw = node_version.get(instance, default_version)
            seen[raw if raw is not None else "unknown"] += 1
        parsed = [version_or_none(raw) for raw in seen]
        complete = bool(seen) and all(v is not None for v in parsed)
        if seen and not complete:
            unknown.append(f"node_pools.{pool_id}.kubelet_version")
        runtime = getattr(pool, "RuntimeConfig", None) if pool is not None else None
        built.append(
            NodePool(
                id=pool_id,
                name=name,
                kubelet_version=min(v for v in parsed if v is not None) if complete else None,
                runtime=text(runtime.RuntimeType) if runtime is not None else None,
                runtime_version=text(runtime.RuntimeVersion) if runtime is not None else None,
                os_image=text(pool.NodePoolOs) if pool is not None else None,
                node_count=sum(seen.values()),
                versions_seen=dict(sorted(seen.items())),
            )
        )
    return tuple(built), tuple(unknown)
