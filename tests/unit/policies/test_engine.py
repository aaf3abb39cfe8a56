from __future__ import annotations

import gc
import random
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory, CollectionFailed, InventoryDocument
from kubedrift.model.plan import Target, VersionPlan
from kubedrift.policies.engine import collection_findings, evaluate
from kubedrift.policies.planfile import load_plan, parse_plan
from kubedrift.policies.rules.base import RuleContext, RuleInfo
from kubedrift.policies.rules.docs import rules_markdown
from kubedrift.policies.rules.registry import BUILTIN_RULES, all_rule_infos, rule_classes
from tests.unit.policies.rules.builders import cluster

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = Path(__file__).parent / "fixtures" / "fleet_inventory.json"
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
CALENDAR = load_calendar()

PLAN = """
version: 1
groups:
  - name: prod
    selector: {labels: {env: prod}}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
waivers:
  - id: lag-ok
    rule: control-plane-minor-lag
    selector: {group: prod, name: "c-late"}
    reason: migration planned
    owner: alice
    expires: {expires}
  - rule: "node-pool-*"
    component: "node-pool/np-0"
    selector: {name: "c-late"}
    reason: pool is replaced next month
    owner: bob
    expires: 2027-06-30
"""


def plan(expires: str = "2027-03-31") -> VersionPlan:
    return parse_plan(PLAN.replace("{expires}", expires))


def late(name: str = "c-late", env: str = "prod") -> ClusterInventory:
    return cluster(
        "1.29.5",
        name=name,
        labels={"env": env},
        pools=({"versions_seen": {"1.28.3": 2}},),
        deprecated=[],
    )


def keyed(findings: Iterable[Finding]) -> dict[tuple[str, str], Finding]:
    return {(f.key.rule, f.key.component): f for f in findings}


def test_live_waiver_waives_by_id_or_rule() -> None:
    found = keyed(evaluate(plan(), [late()], NOW, CALENDAR))
    assert found[("control-plane-minor-lag", "control-plane")].waived_by == "lag-ok"
    assert found[("node-pool-behind", "node-pool/np-0")].waived_by == "node-pool-*"
    assert ("waiver-expiring", "waiver/lag-ok") not in found


@pytest.mark.parametrize(
    ("expires", "waived", "expiring"),
    [
        ("2026-11-26", True, True),  # holds up to and including its day
        ("2026-12-10", True, True),  # 14 days ahead: its own finding
        ("2026-12-11", True, False),  # 15 days ahead
        ("2026-11-25", False, False),  # expired: the finding returns
    ],
)
def test_waiver_expiry(expires: str, waived: bool, expiring: bool) -> None:
    found = keyed(evaluate(plan(expires), [late()], NOW, CALENDAR))
    lag = found[("control-plane-minor-lag", "control-plane")]
    assert lag.waived == waived
    assert (("waiver-expiring", "waiver/lag-ok") in found) == expiring
    if not waived:
        assert "waiver lag-ok expired on 2026-11-25" in lag.summary
    if expiring:
        notice = found[("waiver-expiring", "waiver/lag-ok")]
        assert notice.severity is Severity.LOW and not notice.waived


def test_waivers_only_cover_their_clusters() -> None:
    found = keyed(evaluate(plan(), [late("c-other")], NOW, CALENDAR))
    assert not found[("control-plane-minor-lag", "control-plane")].waived


def test_cluster_in_no_group_gets_its_own_finding_and_target_free_rules() -> None:
    inventory = cluster(
        "1.29.5",
        name="stray",
        labels={"env": "lab"},
        apiservers=("1.29.5",),
        pools=({"versions_seen": {"1.30.0": 1}},),
        deprecated=[],
    )
    found = keyed(evaluate(plan(), [inventory], NOW, CALENDAR))
    assert found[("cluster-not-in-plan", "cluster")].summary.startswith("no target in the plan")
    assert ("skew-kubelet", "node-pool/np-0") in found  # a kubelet newer than the API server
    assert ("end-of-support", "control-plane") in found
    assert not any(rule == "control-plane-minor-lag" for rule, _ in found)


def test_sorted_unique_and_order_independent() -> None:
    document = InventoryDocument.model_validate_json(FIXTURE.read_text())
    example = load_plan(ROOT / "examples" / "plan.yaml")
    first = evaluate(example, document.clusters, NOW, CALENDAR)
    shuffled = list(document.clusters)
    random.Random(7).shuffle(shuffled)
    assert evaluate(example, shuffled, NOW, CALENDAR) == first
    keys = [f.key for f in first]
    assert len(set(keys)) == len(keys)
    order = [
        (k.cluster, -f.severity.rank, k.rule, k.component) for k, f in zip(keys, first, strict=True)
    ]
    assert order == sorted(order)


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(4)))
def test_permutation_property(order: list[int]) -> None:
    clusters = [
        late("c-late"),
        late("c-2"),
        cluster("1.31.0", name="c-3", labels={"env": "prod"}, deprecated=[]),
        cluster(None, name="c-4", labels={"env": "lab"}),
    ]
    baseline = evaluate(plan(), clusters, NOW, CALENDAR)
    assert evaluate(plan(), [clusters[i] for i in order], NOW, CALENDAR) == baseline


def test_example_plan_on_the_fixture_fleet() -> None:
    document = InventoryDocument.model_validate_json(FIXTURE.read_text())
    example = load_plan(ROOT / "examples" / "plan.yaml")
    found = {
        (f.key.cluster, f.key.rule, f.key.component): f
        for f in evaluate(example, document.clusters, NOW, CALENDAR)
    }
    orders = found[("tke/ap-guangzhou/cls-7xk2p9ab", "end-of-support", "control-plane")]
    assert "live tke metadata" in orders.summary
    calico = found[("kubeconfig/idc-bj-1", "addon-not-running", "addon/calico")]
    assert calico.waived_by == "idc-calico-pin"
    assert ("kubeconfig/edge-sh-k3s", "cluster-not-in-plan", "cluster") in found
    stale = found[
        (
            "ack/cn-shanghai/c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
            "control-plane-minor-lag",
            "control-plane",
        )
    ]
    assert stale.severity is Severity.HIGH and stale.remedy is not None and stale.remedy.steps


class _Broken:
    info: ClassVar[RuleInfo] = RuleInfo(
        id="broken", title="t", severity=Severity.LOW, rationale="r", family="test"
    )

    def __init__(self, context: RuleContext) -> None:
        pass

    def evaluate(self, cluster: ClusterInventory, target: Target, now: datetime) -> list[Finding]:
        raise RuntimeError("boom")


def test_a_failing_rule_is_a_finding_not_a_crash() -> None:
    [finding] = evaluate(plan(), [late()], NOW, CALENDAR, rules=[_Broken])
    assert finding.key.component == "rule-error" and "boom" in finding.summary


class _SeesCollector:
    """Records whether the cyclic collector runs while rules run."""

    info: ClassVar[RuleInfo] = RuleInfo(
        id="sees-collector", title="t", severity=Severity.LOW, rationale="r", family="test"
    )
    seen: ClassVar[list[bool]] = []

    def __init__(self, context: RuleContext) -> None:
        pass

    def evaluate(self, cluster: ClusterInventory, target: Target, now: datetime) -> list[Finding]:
        self.seen.append(gc.isenabled())
        return []


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_for_the_run_and_left_as_it_was(enabled: bool) -> None:
    _SeesCollector.seen.clear()
    (gc.enable if enabled else gc.disable)()
    try:
        evaluate(plan(), [late(), late("c-other")], NOW, CALENDAR, rules=[_SeesCollector])
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert _SeesCollector.seen == [False, False]


def test_the_collector_comes_back_when_a_run_fails() -> None:
    with pytest.raises(AttributeError):
        evaluate(plan(), [object()], NOW, CALENDAR)  # type: ignore[list-item]
    assert gc.isenabled()


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        evaluate(plan(), [], datetime(2026, 1, 1), CALENDAR)  # noqa: DTZ001


def test_failed_collections_are_unknown_findings() -> None:
    failure = CollectionFailed(
        source="ack-prod", cluster=None, reason="auth", message="denied", at=NOW
    )
    [finding] = collection_findings([failure])
    assert str(finding.key) == "source/ack-prod|version-unknown|inventory/collection"


def test_every_builtin_rule_is_registered_with_metadata() -> None:
    classes = rule_classes()
    assert [c.info.id for c in classes] == list(BUILTIN_RULES)
    for info in all_rule_infos():
        assert info.id == info.id.lower() and " " not in info.id
        assert info.title and info.rationale


def test_docs_rules_md_agrees_with_the_metadata() -> None:
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == rules_markdown(all_rule_infos()), (
        "docs/rules.md is stale: kubedrift rules list --format markdown > docs/rules.md"
    )


def test_findings_built_without_validation_equal_validated_ones() -> None:
    found = evaluate(plan(), [late()], NOW, CALENDAR)
    assert found
    for finding in found:
        assert Finding.model_validate(finding.model_dump()) == finding
        assert Finding.model_validate_json(finding.model_dump_json()) == finding


_BY_NAME = parse_plan(
    """
version: 1
groups:
  - name: web
    selector: {name: "web-*", labels: {env: prod}}
    target: {kubernetes: "1.31"}
  - name: prod
    selector: {labels: {env: prod}, exclude: ["*-old"]}
    target: {kubernetes: "1.29"}
"""
)


@pytest.mark.parametrize("reuse", [True, False])
def test_clusters_alike_but_for_name_or_a_label_fall_in_their_own_groups(reuse: bool) -> None:
    fleet = [
        cluster("1.29.3", name="web-1", labels={"env": "prod"}),
        cluster("1.29.3", name="api-1", labels={"env": "prod"}),
        cluster("1.29.3", name="api-old", labels={"env": "prod"}),
        cluster("1.29.3", name="web-2", labels={"env": "prod"}),
        cluster("1.29.3", name="web-3", labels={"env": "dev"}),
    ]
    findings = evaluate(_BY_NAME, fleet, NOW, CALENDAR, reuse=reuse)
    lagging = {f.key.cluster for f in findings if f.key.rule == "control-plane-minor-lag"}
    unplanned = {f.key.cluster for f in findings if f.key.rule == "cluster-not-in-plan"}
    assert lagging == {"kubeconfig/web-1", "kubeconfig/web-2"}
    assert unplanned == {"kubeconfig/api-old", "kubeconfig/web-3"}


_ALIKE_BUT = {
    "a label": ({"labels": {"env": "prod"}}, {"labels": {"env": "dev"}}),
    "the region": ({"region": "cn-hangzhou"}, {"region": "ap-guangzhou"}),
    "the provider": ({"provider": "ack"}, {"provider": "tke"}),
}


def _alike_but(what: str) -> list[ClusterInventory]:
    """Two clusters the selectors below tell apart by `what` alone (the first is selected)."""
    base = {"labels": {"env": "prod"}, "provider": "ack", "region": "cn-hangzhou"}
    return [
        cluster("1.29.3", **{**base, "name": f"c{i}", **shape})
        for i, shape in enumerate(_ALIKE_BUT[what])
    ]


@pytest.mark.parametrize("what", sorted(_ALIKE_BUT))
def test_clusters_alike_but_for_one_thing_fall_in_their_own_groups(what: str) -> None:
    plan = parse_plan(
        """
version: 1
groups:
  - name: prod
    selector: {labels: {env: prod}, provider: ack, region: "cn-*"}
    target: {kubernetes: "1.31"}
"""
    )
    fleet = _alike_but(what)
    findings = evaluate(plan, fleet, NOW, CALENDAR)
    unplanned = [f.key.cluster for f in findings if f.key.rule == "cluster-not-in-plan"]
    assert unplanned == [fleet[1].key]


@pytest.mark.parametrize("what", sorted(_ALIKE_BUT))
def test_clusters_alike_but_for_one_thing_are_waived_apart(what: str) -> None:
    plan = parse_plan(
        """
version: 1
groups:
  - name: all
    selector: {}
    target: {kubernetes: "1.31"}
waivers:
  - id: lag-ok
    rule: control-plane-minor-lag
    selector: {labels: {env: prod}, provider: ack, region: "cn-*"}
    reason: migration planned
    owner: alice
    expires: 2027-03-01
"""
    )
    fleet = _alike_but(what)
    lags = [f for f in evaluate(plan, fleet, NOW, CALENDAR) if f.key.rule.endswith("minor-lag")]
    assert {f.key.cluster: f.waived_by for f in lags} == {
        fleet[0].key: "lag-ok",
        fleet[1].key: None,
    }
