"""save_cycle and the readers: the docs/drift.md timeline through the real reconcile, replays,
one transaction, compact inventory history, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlalchemy.exc import StatementError

from kubedrift.drift import event_id
from kubedrift.model.events import EventType, ResolveReason
from kubedrift.model.findings import Severity
from kubedrift.model.reconcile import ReconcileResult
from kubedrift.store import Store
from tests.integration.store.cycles import (
    SOURCE,
    at,
    behind,
    cycle,
    inventory,
    key_of,
    source_failed,
)

pytestmark = pytest.mark.integration


def assert_store_holds(store: Store, result: ReconcileResult) -> None:
    """What the next cycle reads back is exactly what this cycle returned."""
    assert store.open_states() == result.states
    assert store.snapshots() == result.snapshots
    assert store.source_states() == result.sources


def types(store: Store, since: datetime) -> list[EventType]:
    return [e.type for e in store.events(since=since)]


def test_the_drift_timeline_through_reconcile_and_the_store(store: Store) -> None:
    # 09:00 first sight, medium finding
    result, saved = cycle(store, [behind("cls-a")], [inventory("cls-a", at(0))], at(0))
    assert_store_holds(store, result)
    assert saved.events == 1 and saved.outbox == 1 and saved.opened == 1
    assert types(store, at(0)) == [EventType.DRIFT_OPENED]
    # 09:10 escalates
    result, _ = cycle(store, [behind("cls-a", Severity.HIGH)], [inventory("cls-a", at(1))], at(1))
    assert_store_holds(store, result)
    assert types(store, at(1)) == [EventType.DRIFT_ESCALATED]
    # 09:20, 09:30 discovery fails: stale, one source.failed
    result, _ = cycle(store, [], [source_failed(at(2))], at(2))
    assert_store_holds(store, result)
    result, saved = cycle(store, [], [source_failed(at(3))], at(3))
    assert_store_holds(store, result)
    assert saved.events == 0
    (state,) = store.open_states()
    assert state.stale and state.last_seen_at == at(1) and state.severity is Severity.HIGH
    assert store.source_states()[SOURCE].failures == 2
    assert types(store, at(2)) == [EventType.SOURCE_FAILED]
    # 09:40 back, upgraded, finding gone
    result, _ = cycle(store, [], [inventory("cls-a", at(4), cp="1.30.4")], at(4))
    assert_store_holds(store, result)
    assert store.open_states() == ()
    assert types(store, at(4)) == [
        EventType.SOURCE_RECOVERED,
        EventType.VERSION_CHANGED,
        EventType.DRIFT_RESOLVED,
    ]
    (interval,) = store.history(at(0), at(6)).intervals
    assert (interval.opened_at, interval.resolved_at) == (at(0), at(4))
    assert interval.resolved_reason is ResolveReason.GONE
    ids = [e.id for e in store.events()]
    assert len(ids) == len(set(ids)) == 6


def test_a_finding_that_comes_back_is_a_second_interval(store: Store) -> None:
    cycle(store, [behind("cls-a")], [inventory("cls-a", at(0))], at(0))
    cycle(store, [], [inventory("cls-a", at(1))], at(1))
    result, saved = cycle(store, [behind("cls-a")], [inventory("cls-a", at(2))], at(2))
    assert_store_holds(store, result)
    assert saved.opened == 1
    intervals = store.history(at(0), at(3)).intervals
    assert [(i.opened_at, i.resolved_at) for i in intervals] == [(at(0), at(1)), (at(2), None)]


def test_replaying_a_cycle_inserts_nothing_and_changes_nothing(store: Store) -> None:
    cycle(store, [behind("cls-a"), behind("cls-b")], [inventory("cls-a", at(0))], at(0))
    # The cycle to replay: cls-a escalates, cls-b's cluster is not there (stale), c appears.
    results = [inventory("cls-a", at(1)), inventory("cls-c", at(1))]
    findings = [behind("cls-a", Severity.HIGH), behind("cls-c")]
    result, first = cycle(store, findings, results, at(1), sinks=("chat", "pager"))
    assert first.events == 2 and first.outbox == 4
    before = (store.open_states(), store.snapshots(), store.source_states(), store.events())
    stats = store.outbox_stats()
    inventories = [r.inventory for r in results]
    again = store.save_cycle(result, inventories, ("chat", "pager"), at(1))
    assert (again.events, again.outbox, again.inventories, again.opened) == (0, 0, 0, 0)
    assert (store.open_states(), store.snapshots(), store.source_states(), store.events()) == before
    assert store.outbox_stats() == stats


def test_replaying_a_cycle_that_resolved_reopens_nothing(store: Store) -> None:
    cycle(store, [behind("cls-a")], [inventory("cls-a", at(0))], at(0))
    result, _ = cycle(store, [], [inventory("cls-a", at(1))], at(1))
    assert len(result.resolved) == 1
    again = store.save_cycle(result, [inventory("cls-a", at(1)).inventory], ["chat"], at(1))
    assert again.opened == 0 and again.events == 0
    assert store.open_states() == ()
    assert len(store.history(at(0), at(2)).intervals) == 1


def test_a_cycle_is_one_transaction(store: Store) -> None:
    result, _ = cycle(store, [behind("cls-a")], [inventory("cls-a", at(0))], at(0))
    later = result.model_copy(update={"states": (), "resolved": ()})
    # The outbox rows come last; a naive `now` fails there, after states and snapshots
    # were written: all of it must roll back.
    bad = ReconcileResult(
        events=result.events,
        states=(),
        resolved=tuple(
            s.model_copy(update={"resolved_at": at(1), "resolved_reason": ResolveReason.GONE})
            for s in result.states
        ),
        snapshots={},
        sources=later.sources,
        removed_clusters=(key_of("cls-a"),),
    )
    with pytest.raises(StatementError, match="naive datetime"):
        store.save_cycle(bad, [], ["new-sink"], datetime(2026, 3, 2, 9, 10))  # noqa: DTZ001
    assert store.open_states() == result.states
    assert store.snapshots() == result.snapshots
    assert {s.sink for s in store.outbox_stats()} == {"chat"}


def test_inventory_history_is_compact(store: Store) -> None:
    for n in range(3):
        cycle(store, [], [inventory("cls-a", at(n))], at(n))
    latest = store.latest_inventories()[key_of("cls-a")]
    assert latest.collected_at == at(2)
    assert latest == inventory("cls-a", at(2)).inventory
    saved = cycle(store, [], [inventory("cls-a", at(3), pool="1.30.1")], at(3))[1]
    assert saved.inventories == 1
    latest = store.latest_inventories()[key_of("cls-a")]
    assert latest.node_pools[0].kubelet_version is not None
    assert latest.node_pools[0].kubelet_version.raw == "1.30.1"
    # Pruning keeps each cluster's current inventory, drops the replaced one.
    assert store.prune(at(10)) == 1
    assert store.latest_inventories()[key_of("cls-a")] == latest


def test_a_removed_cluster_is_forgotten_until_it_returns(store: Store) -> None:
    cycle(store, [behind("cls-b")], [inventory("cls-a", at(0)), inventory("cls-b", at(0))], at(0))
    result, _ = cycle(store, [], [inventory("cls-a", at(1))], at(1))
    assert result.removed_clusters == (key_of("cls-b"),)
    assert_store_holds(store, result)
    assert set(store.latest_inventories()) == {key_of("cls-a")}
    (interval,) = store.history(at(0), at(2)).intervals
    assert interval.resolved_reason is ResolveReason.CLUSTER_REMOVED
    spans = {s.key: s for s in store.history(at(0), at(2)).clusters}
    assert spans[key_of("cls-b")].removed_at == at(1)
    result, _ = cycle(
        store, [], [inventory("cls-a", at(2)), inventory("cls-b", at(2), cp="1.31.0")], at(2)
    )
    assert_store_holds(store, result)
    assert set(store.latest_inventories()) == {key_of("cls-a"), key_of("cls-b")}
    # First sight again: no version change announced for the return.
    assert EventType.VERSION_CHANGED not in types(store, at(2))


def test_timestamps_come_back_aware_and_equal(store: Store) -> None:
    shanghai = datetime(2026, 3, 2, 17, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    cycle(store, [behind("cls-a")], [inventory("cls-a", shanghai)], shanghai)
    (state,) = store.open_states()
    for moment in (state.opened_at, state.last_seen_at):
        assert moment == shanghai
        assert moment.utcoffset() == timedelta(0)
    (event,) = store.events()
    assert event.at == shanghai and event.at.utcoffset() == timedelta(0)
    # The id recomputed from what was read back is the id written: replays dedupe.
    assert event.id == event_id(event.type, str(event.finding), event.at)
    assert store.latest_inventories()[key_of("cls-a")].collected_at == shanghai
    assert store.snapshots()[key_of("cls-a")].taken_at == shanghai
    (item,) = store.claim_outbox("chat", shanghai)
    assert item.created_at == shanghai and item.created_at.tzinfo is not None
    assert store.history(shanghai, shanghai + timedelta(hours=1)).intervals[0].opened_at == (
        datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
    )


def test_events_since_and_limit(store: Store) -> None:
    for n in range(3):
        findings = [behind(f"cls-{i}") for i in range(n + 1)]
        cycle(store, findings, [inventory(f"cls-{i}", at(n)) for i in range(3)], at(n))
    assert len(store.events()) == 3
    assert [e.at for e in store.events(since=at(1))] == [at(1), at(2)]
    assert [e.at for e in store.events(limit=2)] == [at(0), at(1)]


def test_every_saved_cycle_moves_the_revision_and_nothing_else_does(store: Store) -> None:
    assert store.revision() == 0  # no cycle saved yet
    cycle(store, [behind("cls-a")], [inventory("cls-a", at(0))], at(0))
    first = store.revision()
    store.open_states(), store.latest_inventories(), store.prune(at(9))
    assert store.revision() == first
    cycle(store, [], [inventory("cls-a", at(1))], at(1))
    assert store.revision() == first + 1


def test_a_cycle_writes_the_states_it_changed_not_every_open_one(store: Store) -> None:
    names = [f"cls-{n}" for n in range(5)]
    cycle(store, [behind(n) for n in names], [inventory(n, at(0)) for n in names], at(0))
    written: list[int] = []

    def count(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        if statement.lstrip().upper().startswith("UPDATE DRIFT_STATES"):
            written.append(len(parameters) if isinstance(parameters, list) else 1)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        # One cluster looked at again (as a node-watch trigger does): seen, nothing else moves.
        result, _ = cycle(store, [behind("cls-0")], [inventory("cls-0", at(1))], at(1), sources=())
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert sum(written) == 1
    assert_store_holds(store, result)
    (seen,) = [s for s in store.open_states() if s.key.cluster == key_of("cls-0")]
    assert seen.last_seen_at == at(1)
