"""A cluster's pools' parts (`upgrade_pool_part`), each planned once per versions, then named.

A pool's part depends on its id and name only through words: the steps' component
(`node-pool/<id>`) and reason (`<name>: ...`), and the skew reasons (`node-pool/<id>: ...`).
Fleets repeat the same pool versions under many names (the benchmark: five pools per cluster,
each with its own id), so the part is planned once per control-plane part and versions with
placeholders for the id and the name, and each pool's part is that plan with its own id and
name written in (kept per pool as well). The placeholders are set off by NUL characters,
which no word of the planner and no version has; a pool's own id and name are written in
one pass, so nothing in them is ever read as a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.upgrade_parts import NodeStrategy
from kubedrift.policies.upgrade_plane import ControlPlanePart
from kubedrift.policies.upgrade_pool_part import PoolInputs, PoolMove, PoolPart, pool_part
from kubedrift.policies.upgrade_state import PoolState, kube_proxy_addon
from kubedrift.policies.upgrade_steps import shared_step
from kubedrift.versions import MinorVersion

_NUL = "\0"
_ID, _NAME = f"{_NUL}id{_NUL}", f"{_NUL}name{_NUL}"


def cluster_pool_parts(
    plane: ControlPlanePart,
    inventory: ClusterInventory,
    target: MinorVersion,
    node_strategies: Mapping[str, NodeStrategy],
    memo: MutableMapping[Any, Any],
) -> tuple[list[PoolInputs], list[PoolPart]] | None:
    """Every pool's inputs and its part against `plane`, kept by everything they read; None
    when pools cannot be told apart in the warnings (an id repeated or containing a colon)."""
    provider = inventory.provider
    proxy_addon = kube_proxy_addon(inventory)
    ids: set[str] = set()
    inputs: list[PoolInputs] = []
    parts: list[PoolPart] = []
    for found in inventory.node_pools:
        pool_id = found.id
        if pool_id in ids or ":" in pool_id:
            return None
        ids.add(pool_id)
        kubelet = found.kubelet_version
        proxy = found.kube_proxy_version or proxy_addon
        override = node_strategies.get(pool_id) if node_strategies else None
        versions = (
            None if kubelet is None else kubelet.raw,
            None if proxy is None else proxy.raw,
            found.runtime,
            tuple(sorted(found.versions_seen)),
            provider,
            override,
            target.major,
            target.minor,
        )
        key = ("pool-part", id(plane), pool_id, found.name, versions)
        kept: tuple[PoolInputs, PoolPart] | None = memo.get(key)
        if kept is None:
            state = PoolState(pool_id, found.name, kubelet, proxy)
            made = PoolInputs(state, found, provider, override, target)
            shape = _shape(plane, made, versions, memo)
            kept = memo[key] = (made, _named(shape, pool_id, found.name, memo))
        inputs.append(kept[0])
        parts.append(kept[1])
    return inputs, parts


def _shape(
    plane: ControlPlanePart,
    inputs: PoolInputs,
    versions: tuple[object, ...],
    memo: MutableMapping[Any, Any],
) -> PoolPart:
    """The part of `inputs`' pool with its id and name as placeholders, kept by `versions`
    (everything else the part reads of the pool)."""
    key = ("pool-shape", id(plane), versions)
    shape: PoolPart | None = memo.get(key)
    if shape is None:
        pool = inputs.state
        unnamed = PoolInputs(
            PoolState(_ID, _NAME, pool.kubelet, pool.kube_proxy),
            inputs.pool,
            inputs.provider,
            inputs.override,
            inputs.target,
        )
        shape = memo[key] = pool_part(plane, unnamed, memo)
    return shape


def _named(shape: PoolPart, pool_id: str, name: str, memo: MutableMapping[Any, Any]) -> PoolPart:
    """`shape` with the pool's own id and name written in."""
    words = {"id": pool_id, "name": name}

    def text(value: str) -> str:
        if _NUL not in value:
            return value
        pieces = value.split(_NUL)  # every odd piece is a placeholder's word
        pieces[1::2] = [words[p] for p in pieces[1::2]]
        return "".join(pieces)

    def texts(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(map(text, values)) if values else values

    states: dict[int, PoolState] = {}

    def state(value: PoolState) -> PoolState:
        found = states.get(id(value))
        if found is None:
            found = states[id(value)] = PoolState(pool_id, name, value.kubelet, value.kube_proxy)
        return found

    return PoolPart(
        start=shape.start,
        moved=shape.moved,
        warnings=texts(shape.warnings),
        unknown=texts(shape.unknown),
        entering=tuple(map(state, shape.entering)),
        moves=tuple(_move(m, text, memo) for m in shape.moves),
        rolling_warnings=tuple(map(texts, shape.rolling_warnings)),
        states=tuple(map(state, shape.states)),
        after_warnings=tuple(map(texts, shape.after_warnings)),
        misfits=shape.misfits,
        end_move=_move(shape.end_move, text, memo),
        end_state=state(shape.end_state),
        kube_proxy_end=texts(shape.kube_proxy_end),
        still=shape.still,
    )


def _move(
    move: PoolMove | None, text: Callable[[str], str], memo: MutableMapping[Any, Any]
) -> PoolMove | None:
    if move is None:
        return None
    step = move.step
    named = shared_step(
        memo,
        step.action,
        component=text(step.component),
        from_version=step.from_version,
        to_version=step.to_version,
        reason=text(step.reason),
        addons=step.addons,
        strategy=step.strategy,
        blocked_by=tuple(map(text, step.blocked_by)),
        warnings=tuple(map(text, step.warnings)),
    )
    return PoolMove(named, tuple(map(text, move.warnings)))
