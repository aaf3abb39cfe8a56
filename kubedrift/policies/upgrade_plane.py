"""The control plane's part of a composed upgrade path (`upgrade_compose`).

The path as the control plane sees it, from the start to the target: its steps (the
provider's offer followed, one minor at a time or the provider's jump), the API servers
before, mid-roll and after each step, the reasons, and the warnings about the control
plane's own components. Kept for the run per control plane and target; each pool's part
(`upgrade_pool_part`) is planned against it. The words are `upgrade_moves`', as in the
sequential planner.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import ClusterInventory
from kubedrift.policies.provider_offer import OfferedStep, next_step
from kubedrift.policies.upgrade_moves import (
    after_step,
    before_path,
    control_plane_reason,
    while_rolling,
)
from kubedrift.policies.upgrade_state import ClusterState, apply, problems, rolling, version_of
from kubedrift.policies.upgrade_steps import control_plane_step
from kubedrift.versions import KubeVersion, MinorVersion


@dataclass(frozen=True, slots=True)
class ControlPlaneStep:
    """One control-plane step: the state before and after it (no pools), the API servers
    mid-roll, the step without its add-ons (`bare`), and the warnings about the control
    plane's own components while it rolls and after it."""

    offer: OfferedStep
    last: bool
    before: ClusterState
    roll: tuple[KubeVersion, ...]
    after: ClusterState
    bare: UpgradeStep
    rolling_warnings: tuple[str, ...]
    after_warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ControlPlanePart:
    start: ClusterState
    current: tuple[str, ...]  # the API servers' versions, as written
    warnings: tuple[str, ...]  # before the path
    steps: tuple[ControlPlaneStep, ...]
    end: ClusterState
    reaches_target: bool


def control_plane_part(
    inventory: ClusterInventory,
    start: ClusterState,
    target: MinorVersion,
    offered: Sequence[KubeVersion],
    memo: MutableMapping[Any, Any],
) -> ControlPlanePart:
    """The control plane's part from `start` (a state without pools) to `target`.

    The caller has checked what the sequential planner checks first (API servers known, at
    most one minor apart, no downgrade).
    """
    oldest, newest = start.oldest, start.newest
    state, steps = start, []
    current, first = oldest.minor_version, True
    while current < target:
        offer = next_step(
            inventory,
            offered,
            current,
            target,
            first=first,
            allow_jump=oldest.minor_version == newest.minor_version or not first,
        )
        last = offer.minor == target
        roll = rolling(state, version_of(offer.version))
        known = {p.reason for p in problems(state)}
        reason = control_plane_reason(state, offer, last=last)
        bare = control_plane_step(offer.version, state.oldest, reason, memo)
        after = apply(state, bare)
        steps.append(
            ControlPlaneStep(
                offer=offer,
                last=last,
                before=state,
                roll=roll.apiservers,
                after=after,
                bare=bare,
                rolling_warnings=tuple(
                    while_rolling(offer.minor, p.reason)
                    for p in problems(roll, nodes_only=bool(offer.skipped))
                    if p.reason not in known
                ),
                after_warnings=tuple(
                    after_step(bare, p.reason) for p in problems(after) if p.reason not in known
                ),
            )
        )
        state, current, first = after, offer.minor, False
    return ControlPlanePart(
        start=start,
        current=tuple(v.raw for v in start.apiservers),
        warnings=tuple(before_path(p.reason) for p in problems(start)),
        steps=tuple(steps),
        end=state,
        reaches_target=state.oldest.minor_version == target,
    )
