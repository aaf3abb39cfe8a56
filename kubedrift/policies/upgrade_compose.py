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
from operator import attrgetter
from typing import Any

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import AddonTarget
from kubedrift.model.unchecked import unchecked
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed, NodeStrategy
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.addon_compat import AddonCompat
from kubedrift.policies.upgrade_addon_set import AddonSet, addon_set
from kubedrift.policies.upgrade_addons import kube_proxy_class
from kubedrift.policies.upgrade_fit import fit_kube_proxy
from kubedrift.policies.upgrade_moves import after_step, required_addon_warnings
from kubedrift.policies.upgrade_plane import ControlPlanePart, ControlPlaneStep, control_plane_part
from kubedrift.policies.upgrade_pool_names import cluster_pool_parts
from kubedrift.policies.upgrade_state import KUBE_PROXY, PoolState, control_plane_state
from kubedrift.policies.upgrade_steps import addon_step, control_plane_step, numbered_all
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
    plane = _plane(inventory, target, offered, memo)
    if plane is None:
        return None
    pools = cluster_pool_parts(plane, inventory, target, node_strategies, memo)
    if pools is None:
        return None
    inputs, parts = pools
    addons = addon_set(
        inventory.addons,
        provider=inventory.provider,
        compat=compat,
        addon_targets=addon_targets,
        memo=memo,
    )
    classes = _Classes(target, addons, memo)
    warnings = [*plane.warnings]
    for part in parts:
        warnings += part.warnings
    for part in parts:
        warnings += part.unknown
    steps: list[UpgradeStep] = []
    # Parts that change nothing before the end (most) are left out of the loop over steps:
    # their pools stay as they are, so the oldest kube-proxy stays too.
    moving = [p for p in parts if not p.still]
    proxy = _oldest_proxy([i.state for i in inputs])
    for index, step in enumerate(plane.steps):
        if moving:
            for part in moving:
                move = part.moves[index - part.start]
                if move is not None:
                    steps.append(move.step)
                    warnings += move.warnings
            if any(part.misfits[index - part.start] for part in moving):
                # Kept by the parts' identities: they are the memo's own, and read all it reads.
                key = ("fit", id(plane), index, tuple(map(id, parts)))
                fitted = memo.get(key)
                if fitted is None:
                    fitted = memo[key] = fit_kube_proxy(plane, index, parts, inputs, memo)
                steps += fitted.steps
                warnings += fitted.warnings
                parts = fitted.parts
                moving = [p for p in parts if not p.still]
            proxy = _oldest_proxy([p.states[index - p.start] for p in parts])
        warnings += step.rolling_warnings
        for part in moving:
            warnings += part.rolling_warnings[index - part.start]
        made, required = classes.step(step, proxy, len(steps) + 1)
        steps.append(made)
        warnings += step.after_warnings
        for part in moving:
            warnings += part.after_warnings[index - part.start]
        warnings += required
    decisions: tuple[AddonDecision, ...] = ()
    if plane.reaches_target:
        for part in parts:
            if part.end_move is not None:
                steps.append(part.end_move.step)
                warnings += part.end_move.warnings
        decisions, added = classes.end(plane, _oldest_proxy([p.end_state for p in parts]))
        for step_ in added:
            steps.append(step_)
            if step_.component == KUBE_PROXY:
                for part in parts:
                    warnings += (after_step(step_, r) for r in part.kube_proxy_end)
    # The planner's own values, and the equivalence tests compare them with a validated path.
    return unchecked(
        UpgradePath,
        {
            "cluster": inventory.key,
            "current": plane.current,
            "target": target,
            "steps": numbered_all(steps, memo),
            "addons": decisions,
            "blocked_by": (),
            "warnings": tuple(dict.fromkeys(warnings)),
        },
    )


class _Classes:
    """A cluster's add-ons classed at each control-plane step and at the end, with the steps
    they make; kept in the memo by the step, the add-ons and the oldest kube-proxy (what the
    classes read), so look-alike clusters share them."""

    def __init__(self, target: MinorVersion, addons: AddonSet, memo: MutableMapping[Any, Any]):
        self.target, self.addons, self.memo = target, addons, memo

    def _classify(
        self, minor: MinorVersion, proxy: KubeVersion | None, to_version: str
    ) -> tuple[AddonDecision, ...]:
        """`upgrade_addons.classify_step` for these add-ons and this oldest kube-proxy."""
        at_target = minor == self.target
        others = self.addons.at(minor, at_target=at_target, memo=self.memo)
        if proxy is None:
            return others
        return (kube_proxy_class(proxy, minor, at_target, to_version, self.memo), *others)

    def step(
        self, step: ControlPlaneStep, proxy: KubeVersion | None, order: int
    ) -> tuple[UpgradeStep, tuple[str, ...]]:
        """The control-plane step with its add-ons classed, at its place `order` in the path
        (mostly made for one cluster: no copy to number), and the add-ons it requires early."""
        key = ("classed-step", id(step), None if proxy is None else proxy.raw, self.addons, order)
        found: tuple[UpgradeStep, tuple[str, ...]] | None = self.memo.get(key)
        if found is None:
            offer = step.offer
            decisions = self._classify(offer.minor, proxy, step.after.oldest.raw)
            made = control_plane_step(
                offer.version,
                step.before.oldest,
                step.bare.reason,
                self.memo,
                addons=decisions,
                blocked_by=(offer.blocked,) if offer.blocked else (),
                warnings=(offer.warning,) if offer.warning else (),
                order=order,
                shared=False,  # kept here, by what it is made of
            )
            required = required_addon_warnings(decisions, offer.minor, last=step.last)
            found = self.memo[key] = (made, tuple(required))
        return found

    def end(
        self, plane: ControlPlanePart, proxy: KubeVersion | None
    ) -> tuple[tuple[AddonDecision, ...], tuple[UpgradeStep, ...]]:
        """The add-ons at the target, and the steps for those it requires, in order."""
        key = ("classed-end", id(plane), None if proxy is None else proxy.raw, self.addons)
        found: tuple[tuple[AddonDecision, ...], tuple[UpgradeStep, ...]] | None
        found = self.memo.get(key)
        if found is None:
            decisions = self._classify(self.target, proxy, plane.end.oldest.raw)
            added = tuple(self._end_step(d) for d in decisions if d.need is AddonNeed.REQUIRED)
            found = self.memo[key] = (decisions, added)
        return found

    def _end_step(self, decision: AddonDecision) -> UpgradeStep:
        """The add-on's step after the node pools; kept by the decision's identity (the
        decisions are the memo's own, and the value holds it)."""
        key = ("end-addon-step", id(decision))
        kept: tuple[AddonDecision, UpgradeStep] | None = self.memo.get(key)
        if kept is None:
            made = addon_step(decision, f"after the node pools: {decision.reason}", self.memo)
            kept = self.memo[key] = (decision, made)
        return kept[1]


_RAW = attrgetter("raw")


def _oldest_proxy(pools: list[PoolState]) -> KubeVersion | None:
    """The kube-proxy `classify_step` reads (the oldest, the first of equals)."""
    proxies = [p.kube_proxy for p in pools if p.kube_proxy is not None]
    if not proxies:
        return None
    first = proxies[0]
    # Mostly one object: the cluster's kube-proxy add-on, for pools that report none.
    # (`count` compares by identity first.)
    return first if proxies.count(first) == len(proxies) else min(proxies)


def _plane(
    inventory: ClusterInventory,
    target: MinorVersion,
    offered: Sequence[KubeVersion],
    memo: MutableMapping[Any, Any],
) -> ControlPlanePart | None:
    """The control plane's part, kept by everything it reads; None (kept too) when the
    sequential planner refuses the start or treats it specially."""
    start = control_plane_state(inventory)
    cp = inventory.control_plane
    key = (
        "plane",
        inventory.provider,
        tuple(map(_RAW, start.apiservers)),
        tuple([(name, v.raw) for name, v in start.clients]),
        tuple(map(_RAW, cp.upgradable_versions)),
        tuple(map(_RAW, cp.available_versions)),
        tuple(map(_RAW, offered)),
        target.major,
        target.minor,
    )
    if key in memo:
        found: ControlPlanePart | None = memo[key]
        return found
    found = memo[key] = (
        control_plane_part(inventory, start, target, offered, memo)
        if _composable(start.apiservers, target)
        else None
    )
    return found


def _composable(apiservers: tuple[KubeVersion, ...], target: MinorVersion) -> bool:
    """What the sequential planner refuses or treats specially is left to it."""
    if not apiservers:
        return False
    oldest, newest = min(apiservers), max(apiservers)
    try:
        minor_steps(newest, target)
    except InvalidUpgradePath:
        return False
    return newest.minor - oldest.minor <= 1 and newest.major == oldest.major
