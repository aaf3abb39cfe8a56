"""The upgrade-path planner: from one cluster's inventory to its target minor, step by step.

Owns the order of an upgrade (docs/upgrade-path.md): the control plane one minor per step,
the provider's offered versions respected; a node pool only when the skew policy would break
at the next control-plane step (then to the control plane's current version, the newest the
policy allows, so it waits as long as possible for the next one) or at the end; kube-proxy
moved early only when the policy requires it, otherwise after the pools; every add-on
classed per control-plane step (required / optional / not needed, `addon_compat`), and the
in-place vs replacement choice per pool step (`node_strategy`). Every state the path passes
through, including mid-roll ones (old and new API servers side by side), is one the skew
policy allows when the start was. Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import NodeStrategy
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.addon_compat import AddonCompat, load_addon_compat
from kubedrift.policies.upgrade_compose import compose
from kubedrift.policies.upgrade_planner import Planner
from kubedrift.policies.upgrade_render import render_path_table
from kubedrift.versions import KubeVersion, MinorVersion

__all__ = ["UpgradePath", "plan_upgrade", "render_path_table"]


def plan_upgrade(
    inventory: ClusterInventory,
    target: MinorVersion,
    *,
    offered: Sequence[KubeVersion] = (),
    addon_targets: Mapping[str, AddonTarget] | None = None,
    node_strategies: Mapping[str, NodeStrategy] | None = None,
    compat: AddonCompat | None = None,
    memo: MutableMapping[Any, Any] | None = None,
) -> UpgradePath:
    """The ordered steps that take `inventory`'s cluster to `target`.

    `offered`: the versions the provider offers this cluster (default: the inventory's
    upgradable versions for the first step, its available versions after). `addon_targets`:
    the plan's add-on targets, applied at the target. `node_strategies`: pool id -> forced
    in-place / replacement. `compat`: the add-on table (default: the packaged one). `memo`:
    a table the caller keeps for one run over many clusters (with the same `compat` and
    targets alive), where answers that do not depend on the cluster are kept; with it, the
    path is put together from parts kept for the run (`upgrade_compose`) when the cluster's
    pools allow, which plans exactly what the sequential planner plans.
    """
    compat = compat or load_addon_compat()
    if memo is not None:
        composed = compose(
            inventory,
            target,
            offered=offered,
            addon_targets=addon_targets or {},
            node_strategies=node_strategies or {},
            compat=compat,
            memo=memo,
        )
        if composed is not None:
            return composed
    planner = Planner(inventory, target, offered, addon_targets or {}, node_strategies or {})
    planner.memo = memo
    return planner.run(compat)
