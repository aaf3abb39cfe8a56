"""Figures of the fleet as it is now: versions, end-of-support forecast, open drift per team,
expiring waivers, upgrades and collection health.

The store keeps the current inventory of each present cluster, so versions and the forecast
describe the fleet as last collected, not as it was at `until` of an older window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from kubedrift.calendar import ReleaseCalendar
from kubedrift.model.events import DriftEvent, DriftState, EventType
from kubedrift.model.inventory import ClusterInventory, Platform
from kubedrift.model.plan import ClusterGroup, VersionPlan
from kubedrift.model.reconcile import SourceState
from kubedrift.model.support import SupportWindow
from kubedrift.policies.platform_lag import end_of_maintenance
from kubedrift.report.data.compliance import HOUR, TICK, IntervalRow
from kubedrift.report.data.models import (
    BUCKETS,
    Bucket,
    ExpiringWaiver,
    Forecast,
    ForecastCluster,
    Health,
    OpenFinding,
    SourceHealth,
    Upgrade,
    VersionCount,
)
from kubedrift.versions import KubeVersion

WAIVER_HORIZON_DAYS = 30
UNSEEN_AFTER = timedelta(hours=24)


def groups_of(
    plan: VersionPlan | None, inventories: Mapping[str, ClusterInventory]
) -> dict[str, ClusterGroup]:
    """Each present cluster's plan group (the first whose selector matches). Clusters that are
    gone have no inventory left to match labels on, so they have no group."""
    if plan is None:
        return {}
    found = {key: plan.group_for(inv) for key, inv in inventories.items()}
    return {key: group for key, group in found.items() if group is not None}


def _oldest_apiserver(inventory: ClusterInventory) -> KubeVersion | None:
    versions = inventory.control_plane.apiserver_versions()
    return min(versions) if versions else None


def versions(inventories: Mapping[str, ClusterInventory]) -> tuple[VersionCount, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    for inventory in inventories.values():
        version = _oldest_apiserver(inventory)
        minor = str(version.minor_version) if version is not None else "unknown"
        counts[(inventory.provider, minor)] += 1

    def order(item: tuple[str, str]) -> tuple[str, int, tuple[int, ...]]:
        provider, minor = item
        known = minor != "unknown"
        return (provider, 0 if known else 1, tuple(map(int, minor.split("."))) if known else ())

    return tuple(
        VersionCount(provider=p, minor=m, clusters=counts[(p, m)])
        for p, m in sorted(counts, key=order)
    )


def _bucket(days: int | None) -> Bucket:
    if days is None:
        return "unknown"
    if days <= 0:
        return "ended"
    for limit, name in ((30, "30"), (90, "90"), (180, "180")):
        if days <= limit:
            return name  # type: ignore[return-value]
    return "later"


def _window(
    inventory: ClusterInventory,
    version: KubeVersion,
    group: ClusterGroup | None,
    calendar: ReleaseCalendar,
) -> SupportWindow | None:
    # The same choice as the end-of-support rule: live provider metadata for this minor first,
    # then the calendar the group's plan names (the provider's by default).
    live = inventory.control_plane.support
    if live is not None and live.key == (version.major, version.minor):
        return live
    which = group.target.end_of_support.calendar if group is not None else "provider"
    return calendar.window(inventory.provider if which == "provider" else "upstream", version)


def forecast(
    inventories: Mapping[str, ClusterInventory],
    groups: Mapping[str, ClusterGroup],
    calendar: ReleaseCalendar,
    today: date,
) -> Forecast:
    rows = []
    for key, inventory in sorted(inventories.items()):
        group = groups.get(key)
        version = _oldest_apiserver(inventory)
        if inventory.platform != Platform.KUBERNETES:
            # Swarm / Mesos: the end of maintenance of the release line, when a source gives it.
            published = end_of_maintenance(inventory.platform, version) if version else None
            ends = published
        else:
            window = _window(inventory, version, group, calendar) if version is not None else None
            milestone = window.end_of_support if window is not None else None
            published = milestone.known() if milestone is not None else None
            ends = published or (milestone.known(use_estimates=True) if milestone else None)
        days = (ends - today).days if ends is not None else None
        rows.append(
            ForecastCluster(
                cluster=key,
                provider=inventory.provider,
                minor=str(version.minor_version) if version is not None else "unknown",
                ends=ends,
                days=days,
                estimated=ends is not None and published is None,
                bucket=_bucket(days),
                group=group.name if group else None,
                owner=group.owner if group else None,
            )
        )
    counts: dict[Bucket, int] = dict.fromkeys(BUCKETS, 0)
    for row in rows:
        counts[row.bucket] += 1
    listed = sorted(
        (r for r in rows if r.bucket != "later"),
        key=lambda r: (r.days is None, r.days if r.days is not None else 0, r.cluster),
    )
    return Forecast(counts=counts, clusters=tuple(listed))


def open_findings(
    intervals: Sequence[IntervalRow],
    open_states: Sequence[DriftState],
    groups: Mapping[str, ClusterGroup],
    until: datetime,
) -> list[tuple[IntervalRow, OpenFinding]]:
    """Every finding open at the end of the window (waived ones too; callers filter)."""
    moment = until - TICK
    stale = {str(s.key) for s in open_states if s.stale}
    found = []
    for i in intervals:
        if i.opened_at <= moment and (i.resolved_at is None or i.resolved_at > moment):
            group = groups.get(i.key.cluster)
            found.append(
                (
                    i,
                    OpenFinding(
                        cluster=i.key.cluster,
                        rule=i.key.rule,
                        component=i.key.component,
                        severity=i.severity,
                        summary=i.summary,
                        opened_at=i.opened_at,
                        age_hours=(until - i.opened_at) / HOUR,
                        stale=i.resolved_at is None and str(i.key) in stale,
                        group=group.name if group else None,
                        owner=group.owner if group else None,
                    ),
                )
            )
    return found


def waivers(plan: VersionPlan | None, today: date) -> tuple[ExpiringWaiver, ...]:
    """Waivers of the plan that expire within 30 days of `today`, or already have."""
    if plan is None:
        return ()
    rows = [
        ExpiringWaiver(
            id=w.id,
            rule=w.rule,
            owner=w.owner,
            reason=w.reason,
            expires=w.expires,
            days_left=(w.expires - today).days,
            ticket=w.ticket,
        )
        for w in plan.waivers
        if (w.expires - today).days <= WAIVER_HORIZON_DAYS
    ]
    return tuple(sorted(rows, key=lambda w: (w.expires, w.id or "", w.rule)))


def upgrades(events: Sequence[DriftEvent], since: datetime, until: datetime) -> tuple[Upgrade, ...]:
    return tuple(
        Upgrade(cluster=e.cluster or "", at=e.at, changes=dict(sorted(e.detail.items())))
        for e in sorted(events, key=lambda e: (e.at, e.cluster or ""))
        if e.type is EventType.VERSION_CHANGED and since <= e.at < until
    )


def health(
    *,
    sources: Mapping[str, SourceState],
    events: Sequence[DriftEvent],
    open_states: Sequence[DriftState],
    inventories: Mapping[str, ClusterInventory],
    since: datetime,
    until: datetime,
) -> Health:
    outages = Counter(
        e.source
        for e in events
        if e.type is EventType.SOURCE_FAILED and since <= e.at < until and e.source
    )
    rows = tuple(
        SourceHealth(
            source=name,
            failing=state.failing,
            failing_since=state.failing_since,
            failures=state.failures,
            last_reason=state.last_reason.value if state.last_reason else None,
            last_success_at=state.last_success_at,
            outages=outages[name],
        )
        for name, state in sorted(sources.items())
    )
    return Health(
        sources=rows,
        stale_clusters=tuple(sorted({s.key.cluster for s in open_states if s.stale})),
        unseen_clusters=tuple(
            key
            for key, inv in sorted(inventories.items())
            if inv.collected_at < until - UNSEEN_AFTER
        ),
    )
