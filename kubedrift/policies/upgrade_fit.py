"""kube-proxy fitted to every pool before a control-plane step, for the composed planner.

kube-proxy is one DaemonSet: its version must suit every pool's kubelet and every API server,
now and mid-roll. When a roll would take it out of the skew policy the sequential planner
(`Planner._fit_kube_proxy`) moves it, before the control plane, to the newest version that
fits every pool; when none does, it first moves the pools behind the control plane. This is
the same decision made from the pools' parts at that step; the parts then resume from there
with the pools as they are after it.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.upgrade_parts import AddonNeed
from kubedrift.policies.skew import Component
from kubedrift.policies.skew_memo import allows, verdict
from kubedrift.policies.upgrade_addons import kube_proxy_decision
from kubedrift.policies.upgrade_moves import after_step, required_before
from kubedrift.policies.upgrade_plane import ControlPlanePart
from kubedrift.policies.upgrade_pool_part import (
    PoolInputs,
    PoolPart,
    kept_pool_part,
    move_pool,
    pool_reasons,
)
from kubedrift.policies.upgrade_state import ClusterState, PoolState, version_of
from kubedrift.policies.upgrade_steps import addon_step, kube_proxy_fitting


@dataclass(frozen=True, slots=True)
class Fitted:
    """The steps and warnings of the fitting, and every pool's part from there on."""

    steps: tuple[UpgradeStep, ...]
    warnings: tuple[str, ...]
    parts: list[PoolPart]


def fit_kube_proxy(
    plane: ControlPlanePart,
    index: int,
    parts: Sequence[PoolPart],
    inputs: Sequence[PoolInputs],
    memo: MutableMapping[Any, Any],
) -> Fitted:
    """Fit kube-proxy before the control plane's step `index`; see the module docstring."""
    step = plane.steps[index]
    minor, servers = step.offer.minor, step.before.apiservers
    entering = [p.entering[index - p.start] for p in parts]
    pools = [p.states[index - p.start] for p in parts]
    changed = [False] * len(parts)
    moved = [p.moved_by(index) for p in parts]
    roll = ClusterState(step.roll, step.before.clients, tuple(entering))
    bad = [
        verdict(Component.KUBE_PROXY, p.kube_proxy, step.roll, kubelet_version=p.kubelet)
        for p in pools
        if p.kube_proxy is not None
        and not allows(Component.KUBE_PROXY, p.kube_proxy, step.roll, kubelet_version=p.kubelet)
    ]
    steps: list[UpgradeStep] = []
    warnings: list[str] = []
    fit = kube_proxy_fitting(_state(step.before, pools), roll)
    if fit is None:
        why = f"no kube-proxy version fits every pool's kubelet ({bad[0].reason})"
        for i, pool in enumerate(pools):
            kubelet = pool.kubelet
            if kubelet is not None and kubelet.minor_version < step.before.oldest.minor_version:
                move, pools[i] = move_pool(
                    pool,
                    required_before(minor, why),
                    state=step.before,
                    roll=step.roll,
                    inputs=inputs[i],
                    memo=memo,
                )
                steps.append(move.step)
                warnings += move.warnings
                changed[i] = moved[i] = True
        fit = kube_proxy_fitting(_state(step.before, pools), roll)
    if fit is not None and not all(
        p.kube_proxy is None or p.kube_proxy.minor_version == fit.minor_version for p in pools
    ):
        current = next(p.kube_proxy for p in pools if p.kube_proxy is not None)
        reason = required_before(minor, bad[0].reason)
        decision = kube_proxy_decision(AddonNeed.REQUIRED, current, fit.raw, reason)
        fitted = addon_step(decision, reason, memo)
        steps.append(fitted)
        to = version_of(fitted.to_version)
        for i, pool in enumerate(pools):
            if pool.kube_proxy is None:
                continue
            new = PoolState(pool.id, pool.name, pool.kubelet, to)
            known = set(pool_reasons(servers, pool))
            warnings += (
                after_step(fitted, r) for r in pool_reasons(servers, new) if r not in known
            )
            pools[i], changed[i] = new, True
    resumed = [
        kept_pool_part(plane, inputs[i], memo, resume=(index, pools[i], moved[i]))
        if changed[i]
        else part
        for i, part in enumerate(parts)
    ]
    return Fitted(tuple(steps), tuple(warnings), resumed)


def _state(plane: ClusterState, pools: Sequence[PoolState]) -> ClusterState:
    return ClusterState(plane.apiservers, plane.clients, tuple(pools))
