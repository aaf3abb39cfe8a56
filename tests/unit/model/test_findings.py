from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Finding, FindingKey, Remedy, Severity, UpgradeStep


def test_severity_order() -> None:
    assert sorted(Severity, reverse=True) == [
        Severity.CRITICAL,
        Severity.HIGH,
        Severity.MEDIUM,
        Severity.LOW,
        Severity.INFO,
    ]
    assert Severity.LOW < Severity.MEDIUM <= Severity.MEDIUM < Severity.CRITICAL
    assert max(Severity.HIGH, Severity.INFO) is Severity.HIGH


@given(st.sampled_from(list(Severity)), st.sampled_from(list(Severity)))
def test_severity_order_matches_rank(a: Severity, b: Severity) -> None:
    assert (a < b) == (a.rank < b.rank)
    assert (a >= b) == (a.rank >= b.rank)
    assert (a > b) == (a.rank > b.rank)
    assert (a <= b) == (a.rank <= b.rank)


@pytest.mark.parametrize(("raw", "expected"), [("HIGH", Severity.HIGH), (" info ", Severity.INFO)])
def test_severity_parse(raw: str, expected: Severity) -> None:
    assert Severity.parse(raw) is expected


def test_severity_parse_names_the_choices() -> None:
    with pytest.raises(ValueError, match="expected one of info, low, medium, high, critical"):
        Severity.parse("urgent")


def test_finding_key_and_json() -> None:
    key = FindingKey(
        cluster="ack/cn-hangzhou/c1", rule="control-plane-minor-lag", component="control-plane"
    )
    assert str(key) == "ack/cn-hangzhou/c1|control-plane-minor-lag|control-plane"
    finding = Finding(
        key=key,
        severity=Severity.HIGH,
        summary="control plane 1.28 is 3 minors behind target 1.31",
        observed="1.28.9-aliyun.1",
        expected="1.31",
        remedy=Remedy(
            summary="upgrade the control plane one minor at a time",
            steps=(
                UpgradeStep(
                    order=1,
                    action="upgrade_control_plane",
                    component="control-plane",
                    from_version="1.28.9-aliyun.1",
                    to_version="1.29",
                    reason="one minor per step",
                ),
            ),
        ),
    )
    assert not finding.waived
    assert Finding.model_validate_json(finding.model_dump_json()) == finding
    assert finding.model_copy(update={"waived_by": "waiver-1"}).waived


def test_event_carries_its_finding() -> None:
    key = FindingKey(cluster="c", rule="r", component="x")
    event = DriftEvent(
        id="e1",
        type=EventType.DRIFT_ESCALATED,
        at=datetime(2026, 11, 26, tzinfo=UTC),
        cluster="c",
        finding=key,
        severity=Severity.CRITICAL,
        previous_severity=Severity.HIGH,
        summary="end of support passed",
    )
    assert DriftEvent.model_validate_json(event.model_dump_json()) == event
    assert event.type.value == "drift.escalated"
