"""The fault matrix: every collector x every fault, through collect -> reconcile -> store.

Each cell runs the real collector against its fake server on 127.0.0.1 and the daemon's own
`Cycles` on a SQLite store: a healthy cycle opens the fleet's findings, two cycles meet the
fault, a last one meets a healed server. A failing source never resolves a finding, says
`source.failed` once for the streak, and `source.recovered` once it reads again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.collectors.build import open_sources
from kubedrift.daemon.cycle import Cycles
from kubedrift.model.events import EventType
from kubedrift.policies.planfile import load_plan
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.store.repo import Store
from tests.reliability.subjects import (
    CALL_TIMEOUT,
    FAULTS,
    PAD_PREFIX,
    SUBJECTS,
    Subject,
    faults_for,
)

pytestmark = pytest.mark.slow

PLAN = Path(__file__).resolve().parents[2] / "kubedrift" / "sim" / "data" / "plan.yaml"
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def calendar():  # type: ignore[no-untyped-def]
    return load_calendar()


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.kind)
def test_a_failing_source_resolves_nothing_and_says_so_once(
    subject: Subject, fault: str, tmp_path: Path, calendar: object
) -> None:
    plan = load_plan(PLAN)
    clock = Clock()
    with (
        SimulatedFleet(subject.fleet(load_fleet())) as sim,
        Store(f"sqlite:///{tmp_path / 'kd.sqlite'}", upgrade=True) as store,
    ):
        config = next(c for c in sim.configs(subject.kind) if c.type == subject.kind)
        config = config.model_validate(
            {
                **config.model_dump(),
                **subject.settings,
                "timeout": CALL_TIMEOUT,
                "retries": 1,
                "max_rps": 1000.0,  # the fakes have no quota; throttling is injected
                "exclude": [f"{PAD_PREFIX}*"],
            }
        )
        server = subject.server(sim)
        with open_sources([config], sim.environ) as sources:
            cycles = Cycles(
                store=store,
                sources={s.config.name: s for s in sources},
                plan=lambda: plan,
                calendar=calendar,  # type: ignore[arg-type]
                clock=clock,
            )

            def scan() -> Counter[EventType]:
                report = cycles.scan()
                clock.now += timedelta(minutes=10)
                return Counter(event.type for event in report.events)

            healthy = scan()
            opened = {state.key for state in store.open_states()}
            assert healthy[EventType.DRIFT_OPENED] > 0 and opened
            assert not store.source_states()[subject.kind].failing

            injected = faults_for(subject, fault, server)
            for each in injected:
                server.faults.add(each)
            first = scan()
            # A partial listing: every page-fault let its first page through, then failed.
            assert all(each.skip == 0 for each in injected)
            second = scan()
            server.faults.clear()
            assert first == Counter({EventType.SOURCE_FAILED: 1}), first
            assert second == Counter(), second  # one `source.failed` per streak
            assert {state.key for state in store.open_states()} == opened
            assert all(state.stale for state in store.open_states())
            state = store.source_states()[subject.kind]
            assert state.failing and state.failures == 2

            healed = scan()
            assert healed == Counter({EventType.SOURCE_RECOVERED: 1}), healed
            assert {state.key for state in store.open_states()} == opened
            assert not any(state.stale for state in store.open_states())
            assert not store.source_states()[subject.kind].failing
