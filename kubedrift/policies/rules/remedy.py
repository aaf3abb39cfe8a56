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
    """`summary` plus the planner's steps from the cluster to `minor` (and why it is blocked).

    Kept for the run per (shape, minor, target, summary): clusters of one shape share it.
    """
    if not context.plan_paths:
        return context.remember(("remedy-text", summary), lambda: make_remedy(summary))
    key = HashedKey((shape(cluster), minor, id(target)))
    # The path itself is not kept (only its remedy is read again): a fleet-wide run would
    # hold thousands of paths it never reads twice.
    return context.remember(
        ("remedy", key, summary),
        lambda: _remedy(_plan(context, cluster, minor, target), summary),
    )


def _remedy(path: UpgradePath, summary: str) -> Remedy:
    blocked = "; ".join(path.blocked_by)
    text = f"{summary}; blocked: {blocked}" if blocked else summary
    return make_remedy(text, path.steps)


def upgrade_path(
    context: RuleContext,
    cluster: ClusterInventory,
    minor: MinorVersion,
    target: Target | None,
    key: HashedKey | None = None,
) -> UpgradePath:
    """The planner's path from the cluster to `minor`, kept for the run by the cluster's shape.

    A path names its cluster (`UpgradePath.cluster`); the kept one names the first cluster of
    the shape, so only its steps, add-ons, blocks and warnings may be read from it.
    """
    return context.remember(
        ("path", key or HashedKey((shape(cluster), minor, id(target)))),
        lambda: _plan(context, cluster, minor, target),
    )


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


def shape(cluster: ClusterInventory) -> tuple[Any, ...]:
    """Everything the planner reads, as a hashable value; identity fields left out.

    The planner reads the provider (not the region), the control plane, every add-on, and of
    a pool its id, name, kubelet, kube-proxy, runtime and which versions its nodes run (not
    how many nodes run each, nor its OS image). Versions keep their raw text (two spellings
    of one version plan alike but read differently in a step); add-ons are their field values
    (equal when every field is).
    """
    plane = cluster.control_plane
    return (
        cluster.provider,
        _raw(plane.version),
        tuple((c.component, _raw(c.version), c.instance) for c in plane.components),
        tuple(v.raw for v in plane.available_versions),
        tuple(v.raw for v in plane.upgradable_versions),
        freeze(plane.support),
        tuple(
            (
                p.id,
                p.name,
                _raw(p.kubelet_version),
                _raw(p.kube_proxy_version),
                p.runtime,
                tuple(sorted(p.versions_seen)),
            )
            for p in cluster.node_pools
        ),
        # Field values, not the models: a model's hash and equality go through pydantic.
        tuple(tuple(addon.__dict__.values()) for addon in cluster.addons),
    )


class HashedKey:
    """A hashable value whose hash is computed once: a cluster's shape is a large nested
    tuple, looked up several times per cluster (tuples do not keep their hash)."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: tuple[Any, ...]) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HashedKey):
            return NotImplemented
        return self._hash == other._hash and self.value == other.value


def _raw(version: KubeVersion | None) -> str | None:
    return None if version is None else version.raw


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
