"""One pool's part of a composed upgrade path (`upgrade_compose`), against the control
plane's part (`upgrade_plane`).

Before which control-plane step the pool must move (the skew policy) and the move, its skew
warnings about its kubelet and kube-proxy at every point, its move at the end, and whether
kube-proxy would leave the policy during a roll (the one thing pools share: the caller fits
it for the whole cluster, `upgrade_fit`). Kept for the run per control-plane part and pool.
The words and the moves are `upgrade_moves`', as in the sequential planner.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import NodePool
from kubedrift.model.upgrade_parts import NodeStrategy
from kubedrift.policies.skew import Component
from kubedrift.policies.skew_memo import allows
from kubedrift.policies.upgrade_moves import (
    after_step,
    before_path,
    end_of_path_reason,
    forced_move,
    pool_move,
    pool_strategy,
    required_before,
    unknown_kubelet,
    while_rolling,
)
from kubedrift.policies.upgrade_plane import ControlPlanePart
from kubedrift.policies.upgrade_state import (
    ClusterState,
    PoolState,
    apply,
    pool_problems,
    version_of,
)
from kubedrift.versions import KubeVersion, MinorVersion


@dataclass(frozen=True, slots=True)
class PoolMove:
    step: UpgradeStep
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PoolPart:
    """One pool against a `ControlPlanePart`, from its step `start` on.

    The tuples run parallel to the control plane's steps from `start`: the pool as it enters
    each step, its move before it (None: it stays), the skew warnings mid-roll, the pool once
    the moves are made, the warnings after the step, and whether kube-proxy would leave the
    policy during the roll (`misfits`: one DaemonSet for every pool, so the caller decides).
    `kube_proxy_end` are the new skew reasons should kube-proxy move to the control plane's
    version at the end. A part from `start` > 0 resumes after that step's moves (the caller
    moved the pool or kube-proxy there); `moved` says whether the pool had moved by then.
    `still`: a part from the start that neither moves nor warns nor misfits before the end
    (the pool stays as it is: the caller need not look at it step by step).
    """

    start: int
    moved: bool
    warnings: tuple[str, ...]  # before the path
    unknown: tuple[str, ...]
    entering: tuple[PoolState, ...]
    moves: tuple[PoolMove | None, ...]
    rolling_warnings: tuple[tuple[str, ...], ...]
    states: tuple[PoolState, ...]
    after_warnings: tuple[tuple[str, ...], ...]
    misfits: tuple[bool, ...]
    end_move: PoolMove | None
    end_state: PoolState
    kube_proxy_end: tuple[str, ...]
    still: bool

    def moved_by(self, index: int) -> bool:
        """Whether the pool has moved at or before step `index`."""
        return self.moved or any(m is not None for m in self.moves[: index - self.start + 1])


@dataclass(frozen=True, slots=True)
class PoolInputs:
    """What a pool's part reads besides the control plane's part."""

    state: PoolState
    pool: NodePool
    provider: str
    override: NodeStrategy | None
    target: MinorVersion


def pool_part(
    plane: ControlPlanePart,
    inputs: PoolInputs,
    memo: MutableMapping[Any, Any],
    *,
    resume: tuple[int, PoolState, bool] | None = None,
) -> PoolPart:
    """`inputs`' pool moved along `plane`, as the sequential planner would move it.

    `resume` (step, pool, moved): start after that step's moves with the pool as given.
    """
    start, current, moved = (0, inputs.state, False) if resume is None else resume
    entering: list[PoolState] = []
    moves: list[PoolMove | None] = []
    rolls: list[tuple[str, ...]] = []
    states: list[PoolState] = []
    afters: list[tuple[str, ...]] = []
    misfits: list[bool] = []
    for index in range(start, len(plane.steps)):
        step = plane.steps[index]
        entering.append(current)
        move = None
        why = (
            None
            if resume is not None and index == start
            else forced_move(current, step.before, step.roll)
        )
        if why is not None:
            reason = required_before(step.offer.minor, why)
            move, current = move_pool(
                current, reason, state=step.before, roll=step.roll, inputs=inputs, memo=memo
            )
        proxy = current.kube_proxy
        misfits.append(
            proxy is not None
            and not allows(Component.KUBE_PROXY, proxy, step.roll, kubelet_version=current.kubelet)
        )
        known = set(pool_reasons(step.before.apiservers, current))
        moves.append(move)
        rolls.append(
            tuple(
                while_rolling(step.offer.minor, r)
                for r in pool_reasons(step.roll, current)
                if r not in known
            )
        )
        states.append(current)
        afters.append(
            tuple(
                after_step(step.bare, r)
                for r in pool_reasons(step.after.apiservers, current)
                if r not in known
            )
        )
    end_move = None
    kubelet = current.kubelet
    if plane.reaches_target and (kubelet is None or kubelet.minor_version < inputs.target):
        end = end_of_path_reason(moved or any(m is not None for m in moves))
        end_move, current = move_pool(
            current, end, state=plane.end, roll=(), inputs=inputs, memo=memo
        )
    proxy_end: tuple[str, ...] = ()
    if current.kube_proxy is not None:
        at = version_of(plane.end.oldest.raw)
        known = set(pool_reasons(plane.end.apiservers, current))
        moved_proxy = PoolState(current.id, current.name, current.kubelet, at)
        proxy_end = tuple(
            r for r in pool_reasons(plane.end.apiservers, moved_proxy) if r not in known
        )
    first = inputs.state
    fresh = resume is None
    return PoolPart(
        start=start,
        moved=moved,
        warnings=tuple(before_path(r) for r in pool_reasons(plane.start.apiservers, first))
        if fresh
        else (),
        unknown=(unknown_kubelet(first),) if fresh and first.kubelet is None else (),
        entering=tuple(entering),
        moves=tuple(moves),
        rolling_warnings=tuple(rolls),
        states=tuple(states),
        after_warnings=tuple(afters),
        misfits=tuple(misfits),
        end_move=end_move,
        end_state=current,
        kube_proxy_end=proxy_end,
        still=fresh and not any(moves) and not any(rolls) and not any(afters) and not any(misfits),
    )


def move_pool(
    pool: PoolState,
    reason: str,
    *,
    state: ClusterState,
    roll: Sequence[KubeVersion],
    inputs: PoolInputs,
    memo: MutableMapping[Any, Any],
) -> tuple[PoolMove, PoolState]:
    """The pool's move to `state`'s control-plane version (`roll`: the API servers mid-roll,
    when it moves before a step), and the pool after it, with the new skew warnings."""
    to = state.oldest
    choice = pool_strategy(inputs.pool, to.minor_version, inputs.provider, inputs.override, memo)
    servers = (*state.apiservers, *roll)
    step = pool_move(pool, reason, to=to, servers=servers, choice=choice, memo=memo)
    alone = ClusterState(state.apiservers, (), (pool,))
    moved = apply(alone, step).pools[0]
    known = set(pool_reasons(state.apiservers, pool))
    warnings = tuple(
        after_step(step, r) for r in pool_reasons(state.apiservers, moved) if r not in known
    )
    return PoolMove(step, warnings), moved


def pool_reasons(servers: Sequence[KubeVersion], pool: PoolState) -> tuple[str, ...]:
    """The skew reasons about `pool`'s kubelet and kube-proxy while `servers` serve."""
    return tuple(p.reason for p in pool_problems(tuple(servers), pool))


def kept_pool_part(
    plane: ControlPlanePart,
    inputs: PoolInputs,
    memo: MutableMapping[Any, Any],
    resume: tuple[int, PoolState, bool] | None = None,
) -> PoolPart:
    """The pool's part, kept by everything it reads (`plane` stays alive in `memo`)."""
    pool, found = inputs.state, inputs.pool
    resumed = None
    if resume is not None:
        index, at, moved = resume
        kubelet, proxy = at.kubelet, at.kube_proxy
        resumed = (index, None if kubelet is None else kubelet.raw, proxy and proxy.raw, moved)
    key = (
        "pool-part",
        id(plane),
        pool.id,
        pool.name,
        None if pool.kubelet is None else pool.kubelet.raw,
        None if pool.kube_proxy is None else pool.kube_proxy.raw,
        found.runtime,
        tuple(sorted(found.versions_seen)),
        inputs.provider,
        inputs.override,
        inputs.target,
        resumed,
    )
    kept: PoolPart | None = memo.get(key)
    if kept is None:
        kept = memo[key] = pool_part(plane, inputs, memo, resume=resume)
    return kept
