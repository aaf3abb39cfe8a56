"""`StoreCollector`: the Prometheus families, read from the store at every scrape.

Every `collect()` reads the present clusters, the open findings, the sources' health and the
outbox counts (`kubedrift.store.metrics_read`): a cluster that leaves the store leaves
`/metrics` at the next scrape. The per-cluster families change only when a cycle is saved
(the store revision moves) or the plan changes, so they are kept between scrapes and built
again only then; the time left to end of support is taken at every scrape's `now`.
Per-cluster families have one series per cluster; findings are counted by severity, rule
and waiver, never per cluster x rule x component.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from kubedrift.calendar import ReleaseCalendar
from kubedrift.metrics.figures import FLAGGING, ClusterFigures, cluster_figures
from kubedrift.metrics.text import FleetText, remaining_family, render
from kubedrift.model.plan import VersionPlan
from kubedrift.model.reconcile import SourceState
from kubedrift.store import OutboxStat, OutboxStatus, Store, StoreError
from kubedrift.store.metrics_read import FindingCount, FleetView, read_metrics_view

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreCollector(Collector):
    """Reads `store` on every `collect()`; `plan()` is the plan in force (None: no plan, no
    cluster has a group), `clock()` the time relative figures (ages, time left) are taken at."""

    def __init__(
        self,
        store: Store,
        plan: Callable[[], VersionPlan | None],
        calendar: ReleaseCalendar,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.plan = plan
        self.calendar = calendar
        self.clock = clock
        self._cached: _Fleet | None = None
        # One scrape's work at a time: a scrape that comes while the daemon warms the
        # metrics (or while another scrape figures a new revision) waits for that work and
        # serves its result instead of doing it again.
        self._working = threading.Lock()

    def describe(self) -> Iterable[Metric]:
        # Nothing at registration: prometheus_client would otherwise call collect() (a
        # store read) when the collector is registered.
        return ()

    def collect(self) -> Iterable[Metric]:
        with self._working:
            scrape = self._scrape()
        yield scrape.up
        if scrape.fleet is None:
            return
        yield from scrape.fleet.fixed
        yield remaining_family(scrape.fleet.ends, scrape.now)
        yield from scrape.rest

    def exposition(self) -> bytes:
        """What `generate_latest` writes for this collector alone, byte for byte, with the
        fixed per-cluster families written once per store revision (`metrics.text`)."""
        with self._working:
            scrape = self._scrape()
            if scrape.fleet is None:
                return render([scrape.up])
            fleet = scrape.fleet
            if fleet.text is None:
                fleet.text = FleetText(fleet.fixed, fleet.ends)
            text = fleet.text
        parts = (text.fixed, text.remaining(scrape.now), render(scrape.rest))
        return render([scrape.up]) + b"".join(parts)

    def warm(self) -> None:
        """Do a scrape's work now, so the next scrape serves kept text: the daemon calls it
        when it starts and after each saved cycle, taking the figuring and formatting of a
        new store revision (about 0.7 s at 10,000 clusters) off the scrape path. A scrape
        that comes meanwhile waits for it rather than doing the same work beside it."""
        self.exposition()

    @property
    def kept_revision(self) -> int | None:
        """The store revision whose per-cluster families' text is kept (None: none yet)."""
        cached = self._cached
        if cached is None or cached.text is None:
            return None
        return cached.view.revision

    def _scrape(self) -> _Scrape:
        up = GaugeMetricFamily(
            "kubedrift_store_up",
            "1 when this scrape could read the store; 0 when it could not, and then no other "
            "store-backed kubedrift metric is exported.",
        )
        cached = self._cached
        try:
            now = self.clock()
            view = read_metrics_view(self.store, FLAGGING, cached.view if cached else None)
        except (StoreError, SQLAlchemyError) as exc:
            # A scrape still answers: an unreadable store is a figure an alert can match,
            # not a 500 that looks like the daemon being down.
            log.warning("metrics: cannot read the store", extra={"error": str(exc)})
            up.add_metric([], 0.0)
            return _Scrape(up, None, (), 0.0)
        up.add_metric([], 1.0)
        plan = self.plan()
        if cached is not None and cached.plan is plan and cached.view.same_as(view.fleet):
            # A cycle was saved, but what the metrics show of the fleet did not change.
            cached.view = view.fleet
        if cached is None or cached.view is not view.fleet or cached.plan is not plan:
            # A saved cycle or a new plan: figure the fleet again. Otherwise the families of
            # the last scrape are still exact, and only the time left to end of support moves.
            figures = cluster_figures(view.clusters, view.flagged, plan, self.calendar, now)
            cached = self._cached = _Fleet(
                view.fleet,
                plan,
                (*_cluster_families(figures), _finding_family(view.findings)),
                tuple((f.key, f.support_ends_at) for f in figures if f.support_ends_at is not None),
            )
        rest = (*_source_families(view.sources), *_outbox_families(view.outbox, view.resent, now))
        return _Scrape(up, cached, rest, now.timestamp())


@dataclass
class _Fleet:
    """What one store revision and plan determine, kept between scrapes."""

    view: FleetView
    plan: VersionPlan | None
    fixed: tuple[Metric, ...]
    # (cluster key, Unix time its support ends): the one figure a scrape's `now` moves.
    ends: tuple[tuple[str, float], ...]
    text: FleetText | None = None  # written at the first `exposition()`


@dataclass(frozen=True)
class _Scrape:
    up: Metric
    fleet: _Fleet | None  # None: the store could not be read
    rest: tuple[Metric, ...]
    now: float


def _cluster_families(figures: Sequence[ClusterFigures]) -> Iterator[Metric]:
    info = GaugeMetricFamily(
        "kubedrift_cluster_info",
        "Present clusters (always 1): identity, control-plane version and plan group "
        "(empty when no group selects the cluster).",
        labels=["cluster", "name", "provider", "region", "version", "group"],
    )
    behind = GaugeMetricFamily(
        "kubedrift_cluster_minor_versions_behind",
        "Minor versions the control plane trails its group's target by (0: on target or "
        "ahead); absent when the cluster has no group, no known version or no minor count.",
        labels=["cluster"],
    )
    compliant = GaugeMetricFamily(
        "kubedrift_cluster_compliant",
        "1 when the cluster has no open, unwaived finding of low severity or above, else 0.",
        labels=["cluster"],
    )
    for f in figures:
        info.add_metric([f.key, f.name, f.provider, f.region, f.version, f.group], 1.0)
        if f.minors_behind is not None:
            behind.add_metric([f.key], float(f.minors_behind))
        compliant.add_metric([f.key], 1.0 if f.compliant else 0.0)
    yield from (info, behind, compliant)


def _finding_family(counts: Iterable[FindingCount]) -> Metric:
    family = GaugeMetricFamily(
        "kubedrift_open_findings",
        "Open findings in the fleet by severity, rule and whether a waiver covers them "
        "(waived true/false); findings of clusters whose source is failing included.",
        labels=["severity", "rule", "waived"],
    )
    for c in sorted(counts, key=lambda c: (c.severity.rank, c.rule, c.waived)):
        family.add_metric([c.severity.value, c.rule, str(c.waived).lower()], float(c.count))
    return family


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


def _outbox_families(
    stats: Iterable[OutboxStat], resent: Mapping[str, int], now: datetime
) -> Iterator[Metric]:
    by_sink: dict[str, dict[OutboxStatus, OutboxStat]] = {}
    for stat in stats:
        by_sink.setdefault(stat.sink, {})[stat.status] = stat
    notifications = GaugeMetricFamily(
        "kubedrift_notifications",
        "Outbox rows by sink and outcome: pending (not delivered yet, retries included), "
        "held (waiting out a route's quiet hours), delivered (until pruned), dead (given "
        "up; kept until a human looks).",
        labels=["sink", "outcome"],
    )
    depth = GaugeMetricFamily(
        "kubedrift_outbox_depth",
        "Notifications waiting to be delivered, per sink (its pending outbox rows).",
        labels=["sink"],
    )
    age = GaugeMetricFamily(
        "kubedrift_outbox_oldest_age_seconds",
        "Age of the sink's oldest pending notification (0 when none is pending).",
        labels=["sink"],
    )
    duplicates = GaugeMetricFamily(
        "kubedrift_notifications_possibly_duplicated",
        "Delivered outbox rows (until pruned) an earlier attempt of which ended unrecorded "
        "(the daemon died, or its claim ran out, mid-delivery): the sink may show them twice, "
        "unless it could look back first (Slack bot mode checks the channel history).",
        labels=["sink"],
    )
    for sink, mine in sorted(by_sink.items()):
        duplicates.add_metric([sink], float(resent.get(sink, 0)))
        # Every outcome per sink, 0 when none: sums and alerts see a 0, not a gap, once a
        # sink's rows are all delivered or pruned.
        for status in OutboxStatus:
            found = mine.get(status)
            notifications.add_metric([sink, status.value], float(found.count if found else 0))
        pending = mine.get(OutboxStatus.PENDING)
        depth.add_metric([sink], float(pending.count if pending else 0))
        oldest = pending.oldest_created_at if pending else None
        age.add_metric([sink], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    yield from (notifications, depth, age, duplicates)
