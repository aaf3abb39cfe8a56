"""What the store's readers return besides the model's own types (`DriftState`, `DriftEvent`,
`VersionSnapshot`, `SourceState`, `ClusterInventory`): outbox items, counts and history rows."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, Field

from kubedrift.model.base import Frozen
from kubedrift.model.events import DriftEvent, ResolveReason
from kubedrift.model.findings import FindingKey, Severity
from kubedrift.store.tables import OutboxStatus


class CycleSaved(Frozen):
    """What one `save_cycle` wrote (all zeros for a replayed cycle), and the store revision
    it moved the store to."""

    events: int = 0
    outbox: int = 0
    inventories: int = 0
    opened: int = 0
    revision: int = 0


class OutboxItem(Frozen):
    """A claimed delivery: the event for one sink, with the key the sink dedupes on.

    `attempts` counts this attempt; it is also the claim's fence: `mark_*` only applies to
    the row while nobody claimed it again since (its lease may have run out meanwhile).
    """

    id: int
    sink: str
    event: DriftEvent
    attempts: int = Field(ge=1)
    idempotency_key: str
    created_at: AwareDatetime
    claimed_at: AwareDatetime


class OutboxStat(Frozen):
    """Outbox rows of one sink in one status; `oldest_created_at` dates the oldest of them."""

    sink: str
    status: OutboxStatus
    count: int
    oldest_created_at: AwareDatetime | None = None


class FindingInterval(Frozen):
    """One opening of a finding: from `opened_at` until `resolved_at` (None: still open)."""

    key: FindingKey
    severity: Severity
    summary: str
    source: str | None = None
    waived_by: str | None = None
    opened_at: AwareDatetime
    resolved_at: AwareDatetime | None = None
    resolved_reason: ResolveReason | None = None


class ClusterSpan(Frozen):
    """When a cluster was first seen and, if a discovery dropped it, when it was removed."""

    key: str
    source: str
    first_seen_at: AwareDatetime
    removed_at: AwareDatetime | None = None


class DayCompliance(Frozen):
    """At the end of one UTC day: clusters known, and how many had no open, unwaived finding
    at or above the threshold severity."""

    day: date
    clusters: int
    compliant: int
    open_findings: int

    @property
    def ratio(self) -> float | None:
        return self.compliant / self.clusters if self.clusters else None


class History(Frozen):
    """What the weekly report reads: findings open at any time in [since, until), the
    clusters, and compliance per day."""

    since: AwareDatetime
    until: AwareDatetime
    intervals: tuple[FindingInterval, ...] = ()
    clusters: tuple[ClusterSpan, ...] = ()
    days: tuple[DayCompliance, ...] = ()


class ProposedChange(Frozen):
    """A pull request or ticket an enforcer opened, by its idempotency key."""

    key: str
    kind: str
    cluster: str | None = None
    url: str | None = None
    state: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
