"""One cycle of the daemon: collect the due sources -> evaluate -> reconcile -> save.

`Cycles.scan(names)` collects the named sources (all when None), evaluates the plan on what
was collected, reconciles with the stored states and saves the outcome in one store
transaction. `Cycles.reevaluate()` is the plan-change path: no collection, the stored
inventories of clusters that are not stale are evaluated again and reconciled with
`sources=()` (no source judged, no cluster removed; see docs/drift.md).

Time and leadership are injected: `clock` gives every cycle its `now`, and `is_leader`
decides whether this replica may collect and write at all. Collection runs outside the
lock (it is the slow part, and sources run on their own schedules side by side);
read-states -> reconcile -> save runs under it, because each save replaces the complete
state maps the next reconcile starts from. Those maps are kept from the last save, with the
store revision it moved to: the next cycle reads them again only when another save (another
replica's) moved the revision since, instead of reading the whole fleet's open states, version
snapshots and source states once per source and cycle.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from kubedrift.calendar import ReleaseCalendar
from kubedrift.collectors.runner import Source, collect_all, collect_cluster
from kubedrift.drift import reconcile
from kubedrift.model.events import DriftEvent, DriftState
from kubedrift.model.inventory import ClusterInventory, ClusterRef, Collected, CollectionFailed
from kubedrift.model.plan import VersionPlan
from kubedrift.model.reconcile import ReconcileResult, SourceState, VersionSnapshot
from kubedrift.policies.engine import evaluate

if TYPE_CHECKING:
    # The store's own alias: a cycle hands its sinks straight to `save_cycle`.
    from kubedrift.store.save_events import Sinks

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Result = Collected | CollectionFailed
CycleKind = Literal["scan", "reevaluate"]
# Which sinks an event's outbox rows go to: the same for all, or per event (routes).


class CycleStore(Protocol):
    """What a cycle needs from `kubedrift.store.Store`."""

    def revision(self) -> int: ...
    def open_states(self) -> Sequence[DriftState]: ...
    def snapshots(self) -> Mapping[str, VersionSnapshot]: ...
    def source_states(self) -> Mapping[str, SourceState]: ...
    def latest_inventories(self) -> Mapping[str, ClusterInventory]: ...
    def save_cycle(
        self,
        result: ReconcileResult,
        inventories: Iterable[ClusterInventory],
        sinks: Sinks,
        now: datetime,
    ) -> SavedCycle: ...


class SavedCycle(Protocol):
    """What a cycle reads of what `save_cycle` returns."""

    @property
    def revision(self) -> int: ...


@dataclass(frozen=True)
class StoredMaps:
    """The maps a cycle starts from (open states, version snapshots, source states), as of
    store revision `revision`."""

    revision: int
    states: Sequence[DriftState]
    snapshots: Mapping[str, VersionSnapshot]
    sources: Mapping[str, SourceState]


@dataclass(frozen=True)
class CycleReport:
    """What one cycle did; `skipped` says why it did nothing (not the leader)."""

    kind: CycleKind
    at: datetime
    sources: tuple[str, ...] = ()
    collected: int = 0
    failures: tuple[CollectionFailed, ...] = ()
    events: tuple[DriftEvent, ...] = ()
    seconds: float = 0.0
    skipped: str | None = None


def always() -> bool:
    """The leader predicate of a replica that is alone."""
    return True


@dataclass
class Cycles:
    """Runs cycles against one store; see the module docstring. Thread-safe."""

    store: CycleStore
    sources: Mapping[str, Source]
    plan: Callable[[], VersionPlan]
    calendar: ReleaseCalendar
    clock: Clock
    is_leader: Callable[[], bool] = always
    sinks: Sinks = ()
    # Called after every cycle, skipped ones included (readiness, metrics).
    on_cycle: Callable[[CycleReport], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # What the last save left in the store (see the module docstring).
    _kept: StoredMaps | None = field(default=None, repr=False)

    def scan(self, names: Iterable[str] | None = None) -> CycleReport:
        """Collect `names` (every source when None) and save what the cycle concludes."""
        chosen = tuple(self.sources) if names is None else tuple(dict.fromkeys(names))
        unknown = [n for n in chosen if n not in self.sources]
        if unknown:
            raise KeyError(f"no source named {', '.join(unknown)}")
        started = time.monotonic()
        if not self.is_leader():
            return self._done(CycleReport("scan", self.clock(), chosen, skipped="not the leader"))
        results = collect_all([self.sources[name] for name in chosen], clock=self.clock)
        inventories = [r.inventory for r in results if isinstance(r, Collected)]
        failures = tuple(r for r in results if isinstance(r, CollectionFailed))
        with self._lock:
            # Leadership can be lost while collecting: a former leader must not write.
            if not self.is_leader():
                report = CycleReport("scan", self.clock(), chosen, skipped="leadership lost")
                return self._done(report)
            now = self.clock()
            outcome = self._reconcile_and_save(
                inventories, results, now, sources=chosen, saved=inventories
            )
        report = CycleReport(
            "scan",
            now,
            chosen,
            collected=len(inventories),
            failures=failures,
            events=outcome.events,
            seconds=time.monotonic() - started,
        )
        return self._done(report)

    def scan_cluster(self, source: str, cluster: ClusterRef) -> CycleReport:
        """Collect one cluster of `source` (a node-watch trigger) and save what it concludes:
        no discovery, so no source is judged and no other cluster is touched."""
        started = time.monotonic()
        if not self.is_leader():
            return self._done(
                CycleReport("scan", self.clock(), (source,), skipped="not the leader")
            )
        result = collect_cluster(self.sources[source], cluster, clock=self.clock)
        inventories = [result.inventory] if isinstance(result, Collected) else []
        with self._lock:
            if not self.is_leader():
                report = CycleReport("scan", self.clock(), skipped="leadership lost")
                return self._done(report)
            now = self.clock()
            # sources=(): results count per cluster only (see `reconcile`); a failure marks
            # this cluster's states stale, as the same failure in a scan would.
            outcome = self._reconcile_and_save(
                inventories, [result], now, sources=(), saved=inventories
            )
        # No `sources` in the report: one cluster is not a scan of its source (readiness).
        report = CycleReport(
            "scan",
            now,
            collected=len(inventories),
            failures=() if isinstance(result, Collected) else (result,),
            events=outcome.events,
            seconds=time.monotonic() - started,
        )
        return self._done(report)

    def reevaluate(self) -> CycleReport:
        """Evaluate the current plan on the stored inventories; no source is contacted."""
        started = time.monotonic()
        if not self.is_leader():
            return self._done(CycleReport("reevaluate", self.clock(), skipped="not the leader"))
        with self._lock:
            now = self.clock()
            stored = self._stored()
            states = stored.states
            failing = {name for name, s in stored.sources.items() if s.failing}
            # Unknown is not resolved: a cluster whose last collection failed keeps its
            # states as they are until it is looked at again.
            stale = {state.key.cluster for state in states if state.stale}
            inventories = [
                inventory
                for inventory in self.store.latest_inventories().values()
                if inventory.key not in stale and inventory.source not in failing
            ]
            results: list[Result] = [Collected(inventory=i) for i in inventories]
            outcome = self._reconcile_and_save(
                inventories, results, now, sources=(), saved=(), stored=stored
            )
        report = CycleReport(
            "reevaluate",
            now,
            collected=len(inventories),
            events=outcome.events,
            seconds=time.monotonic() - started,
        )
        return self._done(report)

    def _reconcile_and_save(
        self,
        inventories: Sequence[ClusterInventory],
        results: Sequence[Result],
        now: datetime,
        *,
        sources: Sequence[str],
        saved: Sequence[ClusterInventory],
        stored: StoredMaps | None = None,
    ) -> ReconcileResult:
        # Collection failures stay out of the findings (docs/drift.md): they reach
        # reconcile as results and become stale states and `source.failed`.
        findings = evaluate(self.plan(), inventories, now, self.calendar)
        stored = stored or self._stored()
        outcome = reconcile(
            stored.states,
            findings,
            results,
            now,
            sources=sources,
            snapshots=stored.snapshots,
            source_states=stored.sources,
        )
        revision = self.store.save_cycle(outcome, saved, self.sinks, now).revision
        self._kept = StoredMaps(revision, outcome.states, outcome.snapshots, outcome.sources)
        return outcome

    def _stored(self) -> StoredMaps:
        """The maps the last save left, or the store's when another save moved it since."""
        kept = self._kept
        revision = self.store.revision()
        if kept is not None and kept.revision == revision:
            return kept
        return StoredMaps(
            revision,
            self.store.open_states(),
            self.store.snapshots(),
            self.store.source_states(),
        )

    def _done(self, report: CycleReport) -> CycleReport:
        _log_report(report)
        if self.on_cycle is not None:
            self.on_cycle(report)
        return report


def _log_report(report: CycleReport) -> None:
    if report.skipped is not None:
        log.info("cycle skipped: %s", report.skipped, extra={"kind": report.kind})
        return
    for event in report.events:
        log.info(
            "%s: %s",
            event.type.value,
            event.summary,
            extra={
                "event": event.type.value,
                "event_id": event.id,
                "cluster": event.cluster,
                "source": event.source,
                "rule": event.finding.rule if event.finding is not None else None,
            },
        )
    log.info(
        "%s cycle done: %d clusters, %d failures, %d events in %.2fs",
        report.kind,
        report.collected,
        len(report.failures),
        len(report.events),
        report.seconds,
        extra={"kind": report.kind, "sources": ",".join(report.sources)},
    )
