"""Provider-aware add-on identity: a provider's packaging of an upstream add-on is judged by
the upstream tables only when its version maps to an upstream one; and the one packaged
table (`addon_compat.yaml`) rejects a fact given twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kubedrift.sim
from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Severity
from kubedrift.model.inventory import Addon, AddonKind, InventoryDocument
from kubedrift.model.upgrade_parts import AddonNeed
from kubedrift.policies.addon_classify import classify_addon
from kubedrift.policies.addon_compat import AddonCompat, load_addon_compat, parse_addon_table
from kubedrift.policies.compat import load_compat, merge_addon_tables
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import load_plan
from kubedrift.policies.rules.addons import AddonIncompatible
from kubedrift.versions import MinorVersion
from tests.unit.policies.rules.builders import NOW, cluster, context, run, target

M = MinorVersion.parse
FLEET = Path(__file__).parent / "fixtures" / "fleet_inventory.json"
TKE_OWN = "no compatibility data for TKE's nginx-ingress versions"


def ingress(name: str, version: str, *offered: str) -> Addon:
    return Addon(
        name=name, kind=AddonKind.INGRESS, version=version, available_versions=tuple(offered)
    )


def dns(version: str, *offered: str) -> Addon:
    return Addon(name="coredns", kind=AddonKind.DNS, version=version, available_versions=offered)


@pytest.mark.parametrize(
    ("provider", "addon", "minor", "need", "to", "says"),
    [
        # TKE's nginx-ingress add-on: TKE catalogue versions, no upstream table applies.
        ("tke", ingress("nginx-ingress", "1.3.1"), "1.30", AddonNeed.OPTIONAL, None, TKE_OWN),
        ("tke", ingress("nginx-ingress", "1.10.1"), "1.30", AddonNeed.OPTIONAL, None, TKE_OWN),
        # The same name and version elsewhere is an upstream version (self-hosted charts).
        (
            "kubeconfig",
            ingress("nginx-ingress", "1.3.1"),
            "1.30",
            AddonNeed.REQUIRED,
            ">=1.10.1 <1.11.0, 1.11.0",
            "not listed as tested",
        ),
        (None, ingress("nginx-ingress", "1.3.1"), "1.30", AddonNeed.REQUIRED, None, "not listed"),
        # Upstream ingress-nginx installed by hand on TKE, under the upstream name.
        (
            "tke",
            ingress("ingress-nginx-controller", "v1.10.1"),
            "1.30",
            AddonNeed.NOT_NEEDED,
            "v1.10.1",
            "is tested with",
        ),
        # ACK's builds map to upstream: v1.10.4-aliyun.1 is 1.10.4.
        (
            "ack",
            ingress("nginx-ingress-controller", "v1.10.4-aliyun.1"),
            "1.30",
            AddonNeed.NOT_NEEDED,
            "v1.10.4-aliyun.1",
            "is tested with",
        ),
        (
            "ack",
            ingress("nginx-ingress-controller", "v1.8.0-aliyun.1", "v1.10.4-aliyun.1"),
            "1.29",
            AddonNeed.REQUIRED,
            "v1.10.4-aliyun.1",
            "not listed as tested",
        ),
        # An ACK version that does not have ACK's form maps to nothing: no data, not a verdict.
        (
            "ack",
            ingress("nginx-ingress-controller", "v1.8.0-custom"),
            "1.29",
            AddonNeed.OPTIONAL,
            None,
            "no compatibility data for ACK's nginx-ingress-controller version v1.8.0-custom",
        ),
        # ACK's CoreDNS builds: v1.9.3.10-7dfca203-aliyun is 1.9.3.
        (
            "ack",
            dns("v1.9.3.10-7dfca203-aliyun", "v1.11.3.2-f57ea7ed6-aliyun"),
            "1.28",
            AddonNeed.OPTIONAL,
            "v1.11.3.2-f57ea7ed6-aliyun",
            "kubeadm installs coredns 1.10.1",
        ),
        (
            "ack",
            dns("v1.11.3.2-f57ea7ed6-aliyun"),
            "1.30",
            AddonNeed.NOT_NEEDED,
            "v1.11.3.2-f57ea7ed6-aliyun",
            "at or above 1.11.1",
        ),
        ("ack", dns("latest"), "1.30", AddonNeed.OPTIONAL, None, "ACK's coredns version latest"),
        # An unknown version under a mapped packaging stays "unknown", not "does not map".
        (
            "ack",
            Addon(name="coredns", kind=AddonKind.DNS),
            "1.30",
            AddonNeed.OPTIONAL,
            "1.11.1",
            "running version unknown",
        ),
        # TKE's CoreDNS is not listed as TKE's own packaging: read as upstream.
        ("tke", dns("1.9.3"), "1.28", AddonNeed.OPTIONAL, "1.10.1", "kubeadm installs"),
    ],
)
def test_identity_depends_on_the_provider(  # noqa: PLR0917 - one parameter per table column
    provider: str | None, addon: Addon, minor: str, need: AddonNeed, to: str | None, says: str
) -> None:
    decision = classify_addon(addon, M(minor), compat=load_addon_compat(), provider=provider)
    assert decision.need is need, decision.reason
    if to is not None:
        assert decision.to_version == to
    assert says in decision.reason
    assert "not listed as tested" not in decision.reason or need is AddonNeed.REQUIRED


def test_the_packaging_facts_cite_their_source() -> None:
    decision = classify_addon(
        ingress("nginx-ingress", "1.3.1"), M("1.30"), compat=load_addon_compat(), provider="tke"
    )
    assert decision.source is not None and "tencentcloud.com" in decision.source
    assert "TKE's own chart" in decision.reason


PROD_GZ_ORDERS = {"name": "nginx-ingress", "version": "1.3.1", "kind": "ingress"}


@pytest.mark.parametrize(
    ("provider", "severity", "says"),
    [
        ("tke", Severity.INFO, TKE_OWN),  # prod-gz-orders: was a HIGH false positive
        ("kubeconfig", Severity.HIGH, "1.3.1 is not listed as tested with Kubernetes 1.30"),
    ],
)
def test_addon_incompatible_rule(provider: str, severity: Severity, says: str) -> None:
    inventory = cluster("1.30.0", provider=provider, addons=(PROD_GZ_ORDERS,))
    [finding] = run(AddonIncompatible, inventory)
    assert finding.severity is severity
    assert says in finding.summary
    assert finding.key.component == "addon/ingress-nginx"  # no plan: the table's name


def test_shared_drafts_keep_providers_apart() -> None:
    """One run, the same add-on on a TKE and a self-hosted cluster: each keeps its verdict."""
    tke = cluster("1.30.0", provider="tke", name="gz", addons=(PROD_GZ_ORDERS,))
    own = cluster("1.30.0", provider="kubeconfig", name="idc", addons=(PROD_GZ_ORDERS,))
    rule = AddonIncompatible(context())
    for first, second in ((tke, own), (own, tke)):
        found = {
            c.provider: [f.severity for f in rule.evaluate(c, target(), NOW)]
            for c in (first, second)
        }
        assert found == {"tke": [Severity.INFO], "kubeconfig": [Severity.HIGH]}


def test_the_planner_reads_the_provider_too() -> None:
    from kubedrift.model.upgrade_parts import AddonDecision
    from kubedrift.policies.upgrade_path import plan_upgrade

    def nginx(path_addons: tuple[AddonDecision, ...]) -> AddonDecision:
        return next(a for a in path_addons if a.name == "nginx-ingress")

    pools = ({"kubelet_version": "1.29.3", "versions_seen": {"1.29.3": 2}},)
    for provider, need in (("tke", AddonNeed.OPTIONAL), ("kubeconfig", AddonNeed.REQUIRED)):
        inventory = cluster("1.29.3", provider=provider, pools=pools, addons=(PROD_GZ_ORDERS,))
        path = plan_upgrade(inventory, M("1.30"))
        assert nginx(path.addons).need is need, provider


def test_engine_and_planner_share_one_table() -> None:
    assert load_compat().addons is load_addon_compat()
    names = set(load_addon_compat().addons)
    assert {"coredns", "kube-proxy", "calico", "ingress-nginx", "terway"} <= names


def test_the_prod_gz_orders_case_through_the_engine() -> None:
    """The demo fleet's TKE cluster and plan: info, never the HIGH false positive."""
    document = InventoryDocument.model_validate_json(FLEET.read_text())
    plan = load_plan(Path(kubedrift.sim.__file__).parent / "data" / "plan.yaml")
    findings = [
        f
        for f in evaluate(plan, document.clusters, NOW, load_calendar())
        if f.key.rule == "addon-incompatible" and f.key.component == "addon/nginx-ingress"
    ]
    by_cluster = {f.key.cluster: f for f in findings}
    orders = next(c.key for c in document.clusters if c.name == "prod-gz-orders")
    assert by_cluster[orders].severity is Severity.INFO
    assert TKE_OWN in by_cluster[orders].summary
    # ACK's v1.8.0-aliyun.1 on 1.28 still maps to upstream 1.8.0, which is not tested with it.
    web = next(c.key for c in document.clusters if c.name == "prod-sh-web")
    assert by_cluster[web].severity is Severity.HIGH


# --- the table itself ------------------------------------------------------------------------

SOURCE = {"s": {"title": "t", "url": "https://example.invalid", "retrieved": "2026-01-01"}}


def table(**addons: Any) -> dict[str, Any]:
    return {"sources": SOURCE, "addons": addons}


def packaging(**fields: Any) -> dict[str, Any]:
    return {"names": ["x-cloud"], "versions": "own", "reason": "r", "source": "s", **fields}


@pytest.mark.parametrize(
    ("addons", "error"),
    [
        ({"a": {"names": ["n"]}, "b": {"names": ["n"]}}, "name 'n' is given to a and b"),
        ({"a": {"names": ["b"]}, "b": {}}, "name 'b' is given to a and b"),
        ({"a": {"providers": {"tke": packaging()}}}, "not among its names"),
        (
            {"a": {"names": ["x-cloud"], "providers": {"tke": packaging(source="nope")}}},
            "unknown source",
        ),
        (
            {
                "a": {
                    "names": ["x-cloud"],
                    "providers": {"ack": packaging(versions="upstream", match=r"^v\d+$")},
                }
            },
            "no group",
        ),
        (
            {"a": {"names": ["x-cloud"], "providers": {"ack": packaging(match=r"^(.*)$")}}},
            "not with `versions: own`",
        ),
        ({"a": {"names": ["x-cloud"], "providers": {"ack": packaging(versions="mine")}}}, "own"),
    ],
)
def test_inconsistent_tables_are_refused(addons: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        AddonCompat.model_validate(table(**addons))


def test_a_fact_written_twice_in_the_file_is_an_error() -> None:
    text = """\
schema: 1
sources: {}
addons:
  coredns:
    kind: dns
  coredns:
    kind: other
"""
    with pytest.raises(ValueError, match=r"addon_compat\.yaml:6"):
        parse_addon_table(text)


def test_merging_tables_refuses_a_fact_given_twice() -> None:
    one = table(a={"kind": "dns"})
    with pytest.raises(ValueError, match="addon 'a' is described twice"):
        merge_addon_tables(one, {"addons": {"a": {"kind": "dns"}}})
    with pytest.raises(ValueError, match="source 's' is described twice"):
        merge_addon_tables(one, {"sources": SOURCE})
    assert set(merge_addon_tables(one, {"addons": {"b": {}}}).addons) == {"a", "b"}


def test_every_packaging_in_the_packaged_table_is_sourced_and_maps_its_examples() -> None:
    data = load_addon_compat()
    seen = {
        (provider, name): p
        for facts in data.addons.values()
        for provider, p in facts.providers.items()
        for name in p.names
    }
    assert set(seen) >= {("tke", "nginx-ingress"), ("ack", "nginx-ingress-controller")}
    for p in seen.values():
        assert p.source in data.sources and p.reason
    ack = seen[("ack", "nginx-ingress-controller")]
    assert ack.upstream("v1.10.4-aliyun.1") == "1.10.4"
    assert ack.upstream("v1.10.4") == "1.10.4"
    assert ack.upstream("v1.10.4-custom") is None
    assert seen[("tke", "nginx-ingress")].upstream("1.3.1") is None
