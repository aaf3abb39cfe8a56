from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubedrift.model.findings import Severity
from kubedrift.policies.rules.control_plane import (
    ControlPlaneAhead,
    ControlPlaneMinorLag,
    ControlPlanePatchLag,
    TargetNotOffered,
)
from tests.unit.policies.rules.builders import cluster, run, target


@pytest.mark.parametrize(
    ("version", "goal", "lag", "since", "expected"),
    [
        ("1.30.2", "1.30", {}, None, None),
        ("1.29.9", "1.30", {"minors": 1}, None, Severity.INFO),
        ("1.29.9", "1.30", {"minors": 0}, None, Severity.HIGH),
        ("1.28.9", "1.30", {"minors": 1}, None, Severity.HIGH),
        # Inside the catch-up period after `since`: low; the day it ends: full severity.
        ("1.28.9", "1.30", {"minors": 1, "days": 30}, "2026-11-01", Severity.LOW),
        ("1.28.9", "1.30", {"minors": 1, "days": 25}, "2026-11-01", Severity.HIGH),
        # A constraint is met by any minor it admits; lag counts below the oldest one.
        ("1.30.1-aliyun.1", ">=1.30.0-0 <1.32.0-0", {}, None, None),
        ("1.29.1-aliyun.1", ">=1.30.0-0 <1.32.0-0", {"minors": 1}, None, Severity.INFO),
        ("1.31.0", "1.30", {}, None, None),
    ],
)
def test_minor_lag(
    version: str, goal: str, lag: dict[str, int], since: str | None, expected: Severity | None
) -> None:
    fields: dict[str, object] = {"allowed_lag": lag}
    if since:
        fields["since"] = since
    found = run(ControlPlaneMinorLag, cluster(version), target(goal, **fields))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_minor_lag_measures_the_oldest_api_server_and_carries_steps() -> None:
    inventory = cluster("1.30.2", apiservers=("1.30.2", "1.29.5"))
    [finding] = run(ControlPlaneMinorLag, inventory, target("1.30"))
    assert finding.observed == "1.29.5"
    assert finding.remedy is not None
    assert [s.action for s in finding.remedy.steps][:1] == ["upgrade_control_plane"]
    assert finding.key.component == "control-plane"


@pytest.mark.parametrize(
    ("version", "goal", "expected"),
    [("1.32.1", "1.30", 2), ("1.31.0", "1.30", 1), ("1.30.9", "1.30", None)],
)
def test_ahead(version: str, goal: str, expected: int | None) -> None:
    found = run(ControlPlaneAhead, cluster(version), target(goal))
    if expected is None:
        assert found == []
    else:
        assert [f.severity for f in found] == [Severity.MEDIUM]
        assert f"{expected} minor" in found[0].summary


@pytest.mark.parametrize(
    ("version", "offered", "allowed", "expected"),
    [
        ("1.30.2", ("1.30.5",), 2, Severity.MEDIUM),
        ("1.30.3", ("1.30.5",), 2, None),
        ("1.30.2", ("1.30.5",), None, None),
        # No offered versions: the upstream calendar's newest patch decides.
        ("1.30.1", (), 2, Severity.MEDIUM),
    ],
)
def test_patch_lag(
    version: str, offered: tuple[str, ...], allowed: int | None, expected: Severity | None
) -> None:
    inventory = cluster(version, available=offered)
    found = run(ControlPlanePatchLag, inventory, target("1.30", allowed_lag={"patches": allowed}))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_patch_lag_unknown_newest_is_info() -> None:
    inventory = cluster("1.36.1-aliyun.1", provider="ack", region="cn-hangzhou")
    [finding] = run(ControlPlanePatchLag, inventory, target("1.36"))
    assert finding.severity is Severity.INFO
    assert finding.summary.startswith("could not determine")


def test_patch_rejected_by_constraint() -> None:
    [finding] = run(ControlPlanePatchLag, cluster("1.30.2"), target(">=1.30.5"))
    assert "does not admit" in finding.summary


@pytest.mark.parametrize(
    ("provider", "offered", "expected"),
    [
        ("ack", ("1.30.1-aliyun.1",), Severity.HIGH),
        ("ack", ("1.30.1-aliyun.1", "1.31.1-aliyun.1"), None),
        ("ack", (), Severity.INFO),
        ("kubeconfig", (), None),
    ],
)
def test_target_not_offered(
    provider: str, offered: tuple[str, ...], expected: Severity | None
) -> None:
    inventory = cluster(
        "1.29.3-aliyun.1", provider=provider, region="cn-hangzhou", available=offered
    )
    found = run(TargetNotOffered, inventory, target("1.31"))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_no_finding_without_a_known_version() -> None:
    inventory = cluster(None)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for rule in (ControlPlaneMinorLag, ControlPlanePatchLag, ControlPlaneAhead, TargetNotOffered):
        assert run(rule, inventory, target("1.30"), now) == []
