"""`build_weekly_report`: store rows + window + plan + calendar + `now` -> `WeeklyReport`.

Pure: the caller reads the store (`kubedrift.report.rows.read_rows`) and passes the rows in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kubedrift.calendar import ReleaseCalendar
from kubedrift.model.events import DriftEvent, DriftState
from kubedrift.model.findings import Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import ClusterGroup, VersionPlan
from kubedrift.model.reconcile import SourceState
from kubedrift.report.data import fleet
from kubedrift.report.data.compliance import (
    WEEK,
    IntervalRow,
    Samples,
    SpanRow,
    counted,
    resolution,
    take_samples,
    time_in_drift,
    total,
    trend,
)
from kubedrift.report.data.models import (
    Compliance,
    DayPoint,
    OpenFinding,
    TeamDrift,
    TimeInDrift,
    TrendSeries,
    WeeklyReport,
)

TREND_WEEKS = 12
OLDEST_LISTED = 20


@dataclass(frozen=True)
class ReportRows:
    """What the report reads from the store. `intervals` and `clusters` must cover the trend:
    from `trend_start(since, until)` to `until`; `events` the window."""

    intervals: Sequence[IntervalRow]
    clusters: Sequence[SpanRow]
    events: Sequence[DriftEvent] = ()
    inventories: Mapping[str, ClusterInventory] = field(default_factory=dict)
    sources: Mapping[str, SourceState] = field(default_factory=dict)
    open_states: Sequence[DriftState] = ()


def trend_start(since: datetime, until: datetime) -> datetime:
    """Where the history must begin: 12 weeks before `until`, and one window before `since`
    (for the previous-window score), whichever is earlier."""
    return min(until - TREND_WEEKS * WEEK, since - (until - since))


def build_weekly_report(
    rows: ReportRows,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    plan: VersionPlan | None,
    calendar: ReleaseCalendar,
    min_severity: Severity = Severity.LOW,
) -> WeeklyReport:
    if until <= since:
        raise ValueError("the report needs since < until")
    groups = fleet.groups_of(plan, rows.inventories)
    samples = take_samples(
        rows.intervals, rows.clusters, trend_start(since, until), until, min_severity
    )
    everyone = _member(lambda _key: True)
    fleet_trend = trend(samples, until, TREND_WEEKS, "fleet", everyone)
    providers = sorted({span.key.split("/", 1)[0] for span in rows.clusters})
    provider_trends = tuple(
        trend(samples, until, TREND_WEEKS, p, _provider_is(p)) for p in providers
    )
    group_trends = _group_trends(samples, plan, groups, until)
    in_window = [
        (m, s) for m, s in zip(samples.moments, samples.states, strict=True) if since <= m < until
    ]
    compliance = Compliance(
        score=samples.score(since, until, everyone),
        previous=samples.score(since - (until - since), since, everyone),
        current=samples.score(in_window[-1][0], until, everyone),
        days=tuple(
            DayPoint(day=m.date(), clusters=len(s), compliant=sum(s.values())) for m, s in in_window
        ),
        fleet=fleet_trend,
        providers=provider_trends,
        groups=group_trends,
    )
    drift = time_in_drift(rows.intervals, rows.clusters, since, until, min_severity)
    found = fleet.open_findings(rows.intervals, rows.open_states, groups, until)
    open_counted = [o for i, o in found if counted(i, min_severity)]
    waived = Counter(o.group for i, o in found if i.waived_by is not None)
    return WeeklyReport(
        since=since,
        until=until,
        generated_at=now,
        min_severity=min_severity,
        clusters=len(rows.inventories),
        compliance=compliance,
        versions=fleet.versions(rows.inventories),
        forecast=fleet.forecast(rows.inventories, groups, calendar, until.date()),
        teams=_teams(
            plan=plan,
            groups=groups,
            inventories=rows.inventories,
            open_counted=open_counted,
            waived=waived,
            drift=drift,
        ),
        oldest=tuple(sorted(open_counted, key=lambda o: (o.opened_at, o.cluster, o.rule)))[
            :OLDEST_LISTED
        ],
        time_in_drift=total(drift.values()),
        resolution=resolution(rows.intervals, since, until, min_severity),
        waivers=fleet.waivers(plan, until.date()),
        upgrades=fleet.upgrades(rows.events, since, until),
        health=fleet.health(
            sources=rows.sources,
            events=rows.events,
            open_states=rows.open_states,
            inventories=rows.inventories,
            since=since,
            until=until,
        ),
    )


def _member(test: Callable[[str], bool]) -> Callable[[str], bool]:
    return test


def _provider_is(provider: str) -> Callable[[str], bool]:
    # A cluster key starts with its provider: `tke/ap-shanghai/cls-a`.
    return lambda key: key.split("/", 1)[0] == provider


def _group_is(name: str, groups: Mapping[str, ClusterGroup]) -> Callable[[str], bool]:
    return lambda key: key in groups and groups[key].name == name


def _group_trends(
    samples: Samples, plan: VersionPlan | None, groups: Mapping[str, ClusterGroup], until: datetime
) -> tuple[TrendSeries, ...]:
    if plan is None:
        return ()
    return tuple(
        trend(
            samples,
            until,
            TREND_WEEKS,
            g.name,
            _group_is(g.name, groups),
            owner=g.owner,
        )
        for g in plan.groups
    )


def _teams(
    *,
    plan: VersionPlan | None,
    groups: Mapping[str, ClusterGroup],
    inventories: Mapping[str, ClusterInventory],
    open_counted: Sequence[OpenFinding],
    waived: Counter[str | None],
    drift: Mapping[str, TimeInDrift],
) -> tuple[TeamDrift, ...]:
    """One row per plan group, in plan order, then clusters no group selects (group None)."""
    names: list[str | None] = [g.name for g in plan.groups] if plan else []
    names.append(None)
    owners = {g.name: g.owner for g in plan.groups} if plan else {}
    rows = []
    for name in names:
        members = {k for k in inventories if (groups[k].name if k in groups else None) == name}
        members |= {k for k in drift if k not in inventories and name is None}
        mine = [o for o in open_counted if o.group == name]
        if name is None and not members and not mine:
            continue
        part = total(drift[k] for k in members if k in drift)
        rows.append(
            TeamDrift(
                group=name,
                owner=owners.get(name) if name else None,
                clusters=len(members & set(inventories)),
                open=len(mine),
                by_severity=dict(sorted(Counter(o.severity for o in mine).items(), reverse=True)),
                waived=waived[name],
                oldest_hours=max((o.age_hours for o in mine), default=None),
                drift_hours=part.drift_hours,
                cluster_hours=part.cluster_hours,
            )
        )
    return tuple(rows)
