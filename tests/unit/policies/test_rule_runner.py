"""The rule runner asks part rules once per distinct part, and judges each part on its own."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import ClassVar

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory, NodePool
from kubedrift.model.plan import VersionPlan
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan
from kubedrift.policies.rules.base import Draft, RuleInfo, draft
from kubedrift.policies.rules.parts import PlaneFacts, PoolPartRule
from kubedrift.policies.rules.skew_rules import SkewKubelet
from tests.unit.policies.rules.builders import NOW, cluster

CALENDAR = load_calendar()
PLAN: VersionPlan = parse_plan(
    """
version: 1
groups:
  - name: all
    selector: {}
    target: {kubernetes: "1.29"}
"""
)


def _json(findings: list[Finding]) -> str:
    return json.dumps([f.model_dump(mode="json") for f in findings], sort_keys=True)


class _PerPool(PoolPartRule):
    """Reports every pool it is asked about; fails on pools named `bad`."""

    info: ClassVar[RuleInfo] = RuleInfo(
        id="per-pool", title="t", severity=Severity.LOW, rationale="r", family="test"
    )
    asked: ClassVar[list[str]] = []

    def pool_drafts(self, facts: PlaneFacts, pool: NodePool) -> Iterable[Draft]:
        type(self).asked.append(pool.name)
        if pool.name == "bad":
            raise ValueError(f"cannot read {pool.id}")
        return (draft(self.info, f"node-pool/{pool.id}", f"pool {pool.name} seen"),)


def test_pools_that_differ_only_in_their_node_versions_are_judged_apart() -> None:
    steady = cluster("1.29.3", name="steady", pools=({"versions_seen": {"1.29.3": 2}},))
    ahead = cluster("1.29.3", name="ahead", pools=({"versions_seen": {"1.29.3": 2, "1.31.3": 1}},))
    shared = evaluate(PLAN, [steady, ahead], NOW, CALENDAR, rules=[SkewKubelet])
    fresh = evaluate(PLAN, [steady, ahead], NOW, CALENDAR, rules=[SkewKubelet], reuse=False)
    assert _json(shared) == _json(fresh)
    assert [f.key.cluster for f in shared] == ["kubeconfig/ahead"]
    assert "1.31.3" in shared[0].summary


def test_pools_that_differ_only_in_node_counts_are_asked_once() -> None:
    fleet = [
        cluster("1.29.3", name=f"c{n}", pools=({"name": "p", "versions_seen": {"1.29.3": n}},))
        for n in range(1, 30)
    ]
    _PerPool.asked.clear()
    shared = evaluate(PLAN, fleet, NOW, CALENDAR, rules=[_PerPool])
    assert _PerPool.asked == ["p"]
    _PerPool.asked.clear()
    fresh = evaluate(PLAN, fleet, NOW, CALENDAR, rules=[_PerPool], reuse=False)
    assert len(_PerPool.asked) == len(fleet) == len(shared)
    assert _json(shared) == _json(fresh)


def test_a_pool_a_rule_fails_on_is_its_error_and_the_other_pools_are_still_judged() -> None:
    pools = (
        {"name": "good", "versions_seen": {"1.29.3": 1}},
        {"name": "bad", "kubelet_version": "1.29.3"},
    )
    fleet = [cluster("1.29.3", name="c1", pools=pools)]
    for reuse in (True, False):
        findings = evaluate(PLAN, fleet, NOW, CALENDAR, rules=[_PerPool], reuse=reuse)
        by_component = {f.key.component: f for f in findings}
        assert set(by_component) == {"node-pool/np-0", "rule-error"}
        error = by_component["rule-error"]
        assert error.severity is Severity.MEDIUM
        assert error.summary == (
            "rule per-pool could not evaluate this cluster: ValueError: cannot read np-1"
        )


def _support(end: str) -> dict[str, object]:
    source = {"id": "live", "title": "TKE API", "url": "https://example.invalid"}
    source["retrieved"] = "2026-11-26"
    return {
        "provider": "tke",
        "minor": "1.29",
        "released": {"value": "2024-08-20", "source": source},
        "end_of_support": {"value": end, "source": source},
    }


_PLANE_TWINS = {
    # What tells two control planes apart, and the rule that says so.
    "region": (
        {"version": "1.28.3-tke.3", "region": "r-1", "available": ("1.28.5-tke.3",)},
        {"version": "1.28.3-tke.3", "region": "r-2", "available": ("1.28.5-tke.3",)},
        "target-not-offered",
    ),
    "support": (
        {"support": _support("2026-12-20")},
        {"support": _support("2027-02-20")},
        "end-of-support",
    ),
    "offered": (
        {"available": ("1.29.9-tke.3",)},
        {"available": ("1.29.7-tke.3",)},
        "control-plane-patch-lag",
    ),
    "components": (
        {"components": (("kube-scheduler", "1.27.3"),)},
        {"components": (("kube-scheduler", "1.26.3"),)},
        "skew-control-plane-components",
    ),
}


@pytest.mark.parametrize("what", sorted(_PLANE_TWINS))
def test_control_planes_alike_but_for_one_thing_are_judged_apart(what: str) -> None:
    first, second, rule = _PLANE_TWINS[what]
    plan = parse_plan(
        """
version: 1
groups:
  - name: all
    selector: {}
    target: {kubernetes: ">=1.29.0 <1.29.8", allowed_lag: {patches: 1}}
"""
    )
    fleet = [
        cluster(
            provider="tke", name=f"c{i}", **{"version": "1.29.3-tke.3", "region": "r-1", **shape}
        )
        for i, shape in enumerate((first, second))
    ]
    shared = evaluate(plan, fleet, NOW, CALENDAR)
    assert _json(shared) == _json(evaluate(plan, fleet, NOW, CALENDAR, reuse=False))
    said = {f.key.cluster: f.summary for f in shared if f.key.rule == rule}
    assert len(said) == 2 and len(set(said.values())) == 2, said


def test_add_on_groups_alike_but_for_the_provider_are_judged_apart() -> None:
    # On ACK a build that maps to no upstream CoreDNS cannot be judged (addon_compat.yaml's
    # packaging); elsewhere its leading numbers are read.
    plan = parse_plan(
        """
version: 1
groups:
  - name: all
    selector: {}
    target: {kubernetes: "1.30", addons: {coredns: {version: ">=1.11"}}}
"""
    )
    coredns = {"name": "coredns", "kind": "dns", "running_version": "v1.10.1.1-xxx-aliyun"}
    fleet = [
        cluster("1.30.3", provider=provider, region="r-1", name=provider, addons=(coredns,))
        for provider in ("ack", "tke")
    ]
    shared = evaluate(plan, fleet, NOW, CALENDAR)
    assert _json(shared) == _json(evaluate(plan, fleet, NOW, CALENDAR, reuse=False))
    said = {f.key.cluster: f.summary for f in shared if f.key.rule == "addon-behind-plan"}
    assert said["ack/r-1/ack"].startswith("no comparable version: ACK's coredns")
    assert said["tke/r-1/tke"].endswith("is outside the plan's >=1.11")


def _unreadable(part: str) -> ClusterInventory:
    """Past validation, an inventory no collector makes: its add-ons are not a list, or its
    live support window is a set."""
    made = cluster("1.29.3", name="broken", pools=({"versions_seen": {"1.29.3": 1}},))
    if part == "addons":
        return made.model_copy(update={"addons": None})
    plane = made.control_plane.model_copy(update={"support": {"not", "a window"}})
    return made.model_copy(update={"control_plane": plane})


@pytest.mark.parametrize(
    ("part", "failing"),
    [
        ("addons", {"addon-incompatible", "skew-kubelet", "node-pool-behind"}),
        ("support", {"end-of-support", "control-plane-patch-lag", "control-plane-minor-lag"}),
    ],
)
def test_a_cluster_the_part_rules_cannot_read_is_their_errors_not_the_fleets(
    part: str, failing: set[str]
) -> None:
    good = cluster("1.29.3", name="good", pools=({"versions_seen": {"1.31.3": 1}},))
    fleet = [good, _unreadable(part)]
    for reuse in (True, False):
        findings = evaluate(PLAN, fleet, NOW, CALENDAR, reuse=reuse)
        errors = {f.key.rule for f in findings if f.key.component == "rule-error"}
        assert failing <= errors
        assert {f.key.cluster for f in findings if f.key.component == "rule-error"} == {
            "kubeconfig/broken"
        }
        assert any(f.key.cluster == "kubeconfig/good" for f in findings)
    shared = evaluate(PLAN, fleet, NOW, CALENDAR)
    assert _json(shared) == _json(evaluate(PLAN, fleet, NOW, CALENDAR, reuse=False))
