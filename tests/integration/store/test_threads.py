"""Notification threads on SQLite and PostgreSQL: save, read back, replace on a new
opening, per sink, and pruned only once the finding is closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kubedrift.model.threads import ChatThread
from kubedrift.store import Store
from tests.integration.store.cycles import at, behind, cycle, inventory

pytestmark = pytest.mark.integration

FIRST = ChatThread(channel="C0K8S", ts="1770000000.000100")
AGAIN = ChatThread(channel="C0K8S", ts="1770009999.000200")


def test_saved_threads_read_back_per_sink_and_replace(store: Store) -> None:
    keys = [behind(c).key for c in ("c0", "c1", "c2")]
    store.save_threads("slack-ops", keys[:2], FIRST, at(0))
    assert store.threads("slack-ops", keys) == {str(keys[0]): FIRST, str(keys[1]): FIRST}
    assert store.threads("slack-other", keys) == {}
    assert store.threads("slack-ops", []) == {}
    # The finding opened again: its new opening message replaces the old one.
    store.save_threads("slack-ops", keys[1:], AGAIN, at(5))
    assert store.threads("slack-ops", keys) == {
        str(keys[0]): FIRST,
        str(keys[1]): AGAIN,
        str(keys[2]): AGAIN,
    }


def test_many_keys_in_one_call(store: Store) -> None:
    keys = [behind(f"c{i}").key for i in range(700)]  # more than one chunk of a query
    store.save_threads("slack-ops", keys, FIRST, at(0))
    assert len(store.threads("slack-ops", keys)) == 700


def test_prune_keeps_the_threads_of_open_findings(store: Store) -> None:
    now = at(0)
    cycle(store, [behind("c0"), behind("c1")], [inventory(c, now) for c in ("c0", "c1")], now)
    open_key, closing = behind("c0").key, behind("c1").key
    store.save_threads("slack-ops", [open_key, closing], FIRST, now)
    later = at(1)
    # c1's drift resolves; c0's stays open.
    cycle(store, [behind("c0")], [inventory(c, later) for c in ("c0", "c1")], later)
    assert store.prune(now) == 0  # nothing older than the cut-off yet
    store.prune(now + timedelta(days=30))
    assert store.threads("slack-ops", [open_key, closing]) == {str(open_key): FIRST}
