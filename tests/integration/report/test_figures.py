"""The weekly report's figures from the seeded store (see `seed.py`), checked exactly.

Hand computation, window [03-09, 03-16), 4 clusters, one sample per UTC day end:
compliant per day 2, 2, 2, 2, 3, 3, 3 (pay fixed 03-11 15:00, data broke 03-11 15:00 and was
fixed 03-13 09:00, legacy open throughout, web's finding waived) -> 17 of 28 cluster-days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Severity
from kubedrift.report.data import WeeklyReport, build_weekly_report
from kubedrift.report.data.models import Score
from kubedrift.report.rows import read_rows
from kubedrift.store import Store
from tests.integration.report.seed import DATA, LEGACY, NOW, PAY, PLAN, SINCE, UNTIL, WEB

pytestmark = pytest.mark.integration


def test_compliance_score_previous_week_and_current(report: WeeklyReport) -> None:
    c = report.compliance
    assert c.score == Score(compliant=17, total=28)
    assert c.score.ratio == pytest.approx(17 / 28)
    assert c.previous == Score(compliant=14, total=28)  # 03-02..03-08: pay and legacy drift
    assert c.current == Score(compliant=3, total=4)
    assert [(d.day.day, d.clusters, d.compliant) for d in c.days] == [
        (9, 4, 2), (10, 4, 2), (11, 4, 2), (12, 4, 2), (13, 4, 3), (14, 4, 3), (15, 4, 3),
    ]  # fmt: skip


def test_the_fleet_figure_agrees_with_the_stores_daily_compliance(seeded: Store) -> None:
    # No waiver-expiring findings here, so both definitions must give the same days.
    days = seeded.history(SINCE, UNTIL).days
    report = build_weekly_report(
        read_rows(seeded, SINCE, UNTIL),
        since=SINCE, until=UNTIL, now=NOW, plan=PLAN, calendar=load_calendar(),
    )  # fmt: skip
    assert [(d.day, d.clusters, d.compliant) for d in days] == [
        (p.day, p.clusters, p.compliant) for p in report.compliance.days
    ]


def test_twelve_week_trends_overall_per_provider_and_per_group(report: WeeklyReport) -> None:
    fleet = report.compliance.fleet
    assert len(fleet.points) == 12
    assert fleet.points[-1].start == SINCE and fleet.points[-1].end == UNTIL
    assert [p.score.total for p in fleet.points] == [0] * 10 + [28, 28]
    assert [p.score.ratio for p in fleet.points[:10]] == [None] * 10
    latest = {s.name: (s.latest.compliant, s.latest.total) for s in report.compliance.providers}
    assert latest == {"ack": (12, 14), "tke": (5, 14)}
    groups = {s.name: (s.owner, s.points[-2].score, s.latest) for s in report.compliance.groups}
    assert groups == {
        "payments": ("支付团队", Score(compliant=0, total=7), Score(compliant=5, total=7)),
        "web": ("web-team", Score(compliant=7, total=7), Score(compliant=7, total=7)),
        "data": ("数据平台组", Score(compliant=7, total=14), Score(compliant=5, total=14)),
    }


def test_time_in_drift_and_mean_time_to_resolve(report: WeeklyReport) -> None:
    # pay 03-09 00:00 -> 03-11 15:00 = 63 h; legacy all week = 168 h; data 42 h; web waived.
    assert report.time_in_drift.drift_hours == 63 + 168 + 42
    assert report.time_in_drift.cluster_hours == 4 * 168
    # pay: opened 03-02 09:00, resolved 03-11 15:00 = 222 h (the whole opening counts);
    # data: 03-11 15:00 -> 03-13 09:00 = 42 h.
    r = report.resolution
    assert (r.resolved, r.mean_hours, r.median_hours, r.removed) == (2, 132.0, 132.0, 0)


def test_open_drift_by_team_with_owner_and_age(report: WeeklyReport) -> None:
    teams = {
        t.group: (t.owner, t.clusters, t.open, t.waived, t.oldest_hours, t.drift_hours)
        for t in report.teams
    }
    assert teams == {
        "payments": ("支付团队", 1, 0, 0, None, 63.0),
        "web": ("web-team", 1, 0, 1, None, 0.0),
        "data": ("数据平台组", 2, 1, 0, 327.0, 210.0),
    }
    (oldest,) = report.oldest
    assert (oldest.cluster, oldest.severity, oldest.age_hours, oldest.stale) == (
        LEGACY, Severity.HIGH, 13 * 24 + 15, False,
    )  # fmt: skip


def test_end_of_support_forecast_buckets(report: WeeklyReport) -> None:
    f = report.forecast
    assert f.counts == {"ended": 1, "30": 0, "90": 1, "180": 2, "later": 0, "unknown": 0}
    assert [(c.cluster, c.minor, c.ends, c.days, c.estimated) for c in f.clusters] == [
        (LEGACY, "1.28", date(2025, 11, 15), -121, True),  # TKE dates are estimates
        (WEB, "1.33", date(2026, 5, 31), 76, False),
        (PAY, "1.30", date(2026, 6, 30), 106, False),
        (DATA, "1.30", date(2026, 7, 17), 123, True),
    ]


def test_waivers_upgrades_versions_and_collection_health(report: WeeklyReport) -> None:
    assert [(w.id, w.days_left) for w in report.waivers] == [("w-old", -15), ("w-web", 15)]
    (upgrade,) = report.upgrades
    assert upgrade.cluster == PAY and upgrade.at == datetime(2026, 3, 11, 15, tzinfo=UTC)
    assert upgrade.changes["control-plane"] == "1.30.1-aliyun.1 -> 1.30.7-aliyun.1"
    assert [(v.provider, v.minor, v.clusters) for v in report.versions] == [
        ("ack", "1.30", 1), ("ack", "1.33", 1), ("tke", "1.28", 1), ("tke", "1.30", 1),
    ]  # fmt: skip
    health = {s.source: (s.failing, s.outages) for s in report.health.sources}
    assert health == {"ack-prod": (False, 0), "tke-prod": (False, 1)}
    assert report.health.stale_clusters == () and report.health.unseen_clusters == ()


def test_during_the_outage_legacy_is_stale_and_still_counts(seeded: Store) -> None:
    # A window ending just after the failed cycle: "could not look" is not "fine".
    until = datetime(2026, 3, 14, 12, tzinfo=UTC)
    rows = read_rows(seeded, SINCE, until)
    report = build_weekly_report(
        rows, since=SINCE, until=until, now=NOW, plan=PLAN, calendar=load_calendar()
    )
    assert report.compliance.current == Score(compliant=3, total=4)
    assert report.time_in_drift.drift_hours == 63 + (5 * 24 + 12) + 42


def test_a_higher_threshold_ignores_medium_findings(seeded: Store) -> None:
    rows = read_rows(seeded, SINCE, UNTIL)
    report = build_weekly_report(
        rows, since=SINCE, until=UNTIL, now=NOW, plan=PLAN, calendar=load_calendar(),
        min_severity=Severity.HIGH,
    )  # fmt: skip
    assert report.compliance.score == Score(compliant=21, total=28)  # only legacy counts
    assert report.resolution.resolved == 0 and report.resolution.mean_hours is None


def test_the_window_must_not_be_empty(seeded: Store) -> None:
    rows = read_rows(seeded, SINCE, UNTIL)
    with pytest.raises(ValueError, match="since < until"):
        build_weekly_report(
            rows, since=UNTIL, until=UNTIL, now=NOW, plan=PLAN, calendar=load_calendar()
        )
