"""Compliance samples, trends, time in drift and time to resolve, from finding intervals.

A cluster is sampled at the last instant of every UTC day (and at the end of a last, partial
day): it is *compliant* then when none of its counted findings is open. Counted: severity at
or above the threshold, not waived (a finding's latest `waived_by` decides, as in the store),
and not the `waiver-expiring` reminder, which is about a waiver, not about the cluster.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from kubedrift.drift import WAIVER_EXPIRING_RULE
from kubedrift.model.events import ResolveReason
from kubedrift.model.findings import FindingKey, Severity
from kubedrift.report.data.models import Resolution, Score, TimeInDrift, TrendPoint, TrendSeries

HOUR = timedelta(hours=1)
WEEK = timedelta(days=7)
TICK = timedelta(microseconds=1)


class IntervalRow(Protocol):
    """One opening of a finding, as the store's history returns it (`FindingInterval`)."""

    @property
    def key(self) -> FindingKey: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def summary(self) -> str: ...
    @property
    def waived_by(self) -> str | None: ...
    @property
    def opened_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def resolved_reason(self) -> ResolveReason | None: ...


class SpanRow(Protocol):
    """When a cluster was known, as the store's history returns it (`ClusterSpan`)."""

    @property
    def key(self) -> str: ...
    @property
    def first_seen_at(self) -> datetime: ...
    @property
    def removed_at(self) -> datetime | None: ...


def counted(interval: IntervalRow, min_severity: Severity) -> bool:
    return (
        interval.waived_by is None
        and interval.severity >= min_severity
        and interval.key.rule != WAIVER_EXPIRING_RULE
    )


def _open_at(start: datetime, stop: datetime | None, moment: datetime) -> bool:
    return start <= moment and (stop is None or stop > moment)


def sample_moments(start: datetime, until: datetime) -> list[datetime]:
    """The last instant of every UTC day from `start`'s day to `until` (capped at `until`),
    the same day ends the store's daily compliance uses."""
    day = start.astimezone(UTC).date()
    moments = []
    while True:
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        moments.append(min(end, until) - TICK)
        if end >= until:
            return moments
        day += timedelta(days=1)


@dataclass(frozen=True)
class Samples:
    """Per sample moment, the present clusters and whether each was compliant."""

    moments: tuple[datetime, ...]
    states: tuple[Mapping[str, bool], ...]

    def score(self, start: datetime, end: datetime, member: Callable[[str], bool]) -> Score:
        compliant = total = 0
        for moment, state in zip(self.moments, self.states, strict=True):
            if start <= moment < end:
                for cluster, ok in state.items():
                    if member(cluster):
                        total += 1
                        compliant += ok
        return Score(compliant=compliant, total=total)


def take_samples(
    intervals: Sequence[IntervalRow],
    spans: Sequence[SpanRow],
    start: datetime,
    until: datetime,
    min_severity: Severity,
) -> Samples:
    by_cluster: dict[str, list[IntervalRow]] = defaultdict(list)
    for interval in intervals:
        if counted(interval, min_severity):
            by_cluster[interval.key.cluster].append(interval)
    moments = sample_moments(start, until)
    states = []
    for moment in moments:
        states.append(
            {
                span.key: not any(
                    _open_at(i.opened_at, i.resolved_at, moment) for i in by_cluster[span.key]
                )
                for span in spans
                if _open_at(span.first_seen_at, span.removed_at, moment)
            }
        )
    return Samples(moments=tuple(moments), states=tuple(states))


def trend(
    samples: Samples,
    until: datetime,
    weeks: int,
    name: str,
    member: Callable[[str], bool],
    *,
    owner: str | None = None,
) -> TrendSeries:
    """Weekly scores of the `weeks` weeks that end at `until`, oldest first."""
    points = []
    for back in range(weeks, 0, -1):
        start, end = until - back * WEEK, until - (back - 1) * WEEK
        points.append(TrendPoint(start=start, end=end, score=samples.score(start, end, member)))
    return TrendSeries(name=name, owner=owner, points=tuple(points))


def _clip(
    start: datetime, stop: datetime | None, lo: datetime, hi: datetime
) -> tuple[datetime, datetime] | None:
    begin, finish = max(start, lo), min(stop or hi, hi)
    return (begin, finish) if begin < finish else None


def _union_length(pieces: Iterable[tuple[datetime, datetime]]) -> timedelta:
    length, reach = timedelta(), None
    for start, finish in sorted(pieces):
        begin = start if reach is None else max(start, reach)
        if finish > begin:
            length += finish - begin
        reach = finish if reach is None else max(reach, finish)
    return length


def time_in_drift(
    intervals: Sequence[IntervalRow],
    spans: Sequence[SpanRow],
    since: datetime,
    until: datetime,
    min_severity: Severity,
) -> dict[str, TimeInDrift]:
    """Per cluster: hours inside [since, until) while it was known, and of those the hours
    with at least one counted finding open (overlapping findings count once)."""
    result = {}
    for span in spans:
        known = _clip(span.first_seen_at, span.removed_at, since, until)
        if known is None:
            continue
        pieces = [
            piece
            for i in intervals
            if i.key.cluster == span.key and counted(i, min_severity)
            if (piece := _clip(i.opened_at, i.resolved_at, *known)) is not None
        ]
        result[span.key] = TimeInDrift(
            drift_hours=_union_length(pieces) / HOUR, cluster_hours=(known[1] - known[0]) / HOUR
        )
    return result


def total(parts: Iterable[TimeInDrift]) -> TimeInDrift:
    drift = cluster = 0.0
    for part in parts:
        drift += part.drift_hours
        cluster += part.cluster_hours
    return TimeInDrift(drift_hours=drift, cluster_hours=cluster)


def resolution(
    intervals: Sequence[IntervalRow], since: datetime, until: datetime, min_severity: Severity
) -> Resolution:
    """Counted findings resolved inside the window because they were gone from a collected
    cluster: their whole open time (from `opened_at`, even before the window) in hours."""
    closed = [
        i
        for i in intervals
        if counted(i, min_severity) and i.resolved_at is not None and since <= i.resolved_at < until
    ]
    hours = [
        (i.resolved_at - i.opened_at) / HOUR
        for i in closed
        if i.resolved_at is not None and i.resolved_reason is not ResolveReason.CLUSTER_REMOVED
    ]
    return Resolution(
        resolved=len(hours),
        mean_hours=statistics.fmean(hours) if hours else None,
        median_hours=statistics.median(hours) if hours else None,
        removed=len(closed) - len(hours),
    )
