"""Remedies: the upgrade steps that bring a cluster to a minor, computed in one place.

Every rule that proposes an upgrade asks `upgrade_remedy`; it is the only caller of the
upgrade-path planner (`kubedrift.policies.upgrade_path.plan_upgrade`), which moves the control
plane one minor per step, node pools only when the skew policy requires it or at the end, and
classes every add-on per step. Within one evaluation the planner puts each path together from
parts it keeps for the run (the control plane's part per control plane and target, each
pool's part against it; `kubedrift.policies.upgrade_compose`), so a fleet of look-alike
clusters plans each part once.
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
    """`summary` plus the planner's steps from the cluster to `minor` (and why it is blocked).

    Planned per cluster: the planner keeps what clusters share (the control plane's part of
    a path, each pool's part, the steps) in the run's memo; clusters with the same steps
    share one remedy.
    """
    if not context.plan_paths:
        return context.remember(("remedy-text", summary), lambda: make_remedy(summary))
    path = _plan(context, cluster, minor, target)
    blocked = "; ".join(path.blocked_by)
    text = f"{summary}; blocked: {blocked}" if blocked else summary
    # One remedy per distinct text and steps: the steps are the memo's own objects, so their
    # identities stand for them (and stay theirs while the remedy is kept).
    key = ("remedy", text, tuple(map(id, path.steps)))
    return context.remember(key, lambda: make_remedy(text, path.steps))


def _plan(
    context: RuleContext, cluster: ClusterInventory, minor: MinorVersion, target: Target | None
) -> UpgradePath:
    return plan_upgrade(
        cluster,
        minor,
        addon_targets=target.addons if target is not None else None,
        compat=context.compat.addons,
        memo=context.cache if context.reuse else None,
    )


def freeze(value: Any) -> Any:
    """`value` as a hashable value: models as tuples of fields, versions as raw texts."""
    if isinstance(value, KubeVersion):
        return value.raw
    if isinstance(value, BaseModel):
        return tuple(freeze(v) for v in value.__dict__.values())
    if isinstance(value, tuple | list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, freeze(v)) for k, v in value.items()))
    return value
