"""The composed upgrade-path planner: a cluster's path put together from kept parts.

The sequential planner (`upgrade_planner`) walks one cluster state after the other. Across a
fleet that repeats work: clusters that differ in one pool's patch are planned from scratch.
Here the control plane's part (`upgrade_plane.control_plane_part`) is kept per control plane
and target, each pool's part (`pool_part`) per control-plane part and pool, and a cluster's
path is its parts put together in the sequential planner's order: at each control-plane step
the pools it forces to move (in pool order), the step with its add-ons classed, then the
pools at the end and the add-ons the target requires. Warnings come in the same order and are
deduplicated the same way.

The pools of a cluster touch each other in one place only: kube-proxy, one DaemonSet whose
version must suit every pool. When a roll would take it out of the skew policy, the step is
fitted for the whole cluster (`upgrade_fit`) and the pools' parts resume from there. What the
sequential planner refuses or treats specially (no known API server, a downgrade, API
servers more than a minor apart) and pools the warnings could not tell apart (ids repeated,
or with a colon) are left to it: `compose` returns None. A property test checks that the two
planners agree byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed, NodeStrategy
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.addon_compat import AddonCompat
from kubedrift.policies.upgrade_addons import addons_key, classify_cluster_step
from kubedrift.policies.upgrade_fit import fit_kube_proxy
from kubedrift.policies.upgrade_moves import after_step, required_addon_warnings
from kubedrift.policies.upgrade_plane import ControlPlanePart, ControlPlaneStep, control_plane_part
from kubedrift.policies.upgrade_pool_part import PoolInputs, kept_pool_part
from kubedrift.policies.upgrade_state import KUBE_PROXY, ClusterState, PoolState, state_of
from kubedrift.policies.upgrade_steps import addon_step, control_plane_step, numbered
from kubedrift.versions import InvalidUpgradePath, KubeVersion, MinorVersion, minor_steps


def compose(
    inventory: ClusterInventory,
    target: MinorVersion,
    *,
    offered: Sequence[KubeVersion],
    addon_targets: Mapping[str, AddonTarget],
    node_strategies: Mapping[str, NodeStrategy],
    compat: AddonCompat,
    memo: MutableMapping[Any, Any],
) -> UpgradePath | None:
    """The cluster's path from kept parts, or None when the sequential planner must plan it."""
    state = state_of(inventory)
    if not _composable(state, target):
        return None
    plane = _plane(inventory, state, target, offered, memo)
    provider = inventory.provider
    inputs = [
        PoolInputs(pool, found, provider, node_strategies.get(pool.id), target)
        for pool, found in zip(state.pools, inventory.node_pools, strict=True)
    ]
    parts = [kept_pool_part(plane, i, memo) for i in inputs]

    classes = _Classes(inventory, target, compat, addon_targets, memo)
    warnings = [*plane.warnings]
    for part in parts:
        warnings += part.warnings
    for part in parts:
        warnings += part.unknown
    steps: list[UpgradeStep] = []
    for index, step in enumerate(plane.steps):
        for part in parts:
            move = part.moves[index - part.start]
            if move is not None:
                steps.append(move.step)
                warnings += move.warnings
        if any(part.misfits[index - part.start] for part in parts):
            # Kept by the parts' identities: they are the memo's own, and read all it reads.
            key = ("fit", id(plane), index, tuple(map(id, parts)))
            fitted = memo.get(key)
            if fitted is None:
                fitted = memo[key] = fit_kube_proxy(plane, index, parts, inputs, memo)
            steps += fitted.steps
            warnings += fitted.warnings
            parts = fitted.parts
        warnings += step.rolling_warnings
        for part in parts:
            warnings += part.rolling_warnings[index - part.start]
        made, required = classes.step(step, tuple(p.states[index - p.start] for p in parts))
        steps.append(made)
        warnings += step.after_warnings
        for part in parts:
            warnings += part.after_warnings[index - part.start]
        warnings += required
    decisions: tuple[AddonDecision, ...] = ()
    if plane.reaches_target:
        for part in parts:
            if part.end_move is not None:
                steps.append(part.end_move.step)
                warnings += part.end_move.warnings
        decisions, added = classes.end(plane, tuple(p.end_state for p in parts))
        for step_ in added:
            steps.append(step_)
            if step_.component == KUBE_PROXY:
                for part in parts:
                    warnings += (after_step(step_, r) for r in part.kube_proxy_end)
    return UpgradePath(
        cluster=inventory.key,
        current=tuple(v.raw for v in state.apiservers),
        target=target,
        steps=tuple(numbered(s, i, memo) for i, s in enumerate(steps, 1)),
        addons=decisions,
        warnings=tuple(dict.fromkeys(warnings)),
    )


class _Classes:
    """A cluster's add-ons classed at each control-plane step and at the end, with the steps
    they make; kept in the memo by the step, the add-ons and the oldest kube-proxy (what the
    classes read), so look-alike clusters share them."""

    def __init__(
        self,
        inventory: ClusterInventory,
        target: MinorVersion,
        compat: AddonCompat,
        addon_targets: Mapping[str, AddonTarget],
        memo: MutableMapping[Any, Any],
    ) -> None:
        self.inventory, self.target, self.memo = inventory, target, memo
        self.compat, self.addon_targets = compat, addon_targets
        self.combo = addons_key(inventory.addons)
        targets = id(addon_targets) if addon_targets else None
        self.shared = (self.combo, id(compat), targets)

    def _classify(self, minor: MinorVersion, after: ClusterState) -> tuple[AddonDecision, ...]:
        return classify_cluster_step(
            self.inventory,
            minor,
            target=self.target,
            after=after,
            compat=self.compat,
            addon_targets=self.addon_targets,
            memo=self.memo,
            combo=self.combo,
        )

    def step(
        self, step: ControlPlaneStep, pools: tuple[PoolState, ...]
    ) -> tuple[UpgradeStep, tuple[str, ...]]:
        """The control-plane step with its add-ons classed, and the add-ons it requires early."""
        key = ("classed-step", id(step), _oldest_proxy(pools), *self.shared)
        found: tuple[UpgradeStep, tuple[str, ...]] | None = self.memo.get(key)
        if found is None:
            after = ClusterState(step.after.apiservers, step.after.clients, pools)
            decisions = self._classify(step.offer.minor, after)
            offer = step.offer
            made = control_plane_step(
                offer.version,
                step.before.oldest,
                step.bare.reason,
                self.memo,
                addons=decisions,
                blocked_by=(offer.blocked,) if offer.blocked else (),
                warnings=(offer.warning,) if offer.warning else (),
            )
            required = required_addon_warnings(decisions, offer.minor, last=step.last)
            found = self.memo[key] = (made, tuple(required))
        return found

    def end(
        self, plane: ControlPlanePart, pools: tuple[PoolState, ...]
    ) -> tuple[tuple[AddonDecision, ...], tuple[UpgradeStep, ...]]:
        """The add-ons at the target, and the steps for those it requires, in order."""
        key = ("classed-end", id(plane), _oldest_proxy(pools), *self.shared)
        found: tuple[tuple[AddonDecision, ...], tuple[UpgradeStep, ...]] | None
        found = self.memo.get(key)
        if found is None:
            after = ClusterState(plane.end.apiservers, plane.end.clients, pools)
            decisions = self._classify(self.target, after)
            added = tuple(
                addon_step(d, f"after the node pools: {d.reason}", self.memo)
                for d in decisions
                if d.need is AddonNeed.REQUIRED
            )
            found = self.memo[key] = (decisions, added)
        return found


def _oldest_proxy(pools: tuple[PoolState, ...]) -> str | None:
    """The text of the kube-proxy `classify_step` reads (the oldest, the first of equals)."""
    proxies = [p.kube_proxy for p in pools if p.kube_proxy is not None]
    return min(proxies).raw if proxies else None


def _composable(state: ClusterState, target: MinorVersion) -> bool:
    """What the sequential planner refuses or treats specially is left to it."""
    if not state.apiservers:
        return False
    oldest, newest = state.oldest, state.newest
    try:
        minor_steps(newest, target)
    except InvalidUpgradePath:
        return False
    if newest.minor - oldest.minor > 1 or newest.major != oldest.major:
        return False
    ids = [p.id for p in state.pools]
    return len(set(ids)) == len(ids) and not any(":" in i for i in ids)


def _plane(
    inventory: ClusterInventory,
    state: ClusterState,
    target: MinorVersion,
    offered: Sequence[KubeVersion],
    memo: MutableMapping[Any, Any],
) -> ControlPlanePart:
    """The control plane's part, kept by everything it reads."""
    cp = inventory.control_plane
    key = (
        "plane",
        inventory.provider,
        tuple(v.raw for v in state.apiservers),
        tuple((name, v.raw) for name, v in state.clients),
        tuple(v.raw for v in cp.upgradable_versions),
        tuple(v.raw for v in cp.available_versions),
        tuple(v.raw for v in offered),
        target,
    )
    found: ControlPlanePart | None = memo.get(key)
    if found is None:
        start = ClusterState(state.apiservers, state.clients, ())
        found = memo[key] = control_plane_part(inventory, start, target, offered, memo)
    return found
