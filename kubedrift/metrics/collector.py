"""`StoreCollector`: the Prometheus families, read from the store at every scrape.

Every `collect()` reads the present clusters' last inventories, the open drift states, the
sources' health and the outbox counts, and builds the families afresh: a cluster that leaves
the store leaves `/metrics` at the next scrape. Per-cluster families have one series per
cluster; findings are counted by severity and rule, never per cluster x rule x component.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from kubedrift.calendar import ReleaseCalendar
from kubedrift.metrics.figures import ClusterFigures, cluster_figures
from kubedrift.model.events import DriftState
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan
from kubedrift.model.reconcile import SourceState
from kubedrift.store.errors import StoreError
from kubedrift.store.records import OutboxStat
from kubedrift.store.tables import OutboxStatus

log = logging.getLogger(__name__)

# Outbox statuses always exported per sink (0 when none), so `sum` and alerts see a 0, not
# a missing series, once a sink's rows are all delivered or pruned.
_STATUSES = tuple(OutboxStatus)


class MetricsStore(Protocol):
    """What the collector reads from `kubedrift.store.Store`."""

    def open_states(self) -> Sequence[DriftState]: ...
    def latest_inventories(self) -> Mapping[str, ClusterInventory]: ...
    def source_states(self) -> Mapping[str, SourceState]: ...
    def outbox_stats(self) -> Sequence[OutboxStat]: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreCollector(Collector):
    """Reads `store` on every `collect()`; `plan()` is the plan in force (None: no plan,
    every cluster is out of plan), `clock()` the time the relative figures are taken at."""

    def __init__(
        self,
        store: MetricsStore,
        plan: Callable[[], VersionPlan | None],
        calendar: ReleaseCalendar,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.plan = plan
        self.calendar = calendar
        self.clock = clock

    def describe(self) -> Iterable[Metric]:
        # Nothing at registration: describing would mean a store read when the registry is
        # built (prometheus_client calls collect() when describe is missing).
        return ()

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "kubedrift_store_up",
            "1 when the last scrape could read the store, 0 when it could not (then no other "
            "kubedrift_* store metric is exported).",
        )
        try:
            now = self.clock()
            inventories = self.store.latest_inventories()
            states = self.store.open_states()
            sources = self.store.source_states()
            outbox = self.store.outbox_stats()
        except (StoreError, SQLAlchemyError) as exc:
            # A scrape must still answer: an unreadable store is a figure (store_up 0) that
            # an alert can match, not a 500 that looks like the daemon being down.
            log.warning("metrics: cannot read the store", extra={"error": str(exc)})
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        figures = cluster_figures(inventories.values(), states, self.plan(), self.calendar, now)
        yield from _cluster_families(figures)
        yield from _finding_families(states)
        yield from _source_families(sources.values())
        yield from _outbox_families(outbox, now)


def _cluster_families(figures: Sequence[ClusterFigures]) -> Iterator[Metric]:
    info = GaugeMetricFamily(
        "kubedrift_cluster_info",
        "Present clusters (always 1): identity, control-plane version and plan group "
        "(empty when no group selects the cluster) with the group's owner.",
        labels=["cluster", "name", "provider", "region", "source", "version", "group", "owner"],
    )
    behind = GaugeMetricFamily(
        "kubedrift_cluster_minor_versions_behind",
        "Minor versions the control plane trails its group's target by (0: on target or "
        "ahead); absent when the cluster has no group, no known version or no minor count.",
        labels=["cluster"],
    )
    remaining = GaugeMetricFamily(
        "kubedrift_cluster_support_remaining_seconds",
        "Seconds until the control plane's minor reaches end of standard support (negative "
        "once past); absent when no calendar or provider metadata dates it.",
        labels=["cluster"],
    )
    compliant = GaugeMetricFamily(
        "kubedrift_cluster_compliant",
        "1 when the cluster has no open, unwaived finding at low severity or above, else 0.",
        labels=["cluster"],
    )
    for f in figures:
        info.add_metric(
            [f.key, f.name, f.provider, f.region, f.source, f.version, f.group, f.owner], 1.0
        )
        if f.minors_behind is not None:
            behind.add_metric([f.key], float(f.minors_behind))
        if f.support_remaining_seconds is not None:
            remaining.add_metric([f.key], f.support_remaining_seconds)
        compliant.add_metric([f.key], 1.0 if f.compliant else 0.0)
    yield from (info, behind, remaining, compliant)


def _finding_families(states: Iterable[DriftState]) -> Iterator[Metric]:
    counts: dict[tuple[str, str, str], int] = {}
    for state in states:
        labels = (
            state.severity.value,
            state.key.rule,
            "true" if state.waived_by is not None else "false",
        )
        counts[labels] = counts.get(labels, 0) + 1
    family = GaugeMetricFamily(
        "kubedrift_open_findings",
        "Open findings (drift states) in the whole fleet, by severity, rule and whether a "
        "waiver covers them; stale ones (source failing) included.",
        labels=["severity", "rule", "waived"],
    )
    for labels, count in sorted(counts.items()):
        family.add_metric(list(labels), float(count))
    yield family


def _source_families(sources: Iterable[SourceState]) -> Iterator[Metric]:
    success = GaugeMetricFamily(
        "kubedrift_source_last_success_timestamp_seconds",
        "Unix time of the source's last successful collection; absent until it has one.",
        labels=["source"],
    )
    failures = GaugeMetricFamily(
        "kubedrift_source_consecutive_failures",
        "Failed collections of the source in a row (0 when its last collection succeeded).",
        labels=["source"],
    )
    for state in sorted(sources, key=lambda s: s.source):
        if state.last_success_at is not None:
            success.add_metric([state.source], state.last_success_at.timestamp())
        failures.add_metric([state.source], float(state.failures))
    yield from (success, failures)


def _outbox_families(stats: Iterable[OutboxStat], now: datetime) -> Iterator[Metric]:
    by_sink: dict[str, dict[OutboxStatus, OutboxStat]] = {}
    for stat in stats:
        by_sink.setdefault(stat.sink, {})[stat.status] = stat
    notifications = GaugeMetricFamily(
        "kubedrift_notifications",
        "Outbox rows by sink and outcome: pending (not yet delivered, retries included), "
        "delivered (until pruned), dead (given up; kept until a human looks).",
        labels=["sink", "outcome"],
    )
    depth = GaugeMetricFamily(
        "kubedrift_outbox_depth",
        "Notifications waiting to be delivered, per sink (the pending outbox rows).",
        labels=["sink"],
    )
    age = GaugeMetricFamily(
        "kubedrift_outbox_oldest_age_seconds",
        "Age of the sink's oldest pending notification (0 when none is pending).",
        labels=["sink"],
    )
    for sink, mine in sorted(by_sink.items()):
        for status in _STATUSES:
            found = mine.get(status)
            notifications.add_metric([sink, status.value], float(found.count if found else 0))
        pending = mine.get(OutboxStatus.PENDING)
        depth.add_metric([sink], float(pending.count if pending else 0))
        oldest = pending.oldest_created_at if pending else None
        age.add_metric([sink], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    yield from (notifications, depth, age)
