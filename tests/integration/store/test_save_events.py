"""Events saved outside a cycle (reminders) on SQLite and PostgreSQL: with their outbox
rows in one go, and a repeat adds nothing (no second row, no second event)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kubedrift.model.events import DriftEvent, EventType
from kubedrift.store import OutboxStatus, Store
from tests.integration.store.cycles import at, behind

pytestmark = pytest.mark.integration


def reminder(n: int) -> DriftEvent:
    key = behind("c0").key
    return DriftEvent(
        id=f"reminder-{n}",
        type=EventType.DRIFT_REMINDER,
        at=at(0) + timedelta(hours=4 * n),
        cluster=key.cluster,
        finding=key,
        summary="c0 is behind its target",
        detail={"route": "default", "reminder": str(n)},
    )


def test_saved_once_with_their_rows_and_never_twice(store: Store) -> None:
    now = at(0)
    assert store.save_events([reminder(1)], lambda e: ["chat", "pager"], now) == (1, 2)
    assert store.save_events([reminder(1), reminder(2)], lambda e: ["chat"], now) == (1, 1)
    assert store.save_events([reminder(1), reminder(2)], lambda e: ["chat"], now) == (0, 0)
    assert [e.id for e in store.events()] == ["reminder-1", "reminder-2"]
    stats = {(s.sink, s.status): s.count for s in store.outbox_stats()}
    assert stats == {("chat", OutboxStatus.PENDING): 2, ("pager", OutboxStatus.PENDING): 1}
