"""What an upgrade ticket says, as data: built from one cluster's inventory, its upgrade path
and its findings. Pure (no I/O, no clock); `ticket_render` turns a `Ticket` into Markdown in
one language, `tickets` files it.

Owns: the ticket key (cluster + target minor), the ordered steps with suggested batch sizes
for node pools, the pre-upgrade checklist of docs/domain.md with a result for every check
kubedrift can answer from what it collected, and "to check" for the rest (unknown is never
turned into a pass), the in-place / replacement choice per pool, and the rollback notes.
Free text here is the planner's own (English); everything a template words is a code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from kubedrift.enforcers.ticket_checks import automatic_checks, evidence_of
from kubedrift.enforcers.ticket_model import (
    MANUAL_CHECKS,
    AddonRollback,
    Batches,
    Check,
    PoolPlan,
    StepKind,
    Ticket,
    TicketStep,
    ticket_key,
)
from kubedrift.model.findings import Finding, UpgradeStep
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.upgrade_parts import AddonNeed, NodeStrategy
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.rules.facts import MANAGED_PROVIDERS
from kubedrift.policies.upgrade_state import POOL_PREFIX
from kubedrift.versions import InvalidVersion, MinorVersion, parse_version

# A batch restarts at most this share of a pool's kubelets, and never more than the cap:
# the cluster should never lose many nodes at once (domain.md, "Two ways to upgrade nodes").
BATCH_SHARE = 10  # one node in ten
BATCH_CAP = 10


def batches(nodes: int | None, strategy: NodeStrategy) -> Batches:
    """maxUnavailable / maxSurge for a pool of `nodes`: in place upgrades `size` nodes at a
    time with no extra node; replacement adds `size` new nodes before draining old ones, so
    capacity never drops."""
    size = 1 if nodes is None else max(1, min(BATCH_CAP, nodes // BATCH_SHARE))
    count = None if nodes is None else max(1, math.ceil(nodes / size))
    if strategy is NodeStrategy.REPLACEMENT:
        return Batches(nodes=nodes, size=size, count=count, max_unavailable=0, max_surge=size)
    return Batches(nodes=nodes, size=size, count=count, max_unavailable=size, max_surge=0)


def _minor(raw: str | None) -> MinorVersion | None:
    if raw is None:
        return None
    try:
        return parse_version(raw).minor_version
    except (InvalidVersion, ValueError):
        try:
            return MinorVersion.parse(raw)
        except (InvalidVersion, ValueError):
            return None


_KINDS: dict[str, StepKind] = {
    "upgrade_control_plane": "control_plane",
    "upgrade_node_pool": "node_pool",
    "replace_node_pool": "node_pool",
    "upgrade_addon": "addon",
}


def _step(step: UpgradeStep, inventory: ClusterInventory) -> TicketStep:
    out = TicketStep(
        order=step.order,
        kind=_KINDS.get(step.action, "manual"),
        component=step.component,
        name=step.component,
        from_version=step.from_version,
        to_version=step.to_version,
        reason=step.reason,
        blocked_by=step.blocked_by,
        warnings=step.warnings,
    )
    if out.kind == "node_pool":
        pool_id = step.component.removeprefix(POOL_PREFIX)
        pool = next((p for p in inventory.node_pools if p.id == pool_id), None)
        update: dict[str, object] = {"name": pool.name if pool is not None else pool_id}
        if step.strategy is not None:
            nodes = pool.node_count if pool is not None else None
            update |= {
                "strategy": step.strategy.strategy,
                "strategy_reason": step.strategy.reason,
                "batches": batches(nodes, step.strategy.strategy),
            }
        return out.model_copy(update=update)
    if out.kind == "control_plane":
        start, end = _minor(step.from_version), _minor(step.to_version)
        required = tuple(d.name for d in step.addons if d.need is AddonNeed.REQUIRED)
        jump = start is not None and end is not None and end.minor - start.minor > 1
        return out.model_copy(update={"jump": jump, "required_addons": required})
    return out


def build_ticket(
    inventory: ClusterInventory, path: UpgradePath, findings: Sequence[Finding]
) -> Ticket:
    """The ticket for `inventory`'s cluster going to `path.target` (see the module docstring).

    `findings` are the cluster's findings from the same run; waived ones do not fail a check.
    """
    mine = [f for f in findings if f.key.cluster == inventory.key and not f.waived]
    steps = tuple(_step(s, inventory) for s in path.steps)
    checks = (
        *automatic_checks(inventory, path, mine),
        *(Check(id=c, status="to_check", automatic=False) for c in MANUAL_CHECKS),
    )
    pools: dict[str, PoolPlan] = {}
    for step in path.steps:
        if step.strategy is None or not step.component.startswith(POOL_PREFIX):
            continue
        pool_id = step.component.removeprefix(POOL_PREFIX)
        pool = next((p for p in inventory.node_pools if p.id == pool_id), None)
        # The last step of a pool decides how it reaches the target.
        pools[pool_id] = PoolPlan(
            id=pool_id,
            name=pool.name if pool is not None else pool_id,
            nodes=pool.node_count if pool is not None else None,
            kubelet=step.from_version if pool_id not in pools else pools[pool_id].kubelet,
            strategy=step.strategy.strategy,
            reason=step.strategy.reason,
        )
    cp_steps = [s for s in path.steps if s.action == "upgrade_control_plane"]
    return Ticket(
        key=ticket_key(inventory.ref),
        cluster=inventory.ref,
        managed=inventory.provider in MANAGED_PROVIDERS,
        current=path.current,
        target=str(path.target),
        final_version=cp_steps[-1].to_version if cp_steps else None,
        steps=steps,
        checks=checks,
        pools=tuple(pools.values()),
        addon_rollback=tuple(
            AddonRollback(name=s.component, from_version=s.from_version, to_version=s.to_version)
            for s in path.steps
            if s.action == "upgrade_addon"
        ),
        drift=tuple(evidence_of(f) for f in mine if f.severity.rank > 0),
        blocked_by=path.blocked_by,
        warnings=path.warnings,
    )
