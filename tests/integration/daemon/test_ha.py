"""Two daemons on one real PostgreSQL: exactly one collects and sends; both serve HTTP; when
the leader stops, the other takes over and sends what is left, nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kubedrift.daemon.app import Daemon
from kubedrift.settings import load_settings
from kubedrift.sim.daemon_setup import (
    TOKEN,
    TOKEN_ENV,
    received,
    toggled_gpu_pool,
    write_settings,
)
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus
from tests.integration.store.postgres import PostgresServer, started_postgres


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with started_postgres() as server:
        yield server


@pytest.fixture
def sim() -> Iterator[SimulatedFleet]:
    with SimulatedFleet(load_fleet()) as running:
        yield running


# ~5 s: four scans of the whole simulated fleet and their deliveries, on real PostgreSQL.
@pytest.mark.slow
def test_two_daemons_on_one_postgres_exactly_one_sends(
    tmp_path: Path, postgres: PostgresServer, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    url = postgres.create_database()
    settings = load_settings(
        write_settings(tmp_path, sim, slack, url, leader={"retry_period": 0.2})
    )
    environ = {**sim.environ, TOKEN_ENV: TOKEN}
    with Daemon(settings, environ=environ) as a, Daemon(settings, environ=environ) as b:
        assert (a.leader.kind, b.leader.kind) == ("postgres", "postgres")
        a.leader.start()
        b.leader.start()
        assert (a.leader.is_leader(), b.leader.is_leader()) == (True, False)

        reports = [a.run_once(), b.run_once()]
        assert [r.skipped for r in reports] == [None, "not the leader"]
        assert reports[0].events  # the fleet drifts: something to tell
        assert b.drain_outbox() == []  # the follower does not even claim
        (drained,) = a.drain_outbox()
        assert drained.delivered == drained.claimed == len(reports[0].events)
        sent = len(slack.messages)
        assert sent > 0

        for daemon in (a, b):  # every replica serves the API from the store
            http = TestClient(daemon.app())
            assert http.get("/healthz").status_code == 200
            assert len(http.get("/v1/events").json()["events"]) == len(reports[0].events)

        # A change while a leads, then a stops before sending: b takes over and sends it.
        sim.ack.fleet = toggled_gpu_pool(sim.ack.fleet, "1.30.1-aliyun.1")
        assert a.run_once().events
        a.leader.stop()
        b.leader.step()  # type: ignore[attr-defined]  # the election loop's next round
        assert b.leader.is_leader()
        assert a.drain_outbox() == [] and a.run_once().skipped == "not the leader"
        (taken_over,) = b.drain_outbox()
        assert taken_over.delivered == taken_over.claimed > 0
        assert len(slack.messages) > sent

        stats = {(s.status, s.count) for s in b.store.outbox_stats()}
        assert {status for status, _ in stats} == {OutboxStatus.DELIVERED}
        told = Counter(e for payload in received(slack) for e in payload["events"])
        stored = {e.id for e in b.store.events(limit=1000)}
        assert set(told) == stored and set(told.values()) == {1}
