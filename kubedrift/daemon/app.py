"""The composition root: settings in, a running daemon out.

`Daemon` builds every part from the settings (store, sources, plan watch, cycles, status,
HTTP app; the dispatcher, weekly reports and enforcement through daemon/build.py) and takes
what tests and operators need to vary as arguments: the environment (credentials, the
trigger token), the cycle clock, the leader predicate and a monotonic clock for the plan
debounce. `run_once()` is `--once`; `serve(stop)` hands the built daemon to daemon/serve.py,
which runs the scheduler and uvicorn until `stop` is set.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING

from kubedrift.calendar import load_calendar
from kubedrift.collectors.build import open_sources
from kubedrift.daemon.build import build_dispatcher, build_enforcement, build_weekly_reports
from kubedrift.daemon.cycle import Clock, CycleReport, Cycles, always
from kubedrift.daemon.dispatch import DrainReport
from kubedrift.daemon.leader import Leader, Predicate, make_leader
from kubedrift.daemon.notify import Directory, RoutedSinks
from kubedrift.daemon.planwatch import PlanWatcher
from kubedrift.daemon.reminders import ReminderJob
from kubedrift.daemon.status import DaemonStatus
from kubedrift.errors import Problem, SettingsError
from kubedrift.settings import Settings

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from kubedrift.store.save_events import Sinks

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """Everything the daemon runs, wired from `settings`; a context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        environ: Mapping[str, str],
        clock: Clock = utc_now,
        is_leader: Callable[[], bool] = always,
        monotonic: Callable[[], float] = time.monotonic,
        sinks: Sinks | None = None,
        leader: Leader | None = None,
    ) -> None:
        from kubedrift.store.repo import Store

        if settings.plan is None:
            raise SettingsError([Problem("settings", "plan", "the daemon needs a version plan")])
        self.settings = settings
        self.status = DaemonStatus(source.name for source in settings.sources)
        self.token = (
            environ.get(settings.trigger_token_env) or None if settings.trigger_token_env else None
        )
        self._stack = ExitStack()
        # Also told of every cycle while serving (the node watchers reconcile their watches).
        self.cycle_listeners: list[Callable[[CycleReport], None]] = []
        store_url = settings.store.resolve_url(environ)
        if leader is None:
            leader = (
                make_leader(settings.leader, store_url, environ)
                if is_leader is always
                else Predicate(is_leader)
            )
        self.leader = leader
        is_leader = leader.is_leader
        try:
            self.plans = PlanWatcher(
                settings.plan, debounce=settings.schedule.plan_debounce, clock=monotonic
            )
            self.store = Store(store_url, upgrade=True)
            self._stack.callback(self.store.close)
            # Stopped before the store closes (callbacks run last in, first out): a leader
            # gives its lock or Lease up as the daemon stops, for a successor to take over.
            self._stack.callback(self.leader.stop)
            sources = self._stack.enter_context(open_sources(settings.sources, environ))
            calendar = load_calendar()
            self.directory = Directory(
                self.store.latest_inventories,
                self.plans.current,
                calendar,
                clock,
                revision=self.store.revision,
            )
            self.dispatcher = build_dispatcher(
                settings, environ, self.store, self.directory, clock=clock, is_leader=is_leader
            )
            # Reminders of what stays open (routes' repeat_interval), made before each drain.
            self.reminders = ReminderJob(
                self.store,
                self.dispatcher.routes,
                self.directory.context,
                clock,
                is_leader=is_leader,
            )
            if sinks is None and self.dispatcher.notifiers:
                sinks = RoutedSinks(self.dispatcher.routes, self.dispatcher.configs, self.directory)
            self.cycles = Cycles(
                store=self.store,
                sources={source.config.name: source for source in sources},
                plan=self.plans.current,
                calendar=calendar,
                clock=clock,
                is_leader=is_leader,
                # One outbox row per (event, sink its routes name); see daemon/notify.py.
                sinks=sinks if sinks is not None else (),
                on_cycle=self._after_cycle,
            )
            # The store-backed metrics (docs/metrics.md), read at scrape time and served at
            # /metrics after the daemon's registry, as text: `exposition` keeps the text of
            # the families only a saved cycle changes.
            from kubedrift.metrics import StoreCollector

            self.store_metrics = StoreCollector(
                self.store, self.plans.current, self.cycles.calendar, clock=clock
            )
            self.status.store_metrics = self.store_metrics.exposition
            self.reports = build_weekly_reports(
                settings,
                environ,
                self.store,
                plan=self.plans.current,
                calendar=calendar,
                clock=clock,
                is_leader=is_leader,
                monotonic=monotonic,
                registry=self.status.registry,
            )
            # The enforcement step (docs/enforcers.md): after each cycle, on the leader.
            self.enforcement = build_enforcement(
                settings,
                self.store,
                plan=self.plans.current,
                calendar=calendar,
                clock=clock,
                is_leader=is_leader,
                registry=self.status.registry,
            )
        except BaseException:
            self._stack.close()
            raise

    def _after_cycle(self, report: CycleReport) -> None:
        self.status.record(report)
        self.warm_metrics()
        if self.enforcement is not None:
            self.enforcement.after_cycle(report)
        for listener in self.cycle_listeners:
            listener(report)

    def warm_metrics(self) -> None:
        """Figure and format the store's metrics now (see `StoreCollector.warm`); a failure
        is logged, never raised: the next scrape does the work instead."""
        try:
            self.store_metrics.warm()
        except Exception:  # the cycle and the daemon go on; /metrics answers regardless
            log.exception("metrics: could not prepare the store's metrics")

    def drain_outbox(self) -> list[DrainReport]:
        """Send what the outbox holds (leader only), due reminders included; the scheduler's
        outbox job."""
        self.reminders.run()
        return self.dispatcher.drain()

    def flush_outbox(self, timeout: float) -> int:
        """`--once`: drain until nothing is due or `timeout` s have passed; returns the rows
        still pending (failed ones wait for their back-off, and stay for the next run).

        The timeout is checked between drains: a drain under way finishes, each send bounded
        by its notifier's own timeout."""
        from kubedrift.store import OutboxStatus

        if not self.dispatcher.notifiers:
            return 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(report.claimed for report in self.drain_outbox()):
                break
        stats = self.store.outbox_stats()
        return sum(stat.count for stat in stats if stat.status is OutboxStatus.PENDING)

    def __enter__(self) -> Daemon:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()

    @property
    def source_names(self) -> tuple[str, ...]:
        return tuple(self.cycles.sources)

    def run_once(self) -> CycleReport:
        """One scan of every source (`kubedrift daemon --once`), if this replica leads."""
        self.leader.start()
        return self.cycles.scan()

    def scan_source(self, name: str) -> CycleReport:
        return self.cycles.scan([name])

    def check_plan(self) -> CycleReport | None:
        """Poll the plan file; re-evaluate the stored inventories when it changed."""
        if not self.plans.poll():
            return None
        return self.cycles.reevaluate()

    def job_failed(self, job: str, exc: BaseException) -> None:
        """A scheduled job raised: count it on /status as a scan or re-evaluation error."""
        self.status.record_error("reevaluate" if job == "plan-watch" else "scan")

    def app(self, trigger: Callable[[str | None], list[str]] | None = None) -> Starlette:
        """The HTTP app; `trigger` defaults to scanning synchronously (no scheduler)."""
        from kubedrift.daemon.http import create_app

        def scan_now(source: str | None) -> list[str]:
            report = self.cycles.scan(None if source is None else [source])
            return list(report.sources)

        weekly = self.reports.html if self.reports is not None else None
        return create_app(
            self.store, self.status, trigger or scan_now, token=self.token, weekly=weekly
        )

    def serve(self, stop: threading.Event, *, on_ready: Callable[[], None] | None = None) -> bool:
        """Scheduler + HTTP until `stop` is set; True when every running job finished."""
        from kubedrift.daemon.serve import serve

        return serve(self, stop, on_ready=on_ready)
