"""In-place or replacement: how one node pool should reach a new kubelet version.

Owns the recommendation and its reason (domain.md, "Two ways to upgrade nodes"; the ACK
practice article in the seeds). In place replaces kubelet and its companions on the same
machines: pods are not rebuilt, IPs and local disks stay, but the steps are not atomic and
need spare capacity. Replacement drains old nodes and adds new ones at the new version:
atomic and clean, but every pod moves, local data is lost and IPs change. In place is the
default (it disturbs workloads least, and it is what ACK's cluster upgrade does); a pool is
recommended for replacement only for a reason that in-place cannot satisfy.
"""

from __future__ import annotations

from kubedrift.model.inventory import NodePool
from kubedrift.model.upgrade_parts import NodeStrategy, NodeStrategyChoice
from kubedrift.versions import MinorVersion

# Kubernetes 1.24 removed dockershim (the kubelet's built-in Docker Engine support): a node
# running Docker as its runtime needs a CRI runtime such as containerd, i.e. another OS image.
DOCKERSHIM_REMOVED_IN = MinorVersion(1, 24)
# Providers whose node upgrade is kubeadm's: it upgrades a node's kubelet one minor at a time.
SELF_HOSTED = frozenset({"kubeconfig", "incluster", "selfhosted"})


def choose_strategy(
    pool: NodePool,
    to_minor: MinorVersion,
    *,
    provider: str,
    override: NodeStrategy | None = None,
) -> NodeStrategyChoice:
    """The recommended way to move `pool` to `to_minor`, with the reason."""
    if override is not None:
        return NodeStrategyChoice(
            strategy=override, reason=f"{override.value.replace('_', '-')} chosen by the caller"
        )
    if pool.kubelet_version is None:
        return NodeStrategyChoice(
            strategy=NodeStrategy.REPLACEMENT,
            reason=(
                "the kubelet version is unknown, so an in-place upgrade cannot be checked "
                "against the skew policy; new nodes join at a known version"
            ),
        )
    runtime = (pool.runtime or "").strip().lower()
    if runtime in {"docker", "dockershim"} and to_minor >= DOCKERSHIM_REMOVED_IN:
        return NodeStrategyChoice(
            strategy=NodeStrategy.REPLACEMENT,
            reason=(
                f"the nodes run Docker, and Kubernetes {DOCKERSHIM_REMOVED_IN} removed "
                "dockershim: new nodes with a containerd image replace them"
            ),
        )
    jump = to_minor.minor - pool.kubelet_version.minor
    if provider in SELF_HOSTED and jump > 1:
        return NodeStrategyChoice(
            strategy=NodeStrategy.REPLACEMENT,
            reason=(
                f"the kubelet moves {jump} minors and kubeadm upgrades a node one minor at a "
                "time; new nodes join at the target directly"
            ),
        )
    reason = (
        "kubelet and its companions are replaced on the same machines: pods are not rebuilt, "
        "IPs and local disks stay; needs spare capacity, go in batches"
    )
    if pool.mixed_versions:
        reason += f"; the pool's nodes differ ({', '.join(sorted(pool.versions_seen))})"
    return NodeStrategyChoice(strategy=NodeStrategy.IN_PLACE, reason=reason)
