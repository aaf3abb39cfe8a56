"""One enforcement run: which clusters drifted, their upgrade paths, and every enforcer told.

Pure apart from the enforcers it is handed (which write to git, forges and trackers) and an
optional `record` callback (the store's `record_change`), so `kubedrift propose` and, later,
the daemon's enforcement step share it. For every cluster of the inventory (or just the one
asked for) that the plan puts in a group with a target minor:

- *drifted* (an unwaived finding above info whose remedy is an upgrade, and a planned path
  with steps): the Terraform PR enforcer gets the path's next step (`ChangeRequest.next_step`),
  the ticket enforcer the whole ticket (`upsert`);
- otherwise the ticket enforcer closes the cluster's ticket for the target (`close`), and
  the Terraform PR enforcer is not called.

Each enforcer's `new_run()` is called once first, so its per-run cap holds across clusters. A
failure of one enforcer on one cluster is recorded in the outcome and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kubedrift.enforcers.base import ChangeRequest
from kubedrift.enforcers.ticket_content import build_ticket
from kubedrift.enforcers.ticket_model import ticket_key
from kubedrift.errors import KubedriftError
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.versions import MinorVersion

OutcomeKind = Literal["pull_request", "ticket"]
# (key, kind, state, url, cluster key): what the store's `record_change` takes.
Recorder = Callable[[str, str, str, "str | None", str], None]


@dataclass(frozen=True)
class Candidate:
    """A cluster the plan gives a target minor, and what the run found about it."""

    inventory: ClusterInventory
    target: MinorVersion
    findings: tuple[Finding, ...]
    path: UpgradePath | None  # None: nothing upgrade-worthy

    @property
    def drifted(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class Outcome:
    """What one enforcer did (or would do) for one cluster."""

    cluster: str
    enforcer: str
    kind: OutcomeKind
    key: str
    status: str  # a ChangeStatus / TicketStatus, "skipped" or "error"
    url: str | None = None
    detail: str | None = None  # the diff or the ticket body on a dry run; the error message


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "error"]


def upgrade_worthy(finding: Finding) -> bool:
    """An unwaived finding above info whose remedy is an upgrade."""
    return (
        not finding.waived
        and finding.severity.rank > 0
        and finding.remedy is not None
        and bool(finding.remedy.steps)
    )


def candidates(
    plan: VersionPlan,
    inventories: Iterable[ClusterInventory],
    findings: Sequence[Finding],
    *,
    cluster: str | None = None,
) -> list[Candidate]:
    """The clusters to act on, by key: each with its target and, when drifted, its path.

    `cluster` limits the run to the cluster of that key (or name).
    """
    out = []
    for inventory in sorted(inventories, key=lambda i: i.key):
        if cluster is not None and cluster not in (inventory.key, inventory.name):
            continue
        group = plan.group_for(inventory.ref)
        target = group.target if group is not None else None
        if target is None or target.minor is None:
            continue
        mine = tuple(f for f in findings if f.key.cluster == inventory.key)
        path = None
        if any(upgrade_worthy(f) for f in mine):
            planned = plan_upgrade(inventory, target.minor, addon_targets=target.addons)
            path = planned if planned.steps else None
        out.append(Candidate(inventory, target.minor, mine, path))
    return out


def _first_finding(candidate: Candidate) -> Any:
    worthy = [f for f in candidate.findings if upgrade_worthy(f)]
    return worthy[0].key if worthy else None


def run(
    found: Sequence[Candidate],
    enforcers: Sequence[tuple[str, Any]],
    *,
    record: Recorder | None = None,
) -> RunResult:
    """Hand every candidate to every `(name, enforcer)`; see the module docstring."""
    result = RunResult()
    for _, enforcer in enforcers:
        enforcer.new_run()
    for candidate in found:
        for name, enforcer in enforcers:
            outcome: Outcome | None
            if hasattr(enforcer, "upsert"):
                outcome = _ticket(name, enforcer, candidate)
            else:
                outcome = _pull_request(name, enforcer, candidate)
            if outcome is None:
                continue
            result.outcomes.append(outcome)
            if record is not None and outcome.status not in ("error", "dry_run", "absent"):
                record(outcome.key, outcome.kind, outcome.status, outcome.url, outcome.cluster)
    return result


def _pull_request(name: str, enforcer: Any, candidate: Candidate) -> Outcome | None:
    if candidate.path is None:
        return None
    ref = candidate.inventory.ref
    change = ChangeRequest.next_step(ref, candidate.path, _first_finding(candidate))
    if change is None:
        why = "; ".join(candidate.path.blocked_by) or "the next step is blocked or manual"
        return Outcome(ref.key, name, "pull_request", ref.key, "skipped", detail=why)
    try:
        done = enforcer.propose(change)
    except KubedriftError as exc:
        return Outcome(ref.key, name, "pull_request", change.key, "error", detail=str(exc))
    detail = done.diff if done.status == "dry_run" else done.message
    return Outcome(ref.key, name, "pull_request", change.key, done.status, done.url, detail)


def _ticket(name: str, enforcer: Any, candidate: Candidate) -> Outcome:
    inventory = candidate.inventory
    try:
        if candidate.path is None:
            done = enforcer.close(ticket_key(inventory.ref, candidate.target))
            return Outcome(inventory.key, name, "ticket", done.key, done.status, done.url)
        ticket = build_ticket(inventory, candidate.path, candidate.findings)
        done = enforcer.upsert(ticket)
    except KubedriftError as exc:
        key = ticket_key(inventory.ref, candidate.target)
        return Outcome(inventory.key, name, "ticket", key, "error", detail=str(exc))
    body = f"{done.title}\n\n{done.body}" if done.status == "dry_run" and done.body else None
    return Outcome(inventory.key, name, "ticket", done.key, done.status, done.url, body)
