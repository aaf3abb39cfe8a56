"""Leader election: Kubernetes Leases against the fake API server, PostgreSQL advisory locks
against a real PostgreSQL. Rounds are stepped by the test with injected monotonic clocks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from kubernetes import client

from kubedrift.daemon.leader import PostgresLeader
from kubedrift.daemon.lease import LeaseLeader
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.kube import FakeKubeServer
from tests.integration.store.postgres import PostgresServer, started_postgres


@dataclass
class Ticks:
    value: float = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def kube() -> Iterator[FakeKubeServer]:
    server = FakeKubeServer(load_fleet())
    with server.running():
        yield server


def api_for(server: FakeKubeServer) -> client.ApiClient:
    cluster = sorted(server.clusters)[0]
    config = client.Configuration()
    config.host = server.url_for(cluster)
    config.api_key = {"authorization": f"Bearer {server.tokens[cluster]}"}
    return client.ApiClient(config)


def candidate(server: FakeKubeServer, identity: str, ticks: Ticks) -> LeaseLeader:
    return LeaseLeader(
        api_for(server),
        name="kubedrift-leader",
        namespace="kubedrift",
        identity=identity,
        lease_duration=15,
        renew_deadline=10,
        retry_period=2,
        monotonic=ticks,
    )


def holder(server: FakeKubeServer) -> str | None:
    (lease,) = server.leases.values()
    found: str | None = lease["spec"].get("holderIdentity")
    return found


def test_one_lease_holder_and_a_takeover_once_it_stops_renewing(kube: FakeKubeServer) -> None:
    ticks = Ticks()
    a, b = candidate(kube, "pod-a", ticks), candidate(kube, "pod-b", ticks)
    assert a.step() is True  # creates the Lease
    assert b.step() is False
    for _ in range(5):  # a renews every 2 s; b keeps observing a live record
        ticks.value += 2
        assert (a.step(), b.step()) == (True, False)
    assert (a.is_leader(), b.is_leader(), holder(kube)) == (True, False, "pod-a")

    # a hangs (no more rounds): within renew_deadline it stops acting on its own...
    ticks.value += 10.5
    assert a.is_leader() is False
    # ...and once the record has not moved for lease_duration, b takes over.
    assert b.step() is False
    ticks.value += 5
    assert b.step() is True
    assert holder(kube) == "pod-b"
    assert a.step() is False  # a comes back: b's record is fresh, a stays a follower
    lease = next(iter(kube.leases.values()))
    assert lease["spec"]["leaseTransitions"] == 1


def test_stopping_releases_the_lease_for_an_immediate_successor(kube: FakeKubeServer) -> None:
    ticks = Ticks()
    a, b = candidate(kube, "pod-a", ticks), candidate(kube, "pod-b", ticks)
    a.start()  # takes the Lease at once, before the thread's first round
    try:
        assert a.is_leader() and b.step() is False
    finally:
        a.stop()
    assert holder(kube) is None and a.is_leader() is False
    assert b.step() is True  # no lease_duration to wait


def test_a_stale_update_loses_the_race(kube: FakeKubeServer) -> None:
    ticks = Ticks()
    a, b = candidate(kube, "pod-a", ticks), candidate(kube, "pod-b", ticks)
    assert a.step()
    a.stop()  # released: both may now try
    lease = b.api.read_namespaced_lease("kubedrift-leader", "kubedrift")
    assert b.step() is True
    lease.spec.holder_identity = "pod-a"  # pod-a's write based on the older version
    with pytest.raises(client.ApiException) as refused:
        a.api.replace_namespaced_lease("kubedrift-leader", "kubedrift", lease)
    assert refused.value.status == 409
    assert holder(kube) == "pod-b"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with started_postgres() as server:
        yield server


def test_one_advisory_lock_holder_and_a_takeover_when_it_goes(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    ticks = Ticks()
    a = PostgresLeader(url, 42, renew_deadline=10, retry_period=2, monotonic=ticks)
    b = PostgresLeader(url, 42, renew_deadline=10, retry_period=2, monotonic=ticks)
    try:
        assert (a.step(), b.step()) == (True, False)
        assert (a.step(), b.step()) == (True, False)
        assert (a.is_leader(), b.is_leader()) == (True, False)
        a.stop()  # unlocks: the lock is free at once
        assert a.is_leader() is False
        assert b.step() is True
    finally:
        a.stop()
        b.stop()


def test_a_dead_session_frees_the_lock(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    ticks = Ticks()
    a = PostgresLeader(url, 7, renew_deadline=10, retry_period=2, monotonic=ticks)
    b = PostgresLeader(url, 7, renew_deadline=10, retry_period=2, monotonic=ticks)
    try:
        assert (a.step(), b.step()) == (True, False)
        # The holder's session dies (a crashed replica or a cut network; no unlock is sent).
        with psycopg.connect(postgres.dsn(url.rsplit("/", 1)[1]), autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND objid = 7 AND granted"
            ).fetchall()
            assert killed == [(True,)]
            # pg_terminate_backend only signals: wait until the backend is gone and its
            # lock with it (otherwise b may ask while the lock is still held).
            deadline = time.monotonic() + 10
            while admin.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7"
            ).fetchone() != (0,):
                assert time.monotonic() < deadline, "the killed session kept its lock"
                time.sleep(0.02)
        assert b.step() is True
        assert a.step() is False  # its session gone, it reconnects as a follower
    finally:
        a.stop()
        b.stop()
