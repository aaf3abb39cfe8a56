"""What the weekly report and the enforcers read: finding intervals, daily compliance,
proposed changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kubedrift.model.findings import Severity
from kubedrift.store import Store
from tests.integration.store.cycles import T0, behind, cycle, inventory

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)
CLUSTERS = ("cls-a", "cls-b", "cls-c")


def day_cycle(store: Store, n: int, findings: list[str], *, waived: tuple[str, ...] = ()) -> None:
    now = T0 + n * DAY
    cycle(
        store,
        [behind(c, waived=c in waived) for c in findings],
        [inventory(c, now) for c in CLUSTERS],
        now,
    )


def test_compliance_per_day_from_the_stored_intervals(store: Store) -> None:
    day_cycle(store, 0, ["cls-a", "cls-b"])  # Mon: a, b drift
    day_cycle(store, 1, ["cls-a"])  # Tue: b fixed
    day_cycle(store, 2, ["cls-a", "cls-c"], waived=("cls-c",))  # Wed: c drifts, waived
    day_cycle(store, 3, [])  # Thu: all fixed
    since = T0.replace(hour=0)
    history = store.history(since, since + 5 * DAY)
    assert [(d.day, d.clusters, d.compliant, d.open_findings) for d in history.days] == [
        (date(2026, 3, 2), 3, 1, 2),
        (date(2026, 3, 3), 3, 2, 1),
        (date(2026, 3, 4), 3, 2, 1),
        (date(2026, 3, 5), 3, 3, 0),
        (date(2026, 3, 6), 3, 3, 0),
    ]
    assert history.days[0].ratio == pytest.approx(1 / 3)
    assert len(history.intervals) == 3
    assert {s.key for s in history.clusters} == {f"tke/ap-shanghai/{c}" for c in CLUSTERS}
    # A window that starts after b was fixed does not show b's interval.
    later = store.history(since + 2 * DAY, since + 3 * DAY)
    assert sorted(i.key.cluster[-5:] for i in later.intervals) == ["cls-a", "cls-c"]
    # The threshold: these medium findings do not count against a `high` one.
    assert store.history(since, since + DAY, min_severity=Severity.HIGH).days[0].compliant == 3


def test_history_needs_an_interval(store: Store) -> None:
    with pytest.raises(ValueError, match="since < until"):
        store.history(T0, T0)


def test_proposed_changes_are_recorded_once_per_key(store: Store) -> None:
    key = "tke/ap-shanghai/cls-a/control-plane/1.30"
    opened = store.record_change(key, kind="terraform_pr", state="open", now=T0, cluster="x")
    assert opened.created_at == opened.updated_at == T0 and opened.url is None
    later = T0 + DAY
    updated = store.record_change(
        key, kind="terraform_pr", state="merged", now=later, url="https://forge/pr/7"
    )
    assert (updated.created_at, updated.updated_at) == (T0, later)
    assert (updated.state, updated.url, updated.cluster) == ("merged", "https://forge/pr/7", "x")
    store.record_change("other", kind="ticket", state="open", now=T0)
    assert [c.key for c in store.proposed_changes()] == ["other", key]
    assert [c.key for c in store.proposed_changes(states=["open"])] == ["other"]
    assert store.proposed_change(key) == updated
    assert store.proposed_change("missing") is None
