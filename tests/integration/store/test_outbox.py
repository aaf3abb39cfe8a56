"""The outbox: claim, deliver, retry with back-off, dead letters, leases, concurrent workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import create_engine, select

from kubedrift.model.events import DriftEvent, EventType
from kubedrift.store import OutboxItem, OutboxStatus, Store
from kubedrift.store.engine import normalise_url
from kubedrift.store.tables import DeliveryRow
from tests.integration.store.cycles import at, behind, cycle, inventory
from tests.integration.store.postgres import PostgresServer

pytestmark = pytest.mark.integration

NOW = at(0)


def fill(store: Store, clusters: int, sinks: tuple[str, ...] = ("chat",)) -> None:
    """One cycle that opens one finding per cluster: `clusters` events per sink."""
    names = [f"cls-{i:03d}" for i in range(clusters)]
    cycle(store, [behind(n) for n in names], [inventory(n, NOW) for n in names], NOW, sinks=sinks)


def counts(store: Store) -> dict[tuple[str, OutboxStatus], int]:
    return {(s.sink, s.status): s.count for s in store.outbox_stats()}


def test_claim_then_deliver(store: Store) -> None:
    fill(store, 3, sinks=("chat", "pager"))
    items = store.claim_outbox("chat", NOW, limit=10)
    assert [i.event.finding.cluster for i in items if i.event.finding] == [
        "tke/ap-shanghai/cls-000",
        "tke/ap-shanghai/cls-001",
        "tke/ap-shanghai/cls-002",
    ]
    assert {i.attempts for i in items} == {1}
    assert len({i.idempotency_key for i in items}) == 3
    # Claimed rows are leased: nobody else gets them, the other sink is untouched.
    assert store.claim_outbox("chat", NOW + timedelta(minutes=1)) == []
    assert len(store.claim_outbox("pager", NOW)) == 3
    assert all(store.mark_delivered(i, NOW) for i in items)
    assert counts(store)[("chat", OutboxStatus.DELIVERED)] == 3
    # Delivered is final: a late duplicate report does not apply twice.
    assert not store.mark_delivered(items[0], NOW)
    assert store.claim_outbox("chat", NOW + timedelta(days=1)) == []


def test_a_failure_is_retried_at_its_time_then_dead_lettered(store: Store, db_url: str) -> None:
    fill(store, 1)
    (first,) = store.claim_outbox("chat", NOW)
    retry_at = NOW + timedelta(seconds=30)
    assert store.mark_failed(first, NOW, error="HTTP 503", retry_at=retry_at)
    assert store.claim_outbox("chat", retry_at - timedelta(seconds=1)) == []
    (second,) = store.claim_outbox("chat", retry_at)
    assert second.attempts == 2 and second.event == first.event
    assert second.idempotency_key == first.idempotency_key
    assert store.mark_failed(second, retry_at, error="HTTP 400 bad payload", retry_at=None)
    assert counts(store) == {("chat", OutboxStatus.DEAD): 1}
    assert store.claim_outbox("chat", NOW + timedelta(days=365)) == []
    log = _deliveries(db_url)
    assert log == [(1, "failed", "HTTP 503"), (2, "dead", "HTTP 400 bad payload")]


def _deliveries(url: str) -> list[tuple[int, str, str | None]]:
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(DeliveryRow.attempt, DeliveryRow.outcome, DeliveryRow.error).order_by(
                DeliveryRow.id
            )
        ).all()
    engine.dispose()
    return [(row.attempt, row.outcome, row.error) for row in rows]


def test_an_expired_lease_is_reclaimed_and_the_old_claim_is_fenced(store: Store) -> None:
    fill(store, 1)
    (lost,) = store.claim_outbox("chat", NOW, lease=timedelta(minutes=5))
    assert store.claim_outbox("chat", NOW + timedelta(minutes=4)) == []
    (taken,) = store.claim_outbox("chat", NOW + timedelta(minutes=5))
    assert taken.attempts == 2
    # The first worker comes back late: its outcome must not overwrite the new claim.
    assert not store.mark_failed(lost, NOW, error="late", retry_at=None)
    assert store.mark_delivered(taken, NOW + timedelta(minutes=6))
    assert counts(store) == {("chat", OutboxStatus.DELIVERED): 1}


def test_a_batch_is_recorded_together_but_a_row_another_worker_took_is_not(
    store: Store, db_url: str
) -> None:
    fill(store, 1200)  # more rows than one statement's chunk of ids
    late = store.claim_outbox("chat", NOW, limit=1, lease=timedelta(minutes=1))
    batch = store.claim_outbox("chat", NOW + timedelta(seconds=1), limit=2000)
    (taken,) = store.claim_outbox("chat", NOW + timedelta(minutes=1))  # `late`, reclaimed
    mixed = [*late, *batch]
    recorded = store.mark_all_delivered(mixed, NOW + timedelta(minutes=2))
    assert recorded == {item.id for item in batch}  # `late`'s claim is fenced off
    assert counts(store) == {
        ("chat", OutboxStatus.DELIVERED): 1199,
        ("chat", OutboxStatus.PENDING): 1,
    }
    assert store.mark_all_delivered(batch, NOW + timedelta(minutes=3)) == set()  # final
    assert store.mark_delivered(taken, NOW + timedelta(minutes=3))
    log = _deliveries(db_url)
    assert len(log) == 1200 and set(log) == {(1, "delivered", None), (2, "delivered", None)}


def test_sinks_can_be_chosen_per_event(store: Store) -> None:
    def route(event: DriftEvent) -> list[str]:
        return ["chat", "pager"] if event.type is EventType.DRIFT_OPENED else ["chat"]

    cycle(store, [behind("cls-a")], [inventory("cls-a", at(0))], at(0), sinks=route)
    # Upgraded: a version change and a resolution, both for the chat only.
    cycle(store, [], [inventory("cls-a", at(1), cp="1.30.1")], at(1), sinks=route)
    assert counts(store) == {("chat", OutboxStatus.PENDING): 3, ("pager", OutboxStatus.PENDING): 1}
    (paged,) = store.claim_outbox("pager", at(1))
    assert paged.event.type is EventType.DRIFT_OPENED


def test_stats_and_prune(store: Store) -> None:
    fill(store, 4)
    items = store.claim_outbox("chat", NOW, limit=3)
    for item in items[:2]:
        store.mark_delivered(item, NOW)
    store.mark_failed(items[2], NOW, error="boom", retry_at=None)
    stats = {s.status: s for s in store.outbox_stats()}
    assert {status: s.count for status, s in stats.items()} == {
        OutboxStatus.DELIVERED: 2,
        OutboxStatus.DEAD: 1,
        OutboxStatus.PENDING: 1,
    }
    assert stats[OutboxStatus.PENDING].oldest_created_at == NOW
    # Prune drops delivered rows and their attempt log; dead and pending stay for a human.
    assert store.prune(NOW + timedelta(days=30)) == 4
    assert {s.status for s in store.outbox_stats()} == {OutboxStatus.DEAD, OutboxStatus.PENDING}
    assert len(store.events()) == 4


def _drain(store: Store, claimed: list[OutboxItem], errors: list[BaseException]) -> None:
    try:
        while batch := store.claim_outbox("chat", NOW, limit=7):
            claimed.extend(batch)
            for item in batch:
                store.mark_delivered(item, NOW)
    except BaseException as exc:
        errors.append(exc)


@pytest.fixture
def two_workers(store: Store, db_url: str) -> Iterator[tuple[Store, Store]]:
    with Store(db_url) as other:
        yield store, other


def test_two_concurrent_workers_never_claim_the_same_row(two_workers: tuple[Store, Store]) -> None:
    first, second = two_workers
    fill(first, 200)
    claimed: list[list[OutboxItem]] = [[], []]
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_drain, args=(worker, claimed[n], errors))
        for n, worker in enumerate(two_workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    ids = [item.id for batch in claimed for item in batch]
    assert len(ids) == len(set(ids)) == 200
    assert counts(second) == {("chat", OutboxStatus.DELIVERED): 200}


def test_a_claim_skips_rows_another_worker_has_locked(postgres_server: PostgresServer) -> None:
    # PostgreSQL only: SQLite has no row locks (its writers are serialised by BEGIN IMMEDIATE).
    url = postgres_server.create_database()
    with Store(url, upgrade=True) as store:
        fill(store, 5)
        with psycopg.connect(postgres_server.dsn(url.rsplit("/", 1)[1])) as holder:
            # Another worker, mid-claim, holds the two oldest rows.
            locked = [
                row[0]
                for row in holder.execute("SELECT id FROM outbox ORDER BY id LIMIT 2 FOR UPDATE")
            ]
            got: list[OutboxItem] = []
            claimer = threading.Thread(target=lambda: got.extend(store.claim_outbox("chat", NOW)))
            claimer.start()
            claimer.join(timeout=10)
            finished = not claimer.is_alive()
            holder.rollback()
        claimer.join(timeout=10)
    assert finished, "the claim waited for locked rows instead of skipping them"
    assert len(got) == 3 and not {item.id for item in got} & set(locked)
