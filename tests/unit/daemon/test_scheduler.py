"""The scheduler's wiring: one job per source with its cadence, the plan watch, triggers,
the per-job error boundary and a bounded stop. Real APScheduler, no patching."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kubedrift.daemon.config import ScheduleSettings
from kubedrift.daemon.scheduler import PLAN_JOB, Scheduler, source_job

# Generous: these only bound a wait for a thread that should run almost at once.
WAIT = 10.0
LATER = datetime.now(UTC) + timedelta(days=1)  # no job fires by itself during a test


@pytest.fixture
def schedule() -> ScheduleSettings:
    return ScheduleSettings.model_validate(
        {"interval": "10m", "jitter": "30s", "misfire_grace": 90, "plan_poll": "5s",
         "sources": {"tke": {"interval": "1h"}, "ack": {"jitter": 0}}}
    )  # fmt: skip


class Calls:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.event = threading.Event()

    def __call__(self, name: str) -> None:
        self.names.append(name)
        self.event.set()


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def scheduler(schedule: ScheduleSettings, calls: Calls) -> Iterator[Scheduler]:
    made = Scheduler(
        schedule, ["ack", "tke", "kube"], run_source=calls, check_plan=lambda: None,
        first_run=LATER,
    )  # fmt: skip
    yield made
    made.stop(timeout=WAIT)


def test_one_job_per_source_with_its_cadence_and_the_plan_watch(scheduler: Scheduler) -> None:
    jobs = {job.id: job for job in scheduler.jobs()}
    assert set(jobs) == {source_job("ack"), source_job("tke"), source_job("kube"), PLAN_JOB}
    assert (jobs["source:ack"].interval, jobs["source:ack"].jitter) == (600, 0)
    assert (jobs["source:tke"].interval, jobs["source:tke"].jitter) == (3600, 30)
    assert (jobs["source:kube"].interval, jobs["source:kube"].jitter) == (600, 30)
    assert jobs[PLAN_JOB].interval == 5
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace == 90
    assert jobs["source:ack"].next_run == LATER


def test_a_trigger_runs_that_source_now(scheduler: Scheduler, calls: Calls) -> None:
    scheduler.start()
    assert scheduler.trigger("tke") == ["tke"]
    assert calls.event.wait(WAIT)
    assert calls.names == ["tke"]
    with pytest.raises(KeyError):
        scheduler.trigger("nope")


def test_a_trigger_without_a_source_runs_them_all(scheduler: Scheduler, calls: Calls) -> None:
    scheduler.start()
    assert scheduler.trigger() == ["ack", "tke", "kube"]
    assert scheduler.stop(timeout=WAIT)  # lets the started runs finish
    # Started runs may still be queued when shutdown begins; each ran at most once.
    assert len(calls.names) == len(set(calls.names))


def test_a_failing_job_is_reported_and_runs_again(schedule: ScheduleSettings) -> None:
    errors: list[tuple[str, str]] = []
    ran = threading.Semaphore(0)

    def boom(name: str) -> None:
        ran.release()
        raise RuntimeError(f"{name} broke")

    made = Scheduler(
        schedule, ["ack"], run_source=boom, check_plan=None,
        on_error=lambda job, exc: errors.append((job, str(exc))), first_run=LATER,
    )  # fmt: skip
    made.start()
    try:
        made.trigger("ack")
        assert ran.acquire(timeout=WAIT)
        # Until APScheduler has counted the first run finished, a trigger is skipped
        # (max_instances=1): retry within the generous bound.
        for _ in range(int(WAIT / 0.1)):
            made.trigger("ack")
            if ran.acquire(timeout=0.1):
                break
        else:
            pytest.fail("the job never ran again")
    finally:
        assert made.stop(timeout=WAIT)
    assert errors == [("source:ack", "ack broke")] * 2


def test_stop_waits_for_a_running_job_only_as_long_as_told(schedule: ScheduleSettings) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(name: str) -> None:
        started.set()
        release.wait(WAIT)

    made = Scheduler(schedule, ["ack"], run_source=slow, check_plan=None, first_run=LATER)
    made.start()
    made.trigger("ack")
    assert started.wait(WAIT)
    assert made.stop(timeout=0.05) is False
    release.set()
    assert made.stop(timeout=WAIT) is True
    assert not made.running
