"""The upgrade-path planner's working state: one control-plane step after the other, the node
pools and kube-proxy moved when the skew policy requires it, the end of the path. The order of
an upgrade is documented in `kubedrift.policies.upgrade_path` (the public entry point) and
docs/upgrade-path.md.
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
from kubedrift.policies.provider_offer import OfferedStep, next_step
from kubedrift.policies.skew import Component
from kubedrift.policies.skew_memo import allows, verdict
from kubedrift.policies.upgrade_addons import classify_cluster_step, kube_proxy_decision
from kubedrift.policies.upgrade_moves import (
    after_step,
    before_path,
    control_plane_reason,
    end_of_path_reason,
    forced_move,
    pool_move,
    pool_strategy,
    required_addon_warnings,
    required_before,
    unknown_kubelet,
    while_rolling,
)
from kubedrift.policies.upgrade_state import (
    ClusterState,
    PoolState,
    apply,
    pool_component,
    problems,
    rolling,
    state_of,
    version_of,
)
from kubedrift.policies.upgrade_steps import (
    addon_step,
    control_plane_step,
    kube_proxy_fitting,
    numbered,
)
from kubedrift.versions import InvalidUpgradePath, KubeVersion, MinorVersion, minor_steps


class Planner:
    """One cluster's path in the making: its state, the steps so far and the warnings."""

    def __init__(
        self,
        inventory: ClusterInventory,
        target: MinorVersion,
        offered: Sequence[KubeVersion],
        addon_targets: Mapping[str, AddonTarget],
        node_strategies: Mapping[str, NodeStrategy],
    ) -> None:
        self.inv = inventory
        self.target = target
        self.offered = tuple(offered)
        self.addon_targets = addon_targets
        self.node_strategies = node_strategies
        self.state = state_of(inventory)
        self.steps: list[UpgradeStep] = []
        self.warnings: list[str] = []
        self.pools = {p.id: p for p in inventory.node_pools}
        self.memo: MutableMapping[Any, Any] | None = None
        self._seen: tuple[ClusterState, tuple[str, ...]] | None = None

    def _reasons(self, state: ClusterState) -> tuple[str, ...]:
        """The reasons of `state`'s skew problems; the last state's are kept (asked twice)."""
        if self._seen is None or self._seen[0] is not state:
            self._seen = (state, tuple(p.reason for p in problems(state)))
        return self._seen[1]

    def _path(
        self, blocked: Sequence[str] = (), addons: Sequence[AddonDecision] = ()
    ) -> UpgradePath:
        return UpgradePath(
            cluster=self.inv.key,
            current=tuple(v.raw for v in self.inv.control_plane.apiserver_versions()),
            target=self.target,
            steps=tuple(numbered(s, i, self.memo) for i, s in enumerate(self.steps, 1)),
            addons=tuple(addons),
            blocked_by=tuple(blocked),
            warnings=tuple(dict.fromkeys(self.warnings)),
        )

    def run(self, compat: AddonCompat) -> UpgradePath:
        self.compat = compat
        if not self.state.apiservers:
            return self._path(["the control plane's version is unknown: no path can be planned"])
        oldest, newest = self.state.oldest, self.state.newest
        try:
            minor_steps(newest, self.target)  # refuses downgrades and major changes
        except InvalidUpgradePath as error:
            return self._path([str(error)])
        if newest.minor - oldest.minor > 1 or newest.major != oldest.major:
            return self._path(
                [
                    f"the API servers ({oldest}, {newest}) are more than one minor apart: the "
                    "cluster is out of the skew policy before any upgrade; repair it first"
                ]
            )
        self.warnings.extend(before_path(p.reason) for p in problems(self.state))
        self.warnings.extend(unknown_kubelet(p) for p in self.state.pools if p.kubelet is None)
        current, first = oldest.minor_version, True
        while current < self.target:
            # An HA roll already under way is finished first, to the minor it is rolling to.
            step = next_step(
                self.inv,
                self.offered,
                current,
                self.target,
                first=first,
                allow_jump=oldest.minor_version == newest.minor_version or not first,
            )
            self._control_plane_step(step, last=step.minor == self.target)
            current, first = step.minor, False
        return self._path(addons=self._finish())

    # --- one control-plane step ----------------------------------------------------------

    def _control_plane_step(self, offer: OfferedStep, *, last: bool) -> None:
        minor, version = offer.minor, offer.version
        new = version_of(version)
        roll = rolling(self.state, new)
        for pool in self.state.pools:
            why = forced_move(pool, self.state, roll.apiservers)
            if why is not None:
                self._pool_step(pool, required_before(minor, why), also=(roll,))
        self._fit_kube_proxy(roll, minor)
        # A provider's jump replaces the control plane in one operation: the API servers of
        # both minors never serve side by side, so only the nodes are checked against both.
        known = set(self._reasons(self.state))
        for problem in problems(rolling(self.state, new), nodes_only=bool(offer.skipped)):
            if problem.reason not in known:
                self.warnings.append(while_rolling(minor, problem.reason))
        old = self.state.oldest
        reason = control_plane_reason(self.state, offer, last=last)
        bare = control_plane_step(version, old, reason, self.memo)
        after = apply(self.state, bare)  # what `step` below leads to as well
        decisions = self._classify(minor, after=after)
        step = control_plane_step(
            version,
            old,
            reason,
            self.memo,
            addons=decisions,
            blocked_by=(offer.blocked,) if offer.blocked else (),
            warnings=(offer.warning,) if offer.warning else (),
        )
        self._add(step, after)
        self.warnings.extend(required_addon_warnings(decisions, minor, last=last))

    def _pool_step(self, pool: PoolState, reason: str, also: Sequence[ClusterState] = ()) -> None:
        """Move `pool` to the control plane's current version, kube-proxy along if it must."""
        to = self.state.oldest
        inv_pool = self.pools[pool.id]
        override = self.node_strategies.get(pool.id)
        choice = pool_strategy(inv_pool, to.minor_version, self.inv.provider, override, self.memo)
        servers = [v for s in (self.state, *also) for v in s.apiservers]
        self._add(pool_move(pool, reason, to=to, servers=servers, choice=choice, memo=self.memo))

    def _fit_kube_proxy(self, roll: ClusterState, minor: MinorVersion) -> None:
        """Move kube-proxy before the control plane when the roll would break its rules."""
        bad = [
            verdict(Component.KUBE_PROXY, p.kube_proxy, roll.apiservers, kubelet_version=p.kubelet)
            for p in self.state.pools
            if p.kube_proxy is not None
            and not allows(
                Component.KUBE_PROXY, p.kube_proxy, roll.apiservers, kubelet_version=p.kubelet
            )
        ]
        if not bad:
            return
        fit = kube_proxy_fitting(self.state, roll)
        if fit is None:
            # One DaemonSet cannot fit pools this far apart: bring the lagging pools to the
            # control plane first; kube-proxy at the control plane's minor then fits them all.
            for pool in self.state.pools:
                if (
                    pool.kubelet is not None
                    and pool.kubelet.minor_version < self.state.oldest.minor_version
                ):
                    why = f"no kube-proxy version fits every pool's kubelet ({bad[0].reason})"
                    self._pool_step(pool, required_before(minor, why), also=(roll,))
            fit = kube_proxy_fitting(self.state, roll)
        if fit is None or all(
            p.kube_proxy is None or p.kube_proxy.minor_version == fit.minor_version
            for p in self.state.pools
        ):
            return
        current = next(p.kube_proxy for p in self.state.pools if p.kube_proxy is not None)
        reason = required_before(minor, bad[0].reason)
        decision = kube_proxy_decision(AddonNeed.REQUIRED, current, fit.raw, reason)
        self._add(addon_step(decision, reason, self.memo))

    # --- add-ons and the end -------------------------------------------------------------

    def _classify(self, minor: MinorVersion, *, after: ClusterState) -> tuple[AddonDecision, ...]:
        return classify_cluster_step(
            self.inv,
            minor,
            target=self.target,
            after=after,
            compat=self.compat,
            addon_targets=self.addon_targets,
            memo=self.memo,
        )

    def _finish(self) -> tuple[AddonDecision, ...]:
        """Pools to the target, then kube-proxy, then the add-ons the target requires."""
        if self.state.oldest.minor_version != self.target:
            return ()  # the path stopped early (blocked); nothing is at the target
        for pool in self.state.pools:
            if pool.kubelet is None or pool.kubelet.minor_version < self.target:
                done = any(s.component == pool_component(pool.id) for s in self.steps)
                self._pool_step(pool, end_of_path_reason(done))
        decisions = self._classify(self.target, after=self.state)
        for decision in decisions:
            if decision.need is AddonNeed.REQUIRED:
                why = f"after the node pools: {decision.reason}"
                self._add(addon_step(decision, why, self.memo))
        return decisions

    def _add(self, step: UpgradeStep, after: ClusterState | None = None) -> None:
        """Append `step`; `after` is the state it leads to when the caller has it already."""
        before = set(self._reasons(self.state))
        self.steps.append(step)
        self.state = apply(self.state, step) if after is None else after
        for reason in self._reasons(self.state):
            if reason not in before:
                self.warnings.append(after_step(step, reason))
