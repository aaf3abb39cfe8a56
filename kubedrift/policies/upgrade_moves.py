"""The moves an upgrade path is made of, and the words for them, shared by both planners.

The sequential planner (`upgrade_planner`, one cluster state after the other) and the
composed one (`upgrade_compose`, the control plane planned once and each pool against it)
build their steps, reasons and warnings here, so the two cannot drift apart in what they
say: a node pool's move to the control plane's version (kube-proxy along when the skew policy
requires it), its in-place vs replacement choice, why a control-plane step is taken, and the
warnings about add-ons required before the end.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from kubedrift.model.findings import StepAction, UpgradeStep
from kubedrift.model.inventory import NodePool
from kubedrift.model.upgrade_parts import (
    AddonDecision,
    AddonNeed,
    NodeStrategy,
    NodeStrategyChoice,
)
from kubedrift.policies.node_strategy import choose_strategy
from kubedrift.policies.provider_offer import OfferedStep
from kubedrift.policies.skew import Component
from kubedrift.policies.skew_memo import allows, verdict
from kubedrift.policies.upgrade_state import KUBE_PROXY, ClusterState, PoolState, pool_component
from kubedrift.policies.upgrade_steps import shared_step
from kubedrift.versions import KubeVersion, MinorVersion


def pool_move(
    pool: PoolState,
    reason: str,
    *,
    to: KubeVersion,
    servers: Sequence[KubeVersion],
    choice: NodeStrategyChoice,
    memo: MutableMapping[Any, Any] | None,
) -> UpgradeStep:
    """`pool` to `to` (the control plane's version); kube-proxy along when the skew policy
    against `servers` (the API servers now and mid-roll) would not let it stay."""
    decisions: tuple[AddonDecision, ...] = ()
    if pool.kube_proxy is not None and not allows(
        Component.KUBE_PROXY, pool.kube_proxy, servers, kubelet_version=to
    ):
        why = verdict(Component.KUBE_PROXY, pool.kube_proxy, servers, kubelet_version=to)
        decisions = (
            AddonDecision(
                name=KUBE_PROXY,
                kind="proxy",
                need=AddonNeed.REQUIRED,
                from_version=pool.kube_proxy.raw,
                to_version=to.raw,
                reason=f"moves with the kubelet on these nodes: {why.reason}",
                source="skew policy",
            ),
        )
    action: StepAction = (
        "replace_node_pool" if choice.strategy is NodeStrategy.REPLACEMENT else "upgrade_node_pool"
    )
    return shared_step(
        memo,
        action,
        component=pool_component(pool.id),
        from_version=None if pool.kubelet is None else pool.kubelet.raw,
        to_version=to.raw,
        reason=f"{pool.name}: {reason}",
        addons=decisions,
        strategy=choice,
    )


def pool_strategy(
    pool: NodePool,
    to: MinorVersion,
    provider: str,
    override: NodeStrategy | None,
    memo: MutableMapping[Any, Any] | None,
) -> NodeStrategyChoice:
    """`choose_strategy` for the pool; kept in `memo` by everything it reads."""
    if memo is None:
        return choose_strategy(pool, to, provider=provider, override=override)
    kubelet = pool.kubelet_version
    key = (
        "strategy",
        None if kubelet is None else (kubelet.major, kubelet.minor),
        (pool.runtime or "").strip().lower(),
        tuple(sorted(pool.versions_seen)),
        to,
        provider,
        override,
    )
    found: NodeStrategyChoice | None = memo.get(key)
    if found is None:
        found = memo[key] = choose_strategy(pool, to, provider=provider, override=override)
    return found


def forced_move(pool: PoolState, state: ClusterState, roll: Sequence[KubeVersion]) -> str | None:
    """Why `pool` must move before the API servers `roll` serve side by side, or None.

    It must when the policy forbids its kubelet there and it is behind the control plane
    (else it cannot move yet); the answer is then the policy's reason.
    """
    kubelet = pool.kubelet
    if kubelet is None or allows(Component.KUBELET, kubelet, roll):
        return None
    if kubelet.minor_version >= state.oldest.minor_version:
        return None
    return verdict(Component.KUBELET, kubelet, roll).reason


def required_before(minor: MinorVersion, why: str) -> str:
    return f"required before the control plane moves to {minor}: {why}"


def end_of_path_reason(moved_before: bool) -> str:
    why = "at the end: every node pool joins the control plane at the target"
    if not moved_before:
        why += "; held back until now, so the pool is upgraded once"
    return why


def control_plane_reason(state: ClusterState, offer: OfferedStep, *, last: bool) -> str:
    """Why the control plane takes `offer` from `state`."""
    minor, old = offer.minor, state.oldest
    if old.minor_version < minor == state.newest.minor_version:
        servers = sorted({v.raw for v in state.apiservers})
        reason = f"finishes the HA roll: API servers {', '.join(servers)} all reach {minor}"
    elif offer.jump is not None:
        reason = offer.jump
    else:
        reason = f"the control plane moves one minor at a time: {old.minor_version} -> {minor}"
    return reason + " (the target)" if last else reason


def required_addon_warnings(
    decisions: Sequence[AddonDecision], minor: MinorVersion, *, last: bool
) -> list[str]:
    """Add-ons (other than kube-proxy) a step before the last one already requires."""
    if last:
        return []
    return [
        f"{d.name} is required at {minor}: {d.reason}; upgrade it right after this "
        "control-plane step"
        for d in decisions
        if d.need is AddonNeed.REQUIRED and d.name != KUBE_PROXY
    ]


def after_step(step: UpgradeStep, reason: str) -> str:
    return f"after {step.component} -> {step.to_version}: {reason}"


def while_rolling(minor: MinorVersion, reason: str) -> str:
    return f"while the control plane rolls to {minor}: {reason}"


def before_path(reason: str) -> str:
    return f"before the path: {reason}"


def unknown_kubelet(pool: PoolState) -> str:
    return (
        f"node pool {pool.name}: kubelet version unknown, so the skew policy is not checked "
        "for it; it is replaced at the end"
    )
