"""Drift states read back from their rows."""

from __future__ import annotations

from typing import Any

from kubedrift.model.events import DriftState, ResolveReason
from kubedrift.model.findings import FindingKey, Severity


def state_of(row: Any) -> DriftState:
    """A `drift_states` row (its columns, as a Core select of the table returns them)."""
    return DriftState(
        key=FindingKey(cluster=row.cluster, rule=row.rule, component=row.component),
        severity=Severity(row.severity),
        summary=row.summary,
        opened_at=row.opened_at,
        last_seen_at=row.last_seen_at,
        observed=row.observed,
        expected=row.expected,
        waived_by=row.waived_by,
        stale=row.stale,
        source=row.source,
        announced=row.announced,
        resolved_at=row.resolved_at,
        resolved_reason=ResolveReason(row.resolved_reason) if row.resolved_reason else None,
    )
