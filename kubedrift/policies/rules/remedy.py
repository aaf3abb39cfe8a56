"""Remedies: the upgrade steps that bring a cluster to a minor, computed in one place.

Every rule that proposes an upgrade asks `upgrade_remedy`; it is the only caller of the
upgrade-path planner (`kubedrift.policies.upgrade_path.plan_upgrade`), which moves the control
plane one minor per step, node pools only when the skew policy requires it or at the end, and
classes every add-on per step. Paths are cached per (cluster, minor, target) for the run:
several findings of one cluster share one path.
"""

from __future__ import annotations

from kubedrift.model.findings import Remedy
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.rules.base import RuleContext
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.versions import MinorVersion


def upgrade_remedy(
    context: RuleContext,
    cluster: ClusterInventory,
    minor: MinorVersion,
    summary: str,
    target: Target | None = None,
) -> Remedy:
    """`summary` plus the planner's steps from the cluster to `minor` (and why it is blocked)."""
    path = upgrade_path(context, cluster, minor, target)
    blocked = "; ".join(path.blocked_by)
    text = f"{summary}; blocked: {blocked}" if blocked else summary
    return Remedy(summary=text, steps=path.steps)


def upgrade_path(
    context: RuleContext, cluster: ClusterInventory, minor: MinorVersion, target: Target | None
) -> UpgradePath:
    key = ("path", cluster.key, minor, id(target))
    found: UpgradePath | None = context.cache.get(key)
    if found is None:
        found = plan_upgrade(
            cluster,
            minor,
            addon_targets=target.addons if target is not None else None,
            compat=context.compat.addons,
        )
        context.cache[key] = found
    return found
