"""Read what the weekly report needs from the store: the one impure step before
`report.data.build_weekly_report`."""

from __future__ import annotations

from datetime import datetime

from kubedrift.model.findings import Severity
from kubedrift.report.data import ReportRows, trend_start
from kubedrift.store import Store

# `Store.events` has no upper bound or type filter: read the window's events in one go. A
# week of a 1000-cluster fleet is far below this; past it the report would miss the newest.
EVENTS_LIMIT = 1_000_000


def read_rows(
    store: Store, since: datetime, until: datetime, *, min_severity: Severity = Severity.LOW
) -> ReportRows:
    history = store.history(trend_start(since, until), until, min_severity=min_severity)
    return ReportRows(
        intervals=history.intervals,
        clusters=history.clusters,
        events=tuple(e for e in store.events(since, limit=EVENTS_LIMIT) if e.at < until),
        inventories=store.latest_inventories(),
        sources=store.source_states(),
        open_states=store.open_states(),
    )
