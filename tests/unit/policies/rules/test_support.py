from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubedrift.model.findings import Severity
from kubedrift.policies.rules.support import EndOfSupport
from tests.unit.policies.rules.builders import cluster, run, target


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


# Upstream 1.35: end of support (maintenance mode) 2026-12-28, end of life 2027-02-28.
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-28", None),  # 91 days: outside warn_days (90)
        ("2026-09-29", Severity.MEDIUM),  # 90 days: inside the warning window
        ("2026-11-27", Severity.MEDIUM),  # 31 days
        ("2026-11-28", Severity.CRITICAL),  # 30 days: inside critical_days
        ("2026-12-28", Severity.CRITICAL),  # the end date itself: past
        ("2027-03-01", Severity.CRITICAL),  # past end of life too
    ],
)
def test_upstream_windows(day: str, expected: Severity | None) -> None:
    found = run(EndOfSupport, cluster("v1.35.1"), target("1.35"), at(day))
    assert [f.severity for f in found] == ([] if expected is None else [expected])
    if found:
        assert "upstream calendar" in found[0].summary


def test_plan_windows_are_honoured() -> None:
    goal = target("1.35", end_of_support={"warn_days": 10, "critical_days": 5})
    assert run(EndOfSupport, cluster("v1.35.1"), goal, at("2026-12-10")) == []
    [finding] = run(EndOfSupport, cluster("v1.35.1"), goal, at("2026-12-20"))
    assert finding.severity is Severity.MEDIUM


def test_past_end_of_support_names_maintenance() -> None:
    [finding] = run(EndOfSupport, cluster("v1.35.1"), target("1.35"), at("2027-01-10"))
    assert "maintenance only until 2027-02-28" in finding.summary


def test_provider_calendar_for_ack_and_upstream_when_asked() -> None:
    ack = cluster("1.34.1-aliyun.1", provider="ack", region="cn-hangzhou")
    [own] = run(EndOfSupport, ack, target("1.34"), at("2026-11-26"))
    assert "ACK calendar" in own.summary and "2026-09-30" in own.summary
    upstream = target("1.34", end_of_support={"calendar": "upstream"})
    [theirs] = run(EndOfSupport, ack, upstream, at("2026-11-26"))
    assert "upstream calendar" in theirs.summary and "2026-08-27" in theirs.summary


def test_live_metadata_wins_and_says_so() -> None:
    source = {
        "id": "live",
        "title": "TKE API",
        "url": "https://example.invalid",
        "retrieved": "2026-11-26",
    }
    support = {
        "provider": "tke",
        "minor": "1.30",
        "released": {"value": "2024-08-20", "source": source},
        "end_of_support": {"value": "2026-12-20", "source": source},
    }
    tke = cluster("1.30.0", provider="tke", region="ap-guangzhou", support=support)
    [finding] = run(EndOfSupport, tke, target("1.30"), at("2026-11-26"))
    assert finding.severity is Severity.CRITICAL  # 24 days left
    assert "live tke metadata, preferred over package data" in finding.summary
    assert "2026-12-20" in finding.summary


def test_unknown_date_is_its_own_finding() -> None:
    ack = cluster("1.36.1-aliyun.1", provider="ack", region="cn-hangzhou")
    [finding] = run(EndOfSupport, ack, target("1.36"), at("2026-11-26"))
    assert finding.severity is Severity.LOW
    assert finding.summary.startswith("could not determine")


def test_older_than_the_calendar_has_ended() -> None:
    ack = cluster("1.16.9-aliyun.1", provider="ack", region="cn-hangzhou")
    [finding] = run(EndOfSupport, ack, target("1.30"), at("2026-11-26"))
    assert finding.severity is Severity.CRITICAL
    assert "older than every minor" in finding.summary


def test_a_self_hosted_cluster_is_judged_by_the_upstream_calendar_and_says_so() -> None:
    old = cluster("1.16.9", provider="kubeconfig")
    [finding] = run(EndOfSupport, old, target("1.30"), at("2026-11-26"))
    assert finding.severity is Severity.CRITICAL
    assert finding.summary == (
        "1.16 is older than every minor the upstream calendar lists, all past end of support"
    )
