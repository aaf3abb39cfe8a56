"""Held outbox rows (quiet hours) on SQLite and PostgreSQL: not due until the hold ends, not
an attempt, not pending in the stats, due again like a pending row afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kubedrift.store import OutboxStatus, Store
from tests.integration.store.cycles import at, behind, cycle, inventory

pytestmark = pytest.mark.integration

NOW = at(0)


def test_a_held_row_waits_then_is_claimed_as_a_first_attempt(store: Store) -> None:
    cycle(store, [behind("c0")], [inventory("c0", NOW)], NOW, sinks=("chat",))
    (item,) = store.claim_outbox("chat", NOW)
    until = NOW + timedelta(hours=8)
    assert store.hold_outbox(item, until)
    assert not store.hold_outbox(item, until)  # the claim is spent: a second hold is refused
    stats = {s.status: s.count for s in store.outbox_stats()}
    assert stats == {OutboxStatus.HELD: 1}
    assert store.claim_outbox("chat", until - timedelta(seconds=1)) == []
    (again,) = store.claim_outbox("chat", until)
    assert again.attempts == 1  # holding was not an attempt
    assert {s.status: s.count for s in store.outbox_stats()} == {OutboxStatus.PENDING: 1}
    assert store.mark_delivered(again, until)
    assert {s.status: s.count for s in store.outbox_stats()} == {OutboxStatus.DELIVERED: 1}
