"""The daemon's enforcement step: after a cycle, the leader proposes and closes.

When `enforcement.enabled` is set, every cycle that ran (a scan or a plan re-evaluation) is
followed, on the leader only, by the run `kubedrift propose` makes
(`kubedrift.enforcers.propose.enforce`) over the store's latest inventories: the next step
of each drifted cluster as a pull request and its ticket, wave gating with soak counted from
the store's `cluster.version_changed` events, and pull requests and tickets of clusters
that reached their target closed. Every outcome is recorded with `Store.record_change`.

Clusters the store holds as stale (their last collection failed) or whose source is failing
are left out entirely: unknown is not resolved, so nothing of theirs is closed, and nothing
is proposed from a picture that may be old. Each enforcer's `max_new_per_run` caps new pull
requests and tickets per step. A step never raises into the cycle: failures are logged and
counted (`kubedrift_enforcement_runs_total{outcome="error"}`); one already running (sources
scan side by side) makes the next one skip, since the enforcers share a git clone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter

from kubedrift.calendar import ReleaseCalendar
from kubedrift.daemon.cycle import Clock, CycleReport
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan

if TYPE_CHECKING:
    from kubedrift.enforcers.base import Enforcer, EnforcerConfig
    from kubedrift.enforcers.propose import RunResult
    from kubedrift.store.repo import Store

log = logging.getLogger(__name__)


def fresh_inventories(store: Store) -> list[ClusterInventory]:
    """The store's latest inventories, without clusters that are stale or whose source is
    failing: what an enforcement run may act on."""
    stale = {state.key.cluster for state in store.open_states() if state.stale}
    failing = {name for name, s in store.source_states().items() if s.failing}
    return [
        inventory
        for inventory in store.latest_inventories().values()
        if inventory.key not in stale and inventory.source not in failing
    ]


def build_enforcers(configs: Sequence[EnforcerConfig]) -> list[tuple[str, Enforcer]]:
    """One enforcer per `enforcers:` entry, named `<type>[<index>]` as in the CLI output."""
    from kubedrift.enforcers.config import enforcer_class

    built: list[tuple[str, Any]] = []
    for index, config in enumerate(configs):
        name = f"{getattr(config, 'type', 'enforcer')}[{index}]"
        built.append((name, enforcer_class(config)(config)))
    return built


@dataclass
class EnforcementStep:
    """Runs after each cycle (see the module docstring); thread-safe."""

    store: Store
    enforcers: Sequence[tuple[str, Enforcer]]
    plan: Callable[[], VersionPlan]
    calendar: ReleaseCalendar
    clock: Clock
    is_leader: Callable[[], bool]
    registry: CollectorRegistry
    waves: bool = True

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.runs = Counter(
            "kubedrift_enforcement_runs",
            "Enforcement steps after a cycle, by outcome (ok, failed: some proposal failed, "
            "error: the step itself failed, skipped).",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ("ok", "failed", "error", "skipped"):
            self.runs.labels(outcome=outcome)  # from 0, so the first failure is an increase
        self.proposals = Counter(
            "kubedrift_enforcement_proposals",
            "What enforcement steps did, by kind (pull_request, ticket) and status.",
            ["kind", "status"],
            registry=self.registry,
        )

    def after_cycle(self, report: CycleReport) -> RunResult | None:
        """The step for one finished cycle; None when it did not run."""
        if report.skipped is not None or not self.is_leader():
            return None
        if not self._lock.acquire(blocking=False):
            self.runs.labels(outcome="skipped").inc()
            log.info("enforcement skipped: a step is already running")
            return None
        try:
            return self._run()
        except Exception:  # the step's boundary: whatever failed, the daemon carries on
            self.runs.labels(outcome="error").inc()
            log.exception("enforcement step failed")
            return None
        finally:
            self._lock.release()

    def _run(self) -> RunResult:
        from kubedrift.enforcers.propose import enforce

        now = self.clock()
        store = self.store

        def record(key: str, kind: str, state: str, url: str | None, cluster: str) -> None:
            store.record_change(key, kind=kind, state=state, now=now, url=url, cluster=cluster)

        result = enforce(
            self.plan(),
            fresh_inventories(store),
            now,
            self.calendar,
            self.enforcers,
            finished_at=store.last_version_changes(),
            waves=self.waves,
            record=record,
        )
        for outcome in result.outcomes:
            self.proposals.labels(kind=outcome.kind, status=outcome.status).inc()
            extra = {"cluster": outcome.cluster, "enforcer": outcome.enforcer, "key": outcome.key}
            if outcome.status == "error":
                log.warning("proposal failed: %s", outcome.detail, extra=extra)
            elif outcome.status not in ("unchanged", "absent", "held", "in_sync"):
                log.info("%s %s", outcome.kind, outcome.status, extra={**extra, "url": outcome.url})
        self.runs.labels(outcome="failed" if result.errors else "ok").inc()
        return result
