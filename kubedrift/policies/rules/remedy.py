"""Remedies: the upgrade steps that bring a cluster to a minor, computed in one place.

Every rule that proposes an upgrade asks `upgrade_remedy`; it is the only caller of the
upgrade-path planner (`kubedrift.policies.upgrade_path.plan_upgrade`), which moves the control
plane one minor per step, node pools only when the skew policy requires it or at the end, and
classes every add-on per step. Paths are memoised for the run by the cluster's *shape* (what
the planner reads: control plane, pools, add-ons, provider; not the cluster's identity), so a
fleet of look-alike clusters is planned once per look.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from kubedrift.model.findings import Remedy
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.rules.base import RuleContext, make_remedy
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.versions import KubeVersion, MinorVersion


def upgrade_remedy(
    context: RuleContext,
    cluster: ClusterInventory,
    minor: MinorVersion,
    summary: str,
    target: Target | None = None,
) -> Remedy:
    """`summary` plus the planner's steps from the cluster to `minor` (and why it is blocked)."""
    if not context.plan_paths:
        return make_remedy(summary)
    path = upgrade_path(context, cluster, minor, target)
    blocked = "; ".join(path.blocked_by)
    text = f"{summary}; blocked: {blocked}" if blocked else summary
    return make_remedy(text, path.steps)


def upgrade_path(
    context: RuleContext, cluster: ClusterInventory, minor: MinorVersion, target: Target | None
) -> UpgradePath:
    key = ("path", shape(cluster), minor, id(target))
    found: UpgradePath | None = context.cache.get(key)
    if found is None:
        found = plan_upgrade(
            cluster,
            minor,
            addon_targets=target.addons if target is not None else None,
            compat=context.compat.addons,
            memo=context.cache,
        )
        context.cache[key] = found
    return found


def shape(cluster: ClusterInventory) -> tuple[Any, ...]:
    """Everything the planner reads, as a hashable value; identity fields left out.

    The planner reads the provider (not the region), the control plane, every add-on, and of
    a pool its id, name, kubelet, kube-proxy, runtime and which versions its nodes run (not
    how many nodes run each, nor its OS image). Versions keep their raw text (two spellings
    of one version plan alike but read differently in a step), dicts become sorted pairs.
    """
    return (
        cluster.ref.provider,
        _freeze(cluster.control_plane),
        tuple(
            (
                p.id,
                p.name,
                _freeze(p.kubelet_version),
                _freeze(p.kube_proxy_version),
                p.runtime,
                tuple(sorted(p.versions_seen)),
            )
            for p in cluster.node_pools
        ),
        _freeze(cluster.addons),
    )


def _freeze(value: Any) -> Any:
    if isinstance(value, KubeVersion):
        return value.raw
    if isinstance(value, BaseModel):
        return tuple(_freeze(v) for v in value.__dict__.values())
    if isinstance(value, tuple | list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value
