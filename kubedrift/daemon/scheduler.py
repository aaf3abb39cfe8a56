"""When things run: one APScheduler 3 job per source, and the plan-file watch.

The only module importing APScheduler. Jobs live in a `MemoryJobStore` and are added from
the settings at every start (with the outbox drain, `OUTBOX_JOB`): the schedule is
configuration, so nothing needs persisting (and a persistent job store would pickle
references to our callables). Each source job has its interval and jitter, `coalesce=True`
(runs missed while the daemon was busy or asleep collapse into one), `max_instances=1` (a
slow source is never collected twice at once) and a misfire grace. The weekly report
(`ReportJobs`) runs on a `CronTrigger` in its own time zone, with a retry job beside it. A trigger
(`POST /v1/trigger`) moves a job's next run to now, so it obeys the same rules; a node-watch
change schedules a one-off job per cluster (`run_once_later`), debounced, under the same
rules. `stop()` lets running jobs finish, within a bound.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kubedrift.daemon.config import ScheduleSettings

log = logging.getLogger(__name__)

PLAN_JOB = "plan-watch"
OUTBOX_JOB = "outbox"
REPORT_JOB = "weekly-report"
REPORT_RETRY_JOB = "weekly-report-retry"
# The weekly report may start late by this much (the daemon restarting at 09:00) and still run.
REPORT_MISFIRE_GRACE = 6 * 3600


def cron_trigger(crontab: str, timezone: str) -> CronTrigger:
    """A crontab (`minute hour day month weekday`) read in `timezone`; ValueError if bad."""
    from zoneinfo import ZoneInfo

    return CronTrigger.from_crontab(crontab, timezone=ZoneInfo(timezone))


def last_fire(trigger: CronTrigger, now: datetime, *, within: timedelta) -> datetime | None:
    """The crontab's latest time at or before `now`, looking back `within` (None: none)."""
    found = None
    moment = trigger.get_next_fire_time(None, now - within)
    while moment is not None and moment <= now:
        found = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return found


@dataclass(frozen=True)
class ReportJobs:
    """The weekly report's send (`run`, on the crontab) and its retry (`retry`, on an
    interval, told the crontab's latest time so a missed one is caught up)."""

    run: Callable[[], object]
    retry: Callable[[datetime | None], object]
    crontab: str
    timezone: str
    retry_interval: float


def source_job(name: str) -> str:
    return f"source:{name}"


@dataclass(frozen=True)
class JobInfo:
    """A scheduled job as configured (what the wiring tests and `/v1/...` look at)."""

    id: str
    interval: float
    jitter: float
    coalesce: bool
    max_instances: int
    misfire_grace: float | None
    next_run: datetime | None
    crontab: str | None = None


class Scheduler:
    """The daemon's jobs; `run_source(name)` and `check_plan()` are what they call."""

    def __init__(
        self,
        schedule: ScheduleSettings,
        sources: Sequence[str],
        *,
        run_source: Callable[[str], object],
        check_plan: Callable[[], object] | None,
        on_error: Callable[[str, BaseException], None] | None = None,
        first_run: datetime | None = None,
        drain_outbox: Callable[[], object] | None = None,
        drain_interval: float = 10.0,
        report: ReportJobs | None = None,
    ) -> None:
        self._on_error = on_error
        self._active = 0
        self._idle = threading.Condition()
        self._sources = tuple(sources)
        self._report_crontab: str | None = None
        self._scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            # One thread per source, one for the plan watch, one for the outbox, two for the
            # report, two for node-watch re-collections: no configured job waits for a thread.
            executors={"default": ThreadPoolExecutor(len(self._sources) + 6)},
            timezone=UTC,
        )
        # Given per job rather than as scheduler defaults: defaults are applied only once
        # the scheduler starts, and the jobs are complete (and inspectable) before that.
        self._rules = rules = {
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": max(1, round(schedule.misfire_grace)),
            "replace_existing": True,
        }
        # Every source is scanned once at start, then on its interval.
        start = first_run or datetime.now(UTC)
        for name in self._sources:
            interval, jitter = schedule.for_source(name)
            self._scheduler.add_job(
                self._tracked(source_job(name), run_source, name),
                IntervalTrigger(seconds=interval, jitter=jitter or None, timezone=UTC),
                id=source_job(name),
                name=f"scan {name}",
                next_run_time=start,
                **rules,
            )
        if check_plan is not None:
            self._scheduler.add_job(
                self._tracked(PLAN_JOB, check_plan),
                IntervalTrigger(seconds=schedule.plan_poll, timezone=UTC),
                id=PLAN_JOB,
                name="watch the plan file",
                **rules,
            )
        if drain_outbox is not None:
            # Drained from the start (rows a crashed predecessor left), then on its interval;
            # `max_instances=1`: one drain at a time per replica.
            self._scheduler.add_job(
                self._tracked(OUTBOX_JOB, drain_outbox),
                IntervalTrigger(seconds=drain_interval, timezone=UTC),
                id=OUTBOX_JOB,
                name="drain the outbox",
                next_run_time=start,
                **rules,
            )
        if report is not None:
            self._add_report(report, rules, start)

    def _add_report(self, report: ReportJobs, rules: dict[str, int], start: datetime) -> None:
        self._report_crontab = report.crontab
        trigger = cron_trigger(report.crontab, report.timezone)

        def retry() -> object:
            # A week back: the week a missed crontab time belongs to is still the last one.
            return report.retry(last_fire(trigger, datetime.now(UTC), within=timedelta(days=7)))

        self._scheduler.add_job(
            self._tracked(REPORT_JOB, report.run),
            trigger,
            id=REPORT_JOB,
            name="send the weekly report",
            **(rules | {"misfire_grace_time": REPORT_MISFIRE_GRACE}),
        )
        # Retries what failed, from the start too: a send a crash interrupted, or a crontab
        # time missed while the daemon was down, goes out after the restart.
        self._scheduler.add_job(
            self._tracked(REPORT_RETRY_JOB, retry),
            IntervalTrigger(seconds=report.retry_interval, timezone=UTC),
            id=REPORT_RETRY_JOB,
            name="retry failed weekly report sends",
            next_run_time=start,
            **rules,
        )

    def _tracked(self, job: str, func: Callable[..., object], *args: object) -> Callable[[], None]:
        def run() -> None:
            with self._idle:
                self._active += 1
            try:
                func(*args)
            except Exception as exc:  # the per-job boundary: the next run still happens
                log.exception("job failed", extra={"job": job})
                if self._on_error is not None:
                    self._on_error(job, exc)
            finally:
                with self._idle:
                    self._active -= 1
                    self._idle.notify_all()

        return run

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self._scheduler.start()

    def jobs(self) -> list[JobInfo]:
        out = []
        for job in self._scheduler.get_jobs():
            trigger = job.trigger
            if isinstance(trigger, CronTrigger):
                out.append(
                    JobInfo(
                        id=job.id,
                        interval=0.0,
                        jitter=float(trigger.jitter or 0),
                        coalesce=job.coalesce,
                        max_instances=job.max_instances,
                        misfire_grace=job.misfire_grace_time,
                        next_run=getattr(job, "next_run_time", None),
                        crontab=self._report_crontab,
                    )
                )
                continue
            if isinstance(trigger, DateTrigger):
                continue  # a one-off run (`run_once_later`), not a configured job
            out.append(
                JobInfo(
                    id=job.id,
                    interval=trigger.interval.total_seconds(),
                    jitter=float(trigger.jitter or 0),
                    coalesce=job.coalesce,
                    max_instances=job.max_instances,
                    misfire_grace=job.misfire_grace_time,
                    # Computed at start for jobs given no first run time.
                    next_run=getattr(job, "next_run_time", None),
                )
            )
        return out

    def trigger(self, source: str | None = None) -> list[str]:
        """Run `source`'s scan now (every source's when None); returns the sources moved.

        A scan already running is not doubled: `max_instances=1` skips the extra run.
        """
        names: Iterable[str] = self._sources if source is None else (source,)
        if source is not None and source not in self._sources:
            raise KeyError(source)
        now = datetime.now(UTC)
        for name in names:
            self._scheduler.modify_job(source_job(name), next_run_time=now)
        self._scheduler.wakeup()
        return list(names)

    def run_once_later(self, job: str, func: Callable[[], object], delay: float) -> bool:
        """Run `func` once, `delay` s from now, as job `job` under the same rules, unless a
        run of `job` is already waiting: then that run covers this call too (a debounce
        whose window opens at the first call). True when a run was scheduled."""
        if self._scheduler.get_job(job) is not None:
            return False
        when = datetime.now(UTC) + timedelta(seconds=delay)
        rules = {**self._rules, "replace_existing": False}
        try:
            self._scheduler.add_job(
                self._tracked(job, func), DateTrigger(when, timezone=UTC), id=job, **rules
            )
        except ConflictingIdError:  # scheduled meanwhile by another thread
            return False
        return True

    def stop(self, timeout: float) -> bool:
        """Start no new job, wait up to `timeout` s for running ones; True if all finished."""
        if self._scheduler.running:
            # wait=False: a job stuck in a hung API call must not hold the shutdown.
            self._scheduler.shutdown(wait=False)
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("stopping with %d job(s) still running", self._active)
                    return False
                self._idle.wait(left)
        return True
