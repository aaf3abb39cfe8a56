"""Steps of an upgrade path that follow from the state alone: a control-plane step, an add-on
step, and the kube-proxy version that fits every pool (`kubedrift.policies.upgrade_planner`).

Steps are frozen values; with a run's memo table (`plan_upgrade(memo=...)`) one object is
made per distinct step and per (step, position), so the paths of a fleet share them instead
of each holding copies (a fleet's paths repeat the same few steps).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from kubedrift.model.findings import StepAction, UpgradeStep
from kubedrift.model.unchecked import unchecked
from kubedrift.model.upgrade_parts import AddonDecision, NodeStrategyChoice
from kubedrift.policies.skew import Component
from kubedrift.policies.skew_memo import allows
from kubedrift.policies.upgrade_state import CONTROL_PLANE, ClusterState, version_of
from kubedrift.versions import KubeVersion


def kube_proxy_fitting(state: ClusterState, roll: ClusterState) -> KubeVersion | None:
    """The newest kube-proxy version valid now and mid-roll next to every pool's kubelet."""
    top = state.oldest
    for lag in range(4):
        candidate = top if lag == 0 else version_of(f"{top.major}.{top.minor - lag}")
        if all(
            allows(Component.KUBE_PROXY, candidate, s.apiservers, kubelet_version=p.kubelet)
            for s in (state, roll)
            for p in s.pools
            if p.kube_proxy is not None
        ):
            return candidate
    return None


def control_plane_step(
    version: str,
    old: KubeVersion,
    reason: str,
    memo: MutableMapping[Any, Any] | None = None,
    *,
    addons: tuple[AddonDecision, ...] = (),
    blocked_by: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    order: int = 1,
    shared: bool = True,
) -> UpgradeStep:
    return shared_step(
        memo,
        "upgrade_control_plane",
        component=CONTROL_PLANE,
        from_version=old.raw,
        to_version=version,
        reason=reason,
        addons=addons,
        blocked_by=blocked_by,
        warnings=warnings,
        order=order,
        shared=shared,
    )


def addon_step(
    decision: AddonDecision, reason: str, memo: MutableMapping[Any, Any] | None = None
) -> UpgradeStep:
    return shared_step(
        memo,
        "upgrade_addon",
        component=decision.name,
        from_version=decision.from_version,
        to_version=decision.to_version or "unknown",
        reason=reason,
        addons=(decision,),
    )


def shared_step(
    memo: MutableMapping[Any, Any] | None,
    action: StepAction,
    *,
    component: str,
    from_version: str | None,
    to_version: str,
    reason: str,
    addons: tuple[AddonDecision, ...] = (),
    strategy: NodeStrategyChoice | None = None,
    blocked_by: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    order: int = 1,
    shared: bool = True,
) -> UpgradeStep:
    """The step with these fields; one object per distinct step in `memo`. `order` is 1
    unless the caller knows the step's place in its path (`numbered_all` keeps it there).
    `shared=False`: made (unchecked, with a memo) but not kept here, for a caller that keeps
    it under its own key.

    The add-ons and strategy are keyed by identity (hashing a model goes through pydantic):
    the planners take them from `memo`, so equal ones are mostly the same object, and a kept
    step holds its own, so an identity in a key is never reused while the key is there.
    """
    key: tuple[object, ...] | None = None
    found: UpgradeStep | None = None
    if memo is not None and shared:
        fields = (action, component, from_version, to_version, reason)
        extra = (tuple(map(id, addons)), id(strategy), blocked_by, warnings, order)
        key = ("step", fields, extra)
        found = memo.get(key)
    if found is None:
        values: dict[str, Any] = {
            "order": order,
            "action": action,
            "component": component,
            "from_version": from_version,
            "to_version": to_version,
            "reason": reason,
            "addons": addons,
            "strategy": strategy,
            "blocked_by": blocked_by,
            "warnings": warnings,
        }
        if memo is None:
            found = UpgradeStep(**values)
        else:
            # A run's paths make some 10^4 steps from the planner's own valid values; the
            # equivalence tests compare them with the validated ones made without a memo.
            found = unchecked(UpgradeStep, values)
            if key is not None:
                memo[key] = found
    return found


def numbered(step: UpgradeStep, order: int, memo: MutableMapping[Any, Any] | None) -> UpgradeStep:
    """`step` at position `order` of a path; shared per (step, order) in `memo`.

    Keyed by the step's identity: `memo` holds the step in the value, so the id stays its own.
    """
    if memo is None:
        return step.model_copy(update={"order": order})
    key = ("numbered", id(step), order)
    kept: tuple[UpgradeStep, UpgradeStep] | None = memo.get(key)
    if kept is None:
        kept = memo[key] = (step, _reordered(step, order))
    return kept[1]


def numbered_all(
    steps: Sequence[UpgradeStep], memo: MutableMapping[Any, Any]
) -> tuple[UpgradeStep, ...]:
    """Each of `steps` numbered from 1, as `numbered` numbers it (the look-ups made here: a
    fleet's paths number some 10^5 steps); a step already at its place is its own copy."""
    out: list[UpgradeStep] = []
    for order, step in enumerate(steps, 1):
        if step.order == order:
            out.append(step)
            continue
        key = ("numbered", id(step), order)
        kept: tuple[UpgradeStep, UpgradeStep] | None = memo.get(key)
        if kept is None:
            kept = memo[key] = (step, _reordered(step, order))
        out.append(kept[1])
    return tuple(out)


def _reordered(step: UpgradeStep, order: int) -> UpgradeStep:
    """`step.model_copy(update={"order": order})` without pydantic's copy machinery (a fleet's
    paths number some 10^4 steps; `order` is valid: a position from 1)."""
    copy = object.__new__(UpgradeStep)
    _set(copy, "__dict__", {**step.__dict__, "order": order})
    _set(copy, "__pydantic_fields_set__", {*step.__pydantic_fields_set__, "order"})
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy


_set = object.__setattr__
