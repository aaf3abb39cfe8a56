"""The plan model: first-match groups, selectors, waivers, waves and the value types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from kubedrift.model.plan import RolloutWave, Target, VersionPlan
from kubedrift.model.selector import Selector
from kubedrift.policies.planfile import load_plan, parse_plan
from kubedrift.versions import MinorVersion

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "plan.yaml"


@dataclass(frozen=True)
class Cluster:
    name: str
    provider: str
    region: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def example() -> VersionPlan:
    return load_plan(EXAMPLE)


@pytest.mark.parametrize(
    ("cluster", "group"),
    [
        (Cluster("stg-hz-1", "ack", "cn-hangzhou", {"env": "staging"}), "staging"),
        (Cluster("dev-gz-1", "tke", "ap-guangzhou", {"env": "dev"}), "staging"),
        (Cluster("prod-hz-canary-1", "ack", "cn-hangzhou", {"env": "production"}), "canary-ack"),
        (Cluster("prod-hz-pay", "ack", "cn-hangzhou", {"env": "production"}), "prod-ack"),
        (Cluster("prod-bj-pay", "ack", "cn-beijing", {"env": "production"}), None),
        (Cluster("prod-gz-web", "tke", "ap-guangzhou", {"env": "production"}), "prod-tke"),
        (Cluster("idc-bj1-core", "kubeconfig", None, {"dc": "idc-bj1"}), "idc-selfhosted"),
        (Cluster("idc-sh2-core", "incluster"), "idc-selfhosted"),
        (Cluster("lab-1", "kubeconfig"), None),
    ],
)
def test_a_cluster_belongs_to_the_first_matching_group(
    example: VersionPlan, cluster: Cluster, group: str | None
) -> None:
    found = example.group_for(cluster)
    assert (found.name if found else None) == group


@pytest.mark.parametrize(
    ("selector", "cluster", "matches"),
    [
        ({}, Cluster("any", "eks"), True),
        ({"provider": ["ack", "tke"]}, Cluster("a", "tke"), True),
        ({"provider": "selfhosted"}, Cluster("a", "kubeconfig"), True),
        ({"provider": "kubeconfig"}, Cluster("a", "incluster"), False),
        ({"region": "cn-*"}, Cluster("a", "ack", "cn-shanghai"), True),
        ({"region": "cn-*"}, Cluster("a", "kubeconfig", None), False),
        ({"name": ["web-*", "api-?"]}, Cluster("api-1", "ack"), True),
        ({"name": "web-*", "exclude": "web-test-*"}, Cluster("web-test-1", "ack"), False),
        (
            {"labels": {"env": ["prod", "production"]}},
            Cluster("a", "ack", None, {"env": "prod"}),
            True,
        ),
        ({"labels": {"env": "prod"}}, Cluster("a", "ack", None, {}), False),
        (
            {"labels": {"env": "prod", "tier": "1"}},
            Cluster("a", "ack", None, {"env": "prod"}),
            False,
        ),
    ],
)
def test_selector_matching(selector: dict[str, object], cluster: Cluster, matches: bool) -> None:
    assert Selector.model_validate(selector).matches(cluster) is matches


@pytest.mark.parametrize(
    ("earlier", "later", "covers"),
    [
        ({}, {"provider": "ack"}, True),
        ({"provider": ["ack", "tke"]}, {"provider": "ack", "region": "cn-*"}, True),
        ({"provider": "ack"}, {"region": "cn-*"}, False),
        ({"region": "cn-*"}, {"region": ["cn-hangzhou", "cn-shanghai"]}, True),
        ({"region": "cn-*"}, {"region": "cn-h*"}, False),
        ({"labels": {"env": ["a", "b"]}}, {"labels": {"env": "a", "team": "x"}}, True),
        ({"labels": {"env": "a"}}, {"labels": {"env": ["a", "b"]}}, False),
        ({"exclude": "x"}, {"name": "y"}, False),
    ],
)
def test_selector_covers_is_conservative(
    earlier: dict[str, object], later: dict[str, object], covers: bool
) -> None:
    assert Selector.model_validate(earlier).covers(Selector.model_validate(later)) is covers


@pytest.mark.parametrize(
    ("rule", "component", "cluster", "day", "waived_by"),
    [
        (
            "control-plane-minor-lag",
            "control-plane",
            Cluster("prod-hz-payments-legacy", "ack", "cn-hangzhou", {"env": "production"}),
            date(2027, 3, 31),
            ["payments-legacy-psp"],
        ),
        (
            "control-plane-minor-lag",
            "control-plane",
            Cluster("prod-hz-payments-legacy", "ack", "cn-hangzhou", {"env": "production"}),
            date(2027, 4, 1),
            [],
        ),
        (
            "control-plane-minor-lag",
            "control-plane",
            Cluster("prod-hz-web", "ack", "cn-hangzhou", {"env": "production"}),
            date(2027, 1, 1),
            [],
        ),
        (
            "addon-behind",
            "addon/calico",
            Cluster("idc-bj1-a", "kubeconfig", None, {"dc": "idc-bj1"}),
            date(2027, 1, 15),
            ["idc-calico-pin"],
        ),
        (
            "addon-behind",
            "addon/coredns",
            Cluster("idc-bj1-a", "kubeconfig", None, {"dc": "idc-bj1"}),
            date(2027, 1, 15),
            [],
        ),
        (
            "skew-kubelet",
            "addon/calico",
            Cluster("idc-bj1-a", "kubeconfig", None, {"dc": "idc-bj1"}),
            date(2027, 1, 15),
            [],
        ),
    ],
)
def test_waivers_for_a_finding(  # noqa: PLR0917 - one parameter per table column
    example: VersionPlan,
    rule: str,
    component: str,
    cluster: Cluster,
    day: date,
    waived_by: list[str],
) -> None:
    assert [w.id for w in example.waivers_for(rule, component, cluster, day)] == waived_by


def test_targets_expose_minor_and_constraint(example: VersionPlan) -> None:
    groups = {g.name: g for g in example.groups}
    assert groups["prod-ack"].target.minor == MinorVersion(1, 31)
    assert groups["canary-ack"].target.minor is None
    assert groups["prod-ack"].target.constraint is groups["prod-ack"].target.constraint
    assert groups["prod-tke"].target.addons["kube-proxy"].constraint is not None
    assert groups["staging"].target.addons["terway"].aliases == ("terway-eniip", "terway-eni")


def test_anchors_share_addon_targets(example: VersionPlan) -> None:
    groups = {g.name: g for g in example.groups}
    assert groups["prod-ack"].target.addons == groups["canary-ack"].target.addons


def test_defaults_are_documented_values() -> None:
    target = Target.model_validate({"kubernetes": "1.31"})
    assert (target.allowed_lag.minors, target.allowed_lag.patches, target.allowed_lag.days) == (
        0,
        2,
        30,
    )
    assert (target.end_of_support.warn_days, target.end_of_support.critical_days) == (90, 30)
    assert target.end_of_support.calendar == "provider"
    assert target.node_pools.max_minor_skew is None


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("72h", timedelta(hours=72)),
        ("3d", timedelta(days=3)),
        ("1w2d", timedelta(days=9)),
        ("1d12h30m", timedelta(days=1, hours=12, minutes=30)),
    ],
)
def test_soak_durations(text: str, duration: timedelta) -> None:
    wave = RolloutWave.model_validate({"name": "w", "soak": text})
    assert wave.soak == duration
    assert RolloutWave.model_validate(wave.model_dump(mode="json")) == wave


@pytest.mark.parametrize("text", ["", "3 days", "h", "72", "-1d", "1.5d"])
def test_bad_soak_durations(text: str) -> None:
    with pytest.raises(ValidationError, match="expected a duration like 72h"):
        RolloutWave.model_validate({"name": "w", "soak": text})


def test_waves_in_order_uses_order_then_list_position() -> None:
    plan = parse_plan(
        'version: 1\ngroups:\n  - name: a\n    target: {kubernetes: "1.31"}\n'
        "waves:\n  - {name: prod, order: 5}\n  - {name: staging, order: 0}\n  - {name: canary}\n"
    )
    assert [w.name for w in plan.waves_in_order()] == ["staging", "canary", "prod"]


def test_plan_is_frozen(example: VersionPlan) -> None:
    with pytest.raises(ValidationError):
        example.groups[0].target.allowed_lag.minors = 3  # type: ignore[misc]
