"""The lifecycle of one finding key: open, escalate, update, go stale, resolve.

Announcements follow the alerting rule: a waived finding keeps its state (with `waived_by`)
but pages nobody, so neither its opening nor its escalation is announced; when its waiver
lapses and it is still there, its opening is announced then. A resolution is announced only
for an opening that was, so every `drift.resolved` closes a `drift.opened` (or
`waiver.expiring`) somebody saw. A lower severity updates the state silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kubedrift.drift.ids import event_id
from kubedrift.model.events import DriftEvent, DriftState, EventType, ResolveReason
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.policies.rules.meta import WAIVER_EXPIRING

# The engine's "a waiver expires soon" finding: its opening is announced as
# `waiver.expiring` rather than `drift.opened`.
WAIVER_EXPIRING_RULE = WAIVER_EXPIRING.id


@dataclass
class Outcome:
    """What the finding lifecycle produced in one cycle."""

    events: list[DriftEvent] = field(default_factory=list)
    states: list[DriftState] = field(default_factory=list)
    resolved: list[DriftState] = field(default_factory=list)


def merge_findings(findings: Iterable[Finding]) -> dict[FindingKey, Finding]:
    """One finding per key; should the engine report a key twice, the more severe wins."""
    merged: dict[FindingKey, Finding] = {}
    for finding in findings:
        known = merged.get(finding.key)
        if known is None or finding.severity > known.severity:
            merged[finding.key] = finding
    return merged


def _detail(finding: Finding) -> dict[str, str]:
    detail = {"rule": finding.key.rule, "component": finding.key.component}
    if finding.observed is not None:
        detail["observed"] = finding.observed
    if finding.expected is not None:
        detail["expected"] = finding.expected
    return detail


def _announce(finding: Finding, now: datetime) -> DriftEvent:
    kind = (
        EventType.WAIVER_EXPIRING
        if finding.key.rule == WAIVER_EXPIRING_RULE
        else EventType.DRIFT_OPENED
    )
    return _finding_event(kind, finding, now)


def _escalate(finding: Finding, previous: DriftState, now: datetime) -> DriftEvent:
    return _finding_event(EventType.DRIFT_ESCALATED, finding, now, previous.severity)


def _finding_event(
    kind: EventType, finding: Finding, now: datetime, previous_severity: Severity | None = None
) -> DriftEvent:
    return DriftEvent(
        id=event_id(kind, str(finding.key), now),
        type=kind,
        at=now,
        cluster=finding.key.cluster,
        finding=finding.key,
        severity=finding.severity,
        previous_severity=previous_severity,
        summary=finding.summary,
        detail=_detail(finding),
    )


def _resolution(state: DriftState, reason: ResolveReason, now: datetime) -> DriftEvent:
    kind = EventType.DRIFT_RESOLVED
    detail = {
        "rule": state.key.rule,
        "component": state.key.component,
        "opened_at": state.opened_at.isoformat(),
    }
    return DriftEvent(
        id=event_id(kind, str(state.key), now),
        type=kind,
        at=now,
        cluster=state.key.cluster,
        finding=state.key,
        severity=state.severity,
        summary=state.summary,
        detail=detail,
        resolved_reason=reason,
    )


def seen(
    finding: Finding,
    previous: DriftState | None,
    now: datetime,
    *,
    source: str | None,
    stale: bool,
    out: Outcome,
) -> None:
    """The finding was reported this cycle: open it, or update its state."""
    waived = finding.waived
    announced = not waived if previous is None else previous.announced or not waived
    state = DriftState(
        key=finding.key,
        severity=finding.severity,
        summary=finding.summary,
        opened_at=now if previous is None else previous.opened_at,
        last_seen_at=now,
        observed=finding.observed,
        expected=finding.expected,
        waived_by=finding.waived_by,
        stale=stale,
        source=source if source is not None else previous.source if previous else None,
        announced=announced,
    )
    out.states.append(state)
    if waived:
        return
    if previous is None or not previous.announced:
        out.events.append(_announce(finding, now))
    elif finding.severity > previous.severity:
        out.events.append(_escalate(finding, previous, now))


def not_seen(
    state: DriftState,
    now: datetime,
    *,
    collected: bool,
    removed: bool,
    uncollected: bool,
    out: Outcome,
) -> None:
    """The finding was not reported this cycle: resolve it only on evidence.

    Evidence is its cluster collected (and evaluated) without it, or its cluster gone from a
    successful discovery. A cluster that could not be collected leaves the state open and
    stale, `last_seen_at` unchanged; a cluster nobody looked at this cycle leaves it as it was.
    """
    if collected or removed:
        reason = ResolveReason.GONE if collected else ResolveReason.CLUSTER_REMOVED
        out.resolved.append(
            state.model_copy(update={"resolved_at": now, "resolved_reason": reason})
        )
        if state.announced:
            out.events.append(_resolution(state, reason, now))
    elif uncollected and not state.stale:
        out.states.append(state.model_copy(update={"stale": True}))
    else:
        out.states.append(state)
