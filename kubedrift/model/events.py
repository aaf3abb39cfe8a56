"""Drift states kept between cycles and the events their changes produce."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from kubedrift.model.base import Frozen
from kubedrift.model.findings import FindingKey, Severity


class EventType(StrEnum):
    DRIFT_OPENED = "drift.opened"
    DRIFT_ESCALATED = "drift.escalated"
    DRIFT_RESOLVED = "drift.resolved"
    VERSION_CHANGED = "cluster.version_changed"
    SOURCE_FAILED = "source.failed"
    SOURCE_RECOVERED = "source.recovered"
    WAIVER_EXPIRING = "waiver.expiring"
    # A finding still open at high or critical, told again every route's `repeat_interval`
    # (made by the notifier's reminder job, never by reconcile).
    DRIFT_REMINDER = "drift.reminder"


class ResolveReason(StrEnum):
    """Why an open finding closed."""

    # The cluster was collected and evaluated, and the finding was no longer reported.
    GONE = "gone"
    # A successful discovery of the cluster's source no longer lists the cluster.
    CLUSTER_REMOVED = "cluster_removed"


class DriftState(Frozen):
    """An open finding as stored: when it opened, when it was last confirmed.

    `stale` marks a state whose cluster could not be collected in the latest cycle: it
    stays open (unknown is not resolved) but its age since `last_seen_at` is visible.
    `docs/drift.md` tells the whole lifecycle.
    """

    key: FindingKey
    severity: Severity
    summary: str
    opened_at: AwareDatetime
    last_seen_at: AwareDatetime
    observed: str | None = None
    expected: str | None = None
    waived_by: str | None = None
    stale: bool = False
    # The settings-file source that found the cluster: lets reconcile tell "gone from a
    # successful discovery" (resolve) from "its source did not run" (leave alone).
    source: str | None = None
    # Whether this opening was announced (`drift.opened` / `waiver.expiring`). A finding
    # waived since it opened is not, so its resolution is not announced either.
    announced: bool = True
    # Set only on the states reconcile returns as resolved.
    resolved_at: AwareDatetime | None = None
    resolved_reason: ResolveReason | None = None


class DriftEvent(Frozen):
    """Something that happened to the fleet, worth telling someone about.

    `id` is deterministic for the same happening, so a replayed cycle never doubles an
    alert downstream.
    """

    id: str
    type: EventType
    at: AwareDatetime
    cluster: str | None = None
    source: str | None = None
    finding: FindingKey | None = None
    severity: Severity | None = None
    previous_severity: Severity | None = None
    summary: str
    detail: dict[str, str] = Field(default_factory=dict)
    resolved_reason: ResolveReason | None = None
