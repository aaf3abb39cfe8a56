"""The rule runner asks part rules once per distinct part, and judges each part on its own."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import ClassVar

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import NodePool
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
