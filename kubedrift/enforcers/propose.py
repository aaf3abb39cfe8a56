"""One enforcement run: which clusters drifted, their upgrade paths, and every enforcer told.

Pure apart from the enforcers it is handed (which write to git, forges and trackers) and an
optional `record` callback (the store's `record_change`), so `kubedrift propose` and the
daemon's enforcement step (`kubedrift.daemon.enforce`) share it. For every cluster of the
inventory (or just the one asked for) that the plan puts in a group with a target minor:

- *drifted* (an unwaived finding above info whose remedy is an upgrade, and a planned path
  with steps): every enforcer's `propose(drift)` — the Terraform PR enforcer proposes the
  path's next step, the ticket enforcer files the whole upgrade;
- *held* by its rollout wave (`ClusterDrift.held`, or `gate` says the wave is not open):
  nothing is proposed, and nothing closed either — the drift is still there;
- otherwise every enforcer's `resolve(drift)` closes what is still open for the cluster.

Each enforcer's `new_run()` is called once first, so its per-run cap holds across clusters. A
failure of one enforcer on one cluster is recorded in the outcome and the run goes on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kubedrift.calendar import ReleaseCalendar
from kubedrift.enforcers.base import ClusterDrift, Enforcer, Proposal, upgrade_worthy
from kubedrift.enforcers.platform_ticket import platform_drift
from kubedrift.errors import KubedriftError
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory, Platform
from kubedrift.model.plan import VersionPlan
from kubedrift.policies.engine import evaluate
from kubedrift.policies.gc_paused import collector_paused
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.policies.waves import wave_report

# (key, kind, state, url, cluster key): what the store's `record_change` takes.
Recorder = Callable[[str, str, str, "str | None", str], None]
# A cluster key -> why its wave holds it (None: open). See `kubedrift.enforcers.waves`.
Gate = Callable[[str], "str | None"]
_NOT_RECORDED = frozenset({"error", "dry_run", "absent", "skipped", "held"})

__all__ = ["Outcome", "RunResult", "candidates", "enforce", "run", "upgrade_worthy"]


@dataclass(frozen=True)
class Outcome:
    """What one enforcer did (or would do) for one cluster."""

    cluster: str
    enforcer: str
    kind: str
    key: str
    status: str  # a ChangeStatus / TicketStatus, "closed", "skipped", "held" or "error"
    url: str | None = None
    detail: str | None = None  # the diff or the ticket body on a dry run; the error message


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "error"]

    def count(self, status: str, kind: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.status == status and kind in (None, o.kind))


log = logging.getLogger(__name__)


def candidates(
    plan: VersionPlan,
    inventories: Iterable[ClusterInventory],
    findings: Sequence[Finding],
    *,
    cluster: str | None = None,
    hold: Gate | None = None,
) -> list[ClusterDrift]:
    """The clusters to act on, by key: each with its target and, when drifted, its path.

    `cluster` limits the run to the cluster of that key (or name). A drifted cluster that
    `hold` holds gets the reason instead of a path (planning it would be wasted work).
    """
    with collector_paused():
        return _candidates(plan, inventories, findings, cluster=cluster, hold=hold)


def _candidates(
    plan: VersionPlan,
    inventories: Iterable[ClusterInventory],
    findings: Sequence[Finding],
    *,
    cluster: str | None,
    hold: Gate | None,
) -> list[ClusterDrift]:
    out = []
    # The run's planner memo: paths put together from parts shared between clusters (the
    # same paths as planning each alone; see kubedrift.policies.upgrade_compose).
    memo: dict[Any, Any] = {}
    by_cluster: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_cluster[finding.key.cluster].append(finding)
    for inventory in sorted(inventories, key=lambda i: i.key):
        if cluster is not None and cluster not in (inventory.key, inventory.name):
            continue
        group = plan.group_for(inventory.ref)
        target = group.target if group is not None else None
        if target is not None and inventory.platform != Platform.KUBERNETES:
            drift = platform_drift(inventory, target, findings)  # Swarm, Mesos: own runbook
            if drift is not None:
                out.append(drift)
            continue
        if target is None or target.minor is None:
            continue
        mine = tuple(by_cluster.get(inventory.key, ()))
        path = None
        held = None
        if any(upgrade_worthy(f) for f in mine):
            held = hold(inventory.key) if hold is not None else None
            if held is None:
                planned = plan_upgrade(
                    inventory, target.minor, addon_targets=target.addons, memo=memo
                )
                path = planned if planned.steps else None
        out.append(
            ClusterDrift(
                inventory=inventory, target=target.minor, findings=mine, path=path, held=held
            )
        )
    return out


def run(
    found: Sequence[ClusterDrift],
    enforcers: Sequence[tuple[str, Enforcer]],
    *,
    record: Recorder | None = None,
    gate: Gate | None = None,
) -> RunResult:
    """Hand every drift to every `(name, enforcer)`; see the module docstring."""
    result = RunResult()
    for _, enforcer in enforcers:
        enforcer.new_run()
    for drift in found:
        held = drift.held
        if held is None and gate is not None and drift.drifted:
            held = gate(drift.inventory.key)
        for name, enforcer in enforcers:
            for outcome in _one(name, enforcer, drift, held):
                result.outcomes.append(outcome)
                if record is not None and outcome.status not in _NOT_RECORDED:
                    record(outcome.key, outcome.kind, outcome.status, outcome.url, outcome.cluster)
    return result


def _one(name: str, enforcer: Enforcer, drift: ClusterDrift, held: str | None) -> list[Outcome]:
    cluster = drift.inventory.key
    if held is not None:
        return [Outcome(cluster, name, enforcer.kind, cluster, "held", detail=held)]
    try:
        done: list[Proposal] = (
            [enforcer.propose(drift)] if drift.drifted else enforcer.resolve(drift)
        )
    except KubedriftError as exc:
        return [Outcome(cluster, name, enforcer.kind, cluster, "error", detail=str(exc))]
    except Exception as exc:  # the per-cluster boundary: the other clusters are still proposed
        # The message of an unexpected error is not shown (it may carry what a curated
        # error would not); the log has the traceback.
        log.exception("enforcer %s failed on cluster %s", name, cluster)
        detail = f"unexpected {type(exc).__name__} (a kubedrift bug; see the log)"
        return [Outcome(cluster, name, enforcer.kind, cluster, "error", detail=detail)]
    return [Outcome(cluster, name, p.kind, p.key, p.status, p.url, p.detail) for p in done]


def enforce(
    plan: VersionPlan,
    inventories: Sequence[ClusterInventory],
    now: datetime,
    calendar: ReleaseCalendar,
    enforcers: Sequence[tuple[str, Enforcer]],
    *,
    finished_at: Mapping[str, datetime] | None = None,
    waves: bool = True,
    cluster: str | None = None,
    record: Recorder | None = None,
) -> RunResult:
    """Evaluate, find the drifted clusters, gate them by wave, and `run` the enforcers.

    What `kubedrift propose` and the daemon's enforcement step both do. `finished_at` (each
    cluster's latest `cluster.version_changed`, from the store) times the waves' soak.
    """
    findings = evaluate(plan, inventories, now, calendar)
    hold = None
    if waves and plan.waves:
        hold = wave_report(plan, inventories, findings, finished_at or {}, now).hold
    found = candidates(plan, inventories, findings, cluster=cluster, hold=hold)
    return run(found, enforcers, record=record)
