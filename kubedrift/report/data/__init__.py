"""Weekly report figures, built purely from store rows (part of the pure core).

    rows = ReportRows(intervals=history.intervals, clusters=history.clusters, ...)
    report = build_weekly_report(rows, since=..., until=..., now=..., plan=plan, calendar=cal)

`docs/report.md` defines every figure.
"""

from __future__ import annotations

from kubedrift.report.data.build import ReportRows, build_weekly_report, trend_start
from kubedrift.report.data.models import BUCKETS, WeeklyReport

__all__ = ["BUCKETS", "ReportRows", "WeeklyReport", "build_weekly_report", "trend_start"]
