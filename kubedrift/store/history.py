"""History queries for the weekly report: finding intervals, cluster spans, daily compliance.

Compliance of a day is read at its end (00:00 UTC the next day, or `until` for the last,
partial day): of the clusters present then, how many had no open finding at or above the
threshold severity that is not waived. A state's `waived_by` is its latest value, so a waiver
granted on Thursday also counts on Monday: the report says "waived" as of today.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, func, or_, select

from kubedrift.model.events import EventType, ResolveReason
from kubedrift.model.findings import FindingKey, Severity
from kubedrift.store.records import ClusterSpan, DayCompliance, FindingInterval, History
from kubedrift.store.tables import ClusterRow, DriftStateRow, EventRow


def read(
    connection: Connection, since: datetime, until: datetime, min_severity: Severity
) -> History:
    if until <= since:
        raise ValueError("history needs since < until")
    states = connection.execute(
        select(DriftStateRow)
        .where(
            DriftStateRow.opened_at < until,
            or_(DriftStateRow.resolved_at.is_(None), DriftStateRow.resolved_at >= since),
        )
        .order_by(DriftStateRow.opened_at, DriftStateRow.id)
    ).all()
    intervals = tuple(
        FindingInterval(
            key=FindingKey(cluster=row.cluster, rule=row.rule, component=row.component),
            severity=Severity(row.severity),
            summary=row.summary,
            source=row.source,
            waived_by=row.waived_by,
            opened_at=row.opened_at,
            resolved_at=row.resolved_at,
            resolved_reason=ResolveReason(row.resolved_reason) if row.resolved_reason else None,
        )
        for row in states
    )
    clusters = tuple(
        ClusterSpan(
            key=row.key,
            source=row.source,
            first_seen_at=row.first_seen_at,
            removed_at=row.removed_at,
        )
        for row in connection.execute(
            select(
                ClusterRow.key, ClusterRow.source, ClusterRow.first_seen_at, ClusterRow.removed_at
            )
            .where(
                ClusterRow.first_seen_at < until,
                or_(ClusterRow.removed_at.is_(None), ClusterRow.removed_at >= since),
            )
            .order_by(ClusterRow.key)
        ).all()
    )
    days = tuple(_day(end, intervals, clusters, min_severity) for end in _day_ends(since, until))
    return History(since=since, until=until, intervals=intervals, clusters=clusters, days=days)


def _day_ends(since: datetime, until: datetime) -> list[datetime]:
    day = since.astimezone(UTC).date()
    ends = []
    while True:
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        ends.append(min(end, until))
        if end >= until:
            return ends
        day += timedelta(days=1)


def _open_at(start: datetime, stop: datetime | None, moment: datetime) -> bool:
    return start <= moment and (stop is None or stop > moment)


def _day(
    end: datetime,
    intervals: tuple[FindingInterval, ...],
    clusters: tuple[ClusterSpan, ...],
    min_severity: Severity,
) -> DayCompliance:
    # The last instant of the day: a cluster removed or a finding resolved exactly at
    # midnight counts for the day before, not the one after.
    moment = end - timedelta(microseconds=1)
    present = {c.key for c in clusters if _open_at(c.first_seen_at, c.removed_at, moment)}
    failing = [
        i
        for i in intervals
        if i.key.cluster in present
        and i.waived_by is None
        and i.severity >= min_severity
        and _open_at(i.opened_at, i.resolved_at, moment)
    ]
    noncompliant = {i.key.cluster for i in failing}
    return DayCompliance(
        day=moment.date(),
        clusters=len(present),
        compliant=len(present - noncompliant),
        open_findings=len(failing),
    )


def last_version_changes(connection: Connection) -> dict[str, datetime]:
    """Per cluster, when its latest `cluster.version_changed` event happened (wave soak)."""
    rows = connection.execute(
        select(EventRow.cluster, func.max(EventRow.at))
        .where(EventRow.type == EventType.VERSION_CHANGED.value, EventRow.cluster.is_not(None))
        .group_by(EventRow.cluster)
    ).all()
    return {str(cluster): _aware(at) for cluster, at in rows}


def _aware(value: object) -> datetime:
    # `max()` keeps the column's type, so the value is normally already an aware datetime.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
