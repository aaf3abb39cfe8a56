"""What the daemon knows about itself: readiness and two minimal metrics.

`kubedrift_cycles_total{kind,outcome}` and `kubedrift_last_cycle_timestamp_seconds{kind}`
live in the daemon's own registry (one per daemon, so tests and several daemons in one
process never share counters); `/metrics` serves it after the process-wide default
registry. The store-backed metrics proper are `kubedrift.metrics`' job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge

from kubedrift.daemon.cycle import CycleKind, CycleReport


class DaemonStatus:
    """Readiness (every source scanned once) and the cycle metrics; thread-safe."""

    def __init__(self, sources: Iterable[str] = ()) -> None:
        self._unscanned = set(sources)
        self._lock = threading.Lock()
        self.registry = CollectorRegistry(auto_describe=True)
        self.cycles = Counter(
            "kubedrift_cycles",
            "Cycles run by this daemon, by kind (scan, reevaluate) and outcome.",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.last_cycle = Gauge(
            "kubedrift_last_cycle_timestamp_seconds",
            "Unix time (the cycle's own clock) of the last cycle that finished, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self._any_cycle = False
        # The store-backed metrics' text (`StoreCollector.exposition`), served after the
        # registry; None until the daemon wires them.
        self.store_metrics: Callable[[], bytes] | None = None

    @property
    def first_cycle_done(self) -> bool:
        """Whether the first cycle is complete: every source has been scanned once (the
        API would otherwise answer from a partial fleet)."""
        with self._lock:
            return self._any_cycle and not self._unscanned

    def record(self, report: CycleReport) -> None:
        # A replica that is not the leader has done its part once it looked: it serves the
        # API from the store, so it is ready too.
        outcome = "skipped" if report.skipped is not None else "ok"
        self.cycles.labels(kind=report.kind, outcome=outcome).inc()
        if report.skipped is None:
            self.last_cycle.labels(kind=report.kind).set(report.at.timestamp())
        with self._lock:
            self._any_cycle = True
            if report.kind == "scan":
                self._unscanned.difference_update(report.sources)

    def record_error(self, kind: CycleKind) -> None:
        self.cycles.labels(kind=kind, outcome="error").inc()
