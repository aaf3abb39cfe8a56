"""Swarm and Mesos rules, the platform target in the plan, and their upgrade order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target, VersionPlan
from kubedrift.policies.engine import evaluate
from kubedrift.policies.platform_upgrade import platform_path
from kubedrift.versions import parse_constraint

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


def swarm(
    managers: dict[str, str], pools: dict[str, dict[str, int]], name: str = "s1"
) -> ClusterInventory:
    """A Swarm: manager hostname -> Engine version (the first leads), pool -> versions seen."""
    leader = next(iter(managers))
    return ClusterInventory.model_validate(
        {
            "provider": "swarm",
            "source": "t",
            "id": name,
            "name": name,
            "platform": "swarm",
            "collected_at": NOW,
            "control_plane": {
                "version": min(managers.values(), key=lambda v: tuple(map(int, v.split(".")))),
                "components": [
                    {
                        "component": "swarm-manager",
                        "version": v,
                        "instance": h,
                        "leader": h == leader,
                    }
                    for h, v in managers.items()
                ],
            },
            "node_pools": [
                {
                    "id": pool,
                    "name": pool,
                    "role": "worker",
                    "kubelet_version": min(seen, key=lambda v: tuple(map(int, v.split(".")))),
                    "versions_seen": seen,
                    "node_count": sum(seen.values()),
                }
                for pool, seen in pools.items()
            ],
        }
    )


def mesos(masters: dict[str, str], agents: dict[str, str]) -> ClusterInventory:
    data: dict[str, Any] = swarm(masters, {}).model_dump()
    data.update(provider="mesos", platform="mesos", id="m1", name="m1")
    data.pop("key")
    for component in data["control_plane"]["components"]:
        component["component"] = "mesos-master"
    data["node_pools"] = [
        {"id": f"agents/{a}", "name": a, "role": "agent", "kubelet_version": v,
         "versions_seen": {v: 3}, "node_count": 3}
        for a, v in agents.items()
    ]  # fmt: skip
    return ClusterInventory.model_validate(data)


def plan(**target: Any) -> VersionPlan:
    return VersionPlan.model_validate(
        {
            "version": 1,
            "groups": [
                {"name": "swarm", "selector": {"platform": "swarm"}, "target": target},
                {"name": "rest", "target": {"kubernetes": "1.31", "mesos": "1.11"}},
            ],
        }
    )


def found(inventories: list[ClusterInventory], the_plan: VersionPlan) -> dict[tuple[str, str], Any]:
    return {
        (f.key.rule, f.key.component): f
        for f in evaluate(the_plan, inventories, NOW, load_calendar())
    }


def test_swarm_behind_newer_workers_and_support() -> None:
    inv = swarm(
        {"m1": "27.5.1", "m2": "26.1.4", "m3": "27.5.1"},
        {"web": {"27.5.1": 4}, "batch": {"28.5.2": 2}},
    )
    out = found([inv], plan(docker_engine="29", allowed_lag={"minors": 1}))
    behind = out[("platform-version-behind", "control-plane")]
    assert behind.severity is Severity.HIGH and "3 release line(s) behind" in behind.summary
    newer = out[("platform-workers-newer", "node-pool/batch")]
    assert (
        newer.severity is Severity.HIGH
        and "newer than the oldest manager (26.1.4)" in newer.summary
    )
    assert ("platform-workers-newer", "node-pool/web") in out  # 27.5.1 > 26.1.4
    assert out[("platform-workers-behind", "node-pool/web")].severity is Severity.MEDIUM
    eos = out[("platform-end-of-support", "control-plane")]
    assert "26.1" in eos.summary and "unmaintained since 2025-02-17" in eos.summary
    # No Kubernetes rule looks at a Swarm cluster.
    assert {rule for rule, _ in out} <= {
        "platform-version-behind", "platform-workers-behind", "platform-workers-newer",
        "platform-end-of-support",
    }  # fmt: skip


def test_within_allowed_lag_and_in_grace() -> None:
    inv = swarm({"m1": "28.5.2"}, {"w": {"28.5.2": 1}})
    assert ("platform-version-behind", "control-plane") not in found(
        [inv], plan(docker_engine="29", allowed_lag={"minors": 1})
    )
    grace = plan(docker_engine="29", since="2026-11-01", allowed_lag={"minors": 0, "days": 60})
    assert found([inv], grace)[("platform-version-behind", "control-plane")].severity is (
        Severity.MEDIUM
    )


def test_ahead_of_the_target_is_low() -> None:
    inv = swarm({"m1": "29.7.2"}, {})
    finding = found([inv], plan(docker_engine="28"))[("platform-version-behind", "control-plane")]
    assert finding.severity is Severity.LOW and "newer than the target" in finding.summary


def test_maintained_line_close_to_its_end_warns() -> None:
    # 25.0: maintained for downstream distributors until 2026-12-04 (8 days after NOW).
    inv = swarm({"m1": "25.0.17"}, {})
    finding = found([inv], plan(docker_engine=">=25.0.0"))[
        ("platform-end-of-support", "control-plane")
    ]
    assert finding.severity is Severity.HIGH and "maintenance ends 2026-12-04" in finding.summary
    current = swarm({"m1": "29.7.2"}, {})
    assert ("platform-end-of-support", "control-plane") not in found(
        [current], plan(docker_engine="29")
    )


def test_newer_than_the_calendar_is_undetermined_not_supported() -> None:
    inv = swarm({"m1": "31.0.0"}, {})
    finding = found([inv], plan(docker_engine=">=29.0.0"))[
        ("platform-end-of-support", "control-plane")
    ]
    assert finding.severity is Severity.MEDIUM and "could not determine" in finding.summary


def test_mesos_agents_newer_than_masters_and_retired() -> None:
    inv = mesos({"a:5050": "1.10.0", "b:5050": "1.11.0"}, {"r1": "1.10.0", "r2": "1.11.0"})
    out = found([inv], plan(docker_engine="29"))
    assert out[("platform-workers-newer", "node-pool/agents/r2")].severity is Severity.HIGH
    assert ("platform-workers-newer", "node-pool/agents/r1") not in out
    assert "retired with the project" in out[("platform-end-of-support", "control-plane")].summary
    assert ("platform-version-behind", "control-plane") in out


def test_group_without_a_version_for_the_platform() -> None:
    inv = swarm({"m1": "28.5.2"}, {"w": {"29.0.0": 1}})
    only_k8s = VersionPlan.model_validate(
        {"version": 1, "groups": [{"name": "k8s", "target": {"kubernetes": "1.31"}}]}
    )
    out = found([inv], only_k8s)
    assert "sets no `docker_engine` version" in out[("cluster-not-in-plan", "cluster")].summary
    # The rules that need no target still run.
    assert ("platform-workers-newer", "node-pool/w") in out
    assert ("platform-version-behind", "control-plane") not in out


def test_target_needs_some_version_and_selector_platform() -> None:
    with pytest.raises(ValidationError, match="at least one of kubernetes, docker_engine or mesos"):
        Target.model_validate({})
    with pytest.raises(ValidationError, match="platform"):
        VersionPlan.model_validate(
            {"version": 1, "groups": [{"name": "a", "selector": {"platform": "nomad"},
                                       "target": {"kubernetes": "1.31"}}]}
        )  # fmt: skip
    the_plan = plan(docker_engine="29")
    assert the_plan.group_for(swarm({"m1": "29.0.0"}, {})).name == "swarm"  # type: ignore[union-attr]
    assert Target(docker_engine="29").version_for("swarm") == "29"
    assert Target(kubernetes="1.31").version_for("mesos") is None


def test_upgrade_order_followers_first_leader_last_then_workers() -> None:
    inv = swarm(
        {"lead": "27.5.1", "b": "26.1.4", "a": "29.7.2"},
        {"web": {"27.5.1": 4}, "ok": {"29.1.0": 1}},
    )
    path = platform_path(inv, "29", parse_constraint("29"))
    assert path.to_version == "29.7.2"  # the newest release the calendar lists in line 29
    assert [(s.order, s.action, s.component) for s in path.steps] == [
        (1, "upgrade_control_plane", "control-plane/swarm-manager/b"),
        (2, "upgrade_control_plane", "control-plane/swarm-manager/lead"),
        (3, "upgrade_node_pool", "node-pool/web"),
    ]
    assert "the leading manager lead" in path.steps[1].reason
    assert "2 of 3 managers keep quorum" in path.steps[0].reason
