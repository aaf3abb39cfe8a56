"""The weekly report's delivery log on SQLite and PostgreSQL: a week is recorded once per
sink, due rows come back oldest week first, and a row only moves forward (pending to
delivered or dead)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubedrift.store import OutboxStatus, Store
from kubedrift.store.reports_repo import ReportDeliveries

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
WEEK = (datetime(2026, 11, 22, 16, 0, tzinfo=UTC), datetime(2026, 11, 29, 16, 0, tzinfo=UTC))
EARLIER = (WEEK[0] - timedelta(days=7), WEEK[0])


def test_a_week_is_recorded_once_per_sink(store: Store) -> None:
    log = ReportDeliveries(store)
    assert log.schedule("weekly/2026-11-23", *WEEK, ["slack", "mail"], NOW) == 2
    # The crontab firing again, a restart, a second replica: nothing new.
    assert log.schedule("weekly/2026-11-23", *WEEK, ["slack", "mail"], NOW) == 0
    # A sink added mid-week gets that week too.
    assert log.schedule("weekly/2026-11-23", *WEEK, ["slack", "mail", "ding"], NOW) == 1
    rows = log.of_period("weekly/2026-11-23")
    assert [(r.sink, r.status, r.attempts) for r in rows] == [
        ("ding", OutboxStatus.PENDING, 0),
        ("mail", OutboxStatus.PENDING, 0),
        ("slack", OutboxStatus.PENDING, 0),
    ]
    assert (rows[0].since, rows[0].until) == WEEK


def test_due_rows_move_forward_only(store: Store) -> None:
    log = ReportDeliveries(store)
    log.schedule("weekly/2026-11-16", *EARLIER, ["slack"], NOW - timedelta(days=7))
    log.schedule("weekly/2026-11-23", *WEEK, ["slack", "mail"], NOW)
    due = log.due(NOW)
    assert [(d.period, d.sink) for d in due] == [
        ("weekly/2026-11-16", "slack"),
        ("weekly/2026-11-23", "mail"),
        ("weekly/2026-11-23", "slack"),
    ]
    old, mail, slack = due
    log.delivered(old.id, NOW)
    log.failed(mail.id, NOW, "SMTP 451 try later", retry_at=NOW + timedelta(minutes=10))
    log.failed(slack.id, NOW, "channel_not_found", retry_at=None)
    assert log.due(NOW) == ()
    (again,) = log.due(NOW + timedelta(minutes=10))
    assert (again.sink, again.attempts, again.last_error) == ("mail", 1, "SMTP 451 try later")
    # A dead or delivered row is never reopened by a late writer.
    log.failed(old.id, NOW, "late", retry_at=NOW)
    log.delivered(slack.id, NOW)
    states = {
        (r.period, r.sink): r
        for r in (*log.of_period("weekly/2026-11-16"), *log.of_period("weekly/2026-11-23"))
    }
    assert states["weekly/2026-11-16", "slack"].status is OutboxStatus.DELIVERED
    assert states["weekly/2026-11-16", "slack"].finished_at == NOW
    assert states["weekly/2026-11-23", "slack"].status is OutboxStatus.DEAD
    assert states["weekly/2026-11-23", "slack"].last_error == "channel_not_found"
    latest = log.latest()
    assert latest is not None and latest.period == "weekly/2026-11-23"
