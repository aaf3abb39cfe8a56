"""Runs a built `Daemon`: the scheduler, the node watchers and the HTTP server (uvicorn)
until `stop` is set, then drains running cycles within `DRAIN_SECONDS`.

Imported only when the daemon serves (`Daemon.serve`), so `--once` and the tests that
build a `Daemon` never import uvicorn or APScheduler.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import uvicorn

from kubedrift.daemon.nodewatch import NodeWatchers, rescan_through
from kubedrift.daemon.scheduler import ReportJobs, Scheduler

if TYPE_CHECKING:
    from kubedrift.daemon.app import Daemon

log = logging.getLogger(__name__)

# SIGTERM to exit: Kubernetes waits 30 s by default; we promise 10 and keep a margin.
DRAIN_SECONDS = 8.0
_HTTP_GRACE = 2


def _report_jobs(daemon: Daemon) -> ReportJobs | None:
    if daemon.reports is None:
        return None
    report = daemon.reports.settings
    return ReportJobs(
        run=daemon.reports.run,
        retry=daemon.reports.retry,
        crontab=report.schedule,
        timezone=report.timezone,
        retry_interval=report.retry_interval,
    )


def _node_watchers(daemon: Daemon, scheduler: Scheduler) -> NodeWatchers:
    """The node-watch trigger (`schedule.node_watch`), re-collecting through `scheduler`."""
    settings = daemon.settings.schedule.node_watch
    rescan = rescan_through(scheduler, daemon.cycles.scan_cluster, settings.debounce)
    return NodeWatchers(
        daemon.cycles.sources, settings, is_leader=daemon.leader.is_leader, on_change=rescan
    )


def serve(
    daemon: Daemon, stop: threading.Event, *, on_ready: Callable[[], None] | None = None
) -> bool:
    """Scheduler + HTTP until `stop` is set; True when every running job finished."""
    scheduler = Scheduler(
        daemon.settings.schedule,
        daemon.source_names,
        run_source=daemon.scan_source,
        check_plan=daemon.check_plan,
        on_error=daemon.job_failed,
        drain_outbox=daemon.drain_outbox if daemon.dispatcher.notifiers else None,
        drain_interval=daemon.settings.dispatch.interval,
        report=_report_jobs(daemon),
    )
    watchers = _node_watchers(daemon, scheduler)
    # The store's metrics figured before the first scrape asks (about 0.7 s at 10,000
    # clusters), beside the HTTP server rather than before it: readiness is not delayed.
    threading.Thread(target=daemon.warm_metrics, name="metrics-warm", daemon=True).start()
    host, port = daemon.settings.http.host_port
    config = uvicorn.Config(
        daemon.app(scheduler.trigger),
        host=host,
        port=port,
        log_config=None,  # our JSON handler on the root logger
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=_HTTP_GRACE,
    )
    server = uvicorn.Server(config)
    # Not the main thread: uvicorn leaves the signals to us (see commands/daemon.py).
    web = threading.Thread(target=server.run, name="http", daemon=True)
    daemon.leader.start()
    scheduler.start()
    watchers.start()
    daemon.cycle_listeners.append(watchers.after_cycle)
    web.start()
    log.info(
        "daemon started",
        extra={
            "listen": daemon.settings.http.listen,
            "sources": ",".join(daemon.source_names),
            "leader": daemon.leader.kind,
        },
    )
    if on_ready is not None:
        on_ready()
    while not stop.wait(0.5):
        if not web.is_alive():  # the port was taken, say: no point running on
            log.error("the HTTP server stopped; shutting down")
            break
    deadline = time.monotonic() + DRAIN_SECONDS
    log.info("stopping: draining running cycles")
    server.should_exit = True
    daemon.cycle_listeners.remove(watchers.after_cycle)
    watchers.stop(timeout=1.0)
    drained = scheduler.stop(timeout=max(0.0, deadline - time.monotonic() - _HTTP_GRACE))
    web.join(timeout=max(0.1, deadline - time.monotonic()))
    log.info("stopped", extra={"drained": drained})
    return drained and not web.is_alive()
