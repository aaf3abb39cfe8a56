from __future__ import annotations

from typing import Any

import pytest

from kubedrift.model.findings import Severity
from kubedrift.policies.rules.addon_plan import AddonBehindPlan
from kubedrift.policies.rules.addons import (
    AddonIncompatible,
    AddonMissing,
    AddonNotRunning,
)
from tests.unit.policies.rules.builders import cluster, run, target


def addon(name: str, version: str | None, running: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"name": name, "version": version, "running_version": running, **kw}


@pytest.mark.parametrize(
    ("item", "k8s", "expected"),
    [
        (addon("calico-node", "v3.28.2"), "1.29.4", None),  # tested with 1.29
        (addon("calico-node", "v3.26.1"), "1.29.4", Severity.HIGH),  # 3.26 tested 1.24 - 1.27
        # 3.27 lies between two releases the table describes: no data, never "incompatible".
        (addon("calico-node", "v3.27.0"), "1.29.4", Severity.INFO),
        (addon("calico-node", "v3.20.1"), "1.29.4", Severity.HIGH),  # older than the table
        (addon("coredns", "v1.9.3"), "1.28.3", Severity.LOW),  # kubeadm ships 1.10.1 with 1.28
        (addon("coredns", "v1.11.3"), "1.28.3", None),
        (addon("terway-eniip", "v1.9.1"), "1.28.3", None),  # names only: no claim
        (addon("kube-proxy", "v1.20.0"), "1.28.3", None),  # skew-kube-proxy's business
        (addon("nginx-ingress-controller", "v1.11.0-aliyun.1"), "1.31.0", Severity.INFO),
    ],
)
def test_incompatible(item: dict[str, Any], k8s: str, expected: Severity | None) -> None:
    found = run(AddonIncompatible, cluster(k8s, addons=(item,)))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_incompatible_judges_what_runs() -> None:
    item = addon("calico-node", "v3.28.2", running="v3.26.1")
    [finding] = run(AddonIncompatible, cluster("1.29.4", addons=(item,)))
    assert finding.observed == "v3.26.1" and "(running)" in finding.summary
    assert finding.key.component == "addon/calico"


@pytest.mark.parametrize(
    ("item", "wanted", "expected"),
    [
        (addon("coredns", "v1.11.3.2-f57ea7ed6-aliyun"), {"version": ">=1.11.1 <1.13.0"}, None),
        (addon("coredns", "v1.9.3.10-7dfca203-aliyun"), {"version": ">=1.11.1"}, Severity.MEDIUM),
        (addon("coredns", "latest"), {"version": ">=1.11.1"}, Severity.LOW),
        (addon("coredns", "v1.9.3"), {}, None),  # presence only
    ],
)
def test_behind_plan(
    item: dict[str, Any], wanted: dict[str, Any], expected: Severity | None
) -> None:
    goal = target("1.30", addons={"coredns": wanted})
    found = run(AddonBehindPlan, cluster("1.30.1", addons=(item,)), goal)
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_behind_plan_matches_aliases_and_picks_an_offered_version() -> None:
    item = addon("terway-eniip", "v1.7.0", available_versions=["v1.8.4", "v1.9.1"])
    goal = target(
        "1.30", addons={"terway": {"version": ">=1.8.0 <1.9.0", "aliases": ["terway-eniip"]}}
    )
    [finding] = run(AddonBehindPlan, cluster("1.30.1", addons=(item,)), goal)
    assert finding.key.component == "addon/terway"
    assert finding.remedy is not None and "v1.8.4" in finding.remedy.summary


@pytest.mark.parametrize(
    ("provider", "items", "unknown", "expected"),
    [
        ("kubeconfig", (), (), Severity.HIGH),
        ("kubeconfig", (addon("kube-proxy-worker", "v1.30.1"),), (), None),  # packaged name
        ("kubeconfig", (), ("addons",), Severity.LOW),  # not read: could not determine
        # A managed cluster's add-ons are its provider's add-on list: absent from it is not
        # "not installed" (installed by Helm or a manifest, it would not be listed).
        ("tke", (), (), Severity.LOW),
        ("ack", (addon("kube-proxy-master", "v1.30.1-aliyun.1"),), (), None),
    ],
)
def test_missing(
    provider: str,
    items: tuple[dict[str, Any], ...],
    unknown: tuple[str, ...],
    expected: Severity | None,
) -> None:
    goal = target("1.30", addons={"kube-proxy": {"required": True}})
    inventory = cluster("1.30.1", provider=provider, addons=items, unknown=unknown)
    found = run(AddonMissing, inventory, goal)
    assert [f.severity for f in found] == ([] if expected is None else [expected])
    if provider == "tke":
        assert "not among the add-ons TKE reports" in found[0].summary


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (addon("coredns", "v1.11.3", running="v1.11.1"), Severity.MEDIUM),
        (addon("coredns", "v1.11.3", running="v1.11.3"), None),
        (addon("coredns", "v1.11.3"), None),  # running not collected: no claim here
    ],
)
def test_not_running(item: dict[str, Any], expected: Severity | None) -> None:
    found = run(AddonNotRunning, cluster("1.30.1", addons=(item,)))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_missing_on_a_managed_cluster_running_another_add_on_in_its_role() -> None:
    # ACK lists the cluster's CNI: flannel listed where the plan requires terway is a fact.
    goal = target("1.30", addons={"terway": {"required": True}})
    flannel = addon("flannel", "v0.15.1.22-20a397e6-aliyun", kind="cni")
    [found] = run(AddonMissing, cluster("1.30.1", provider="ack", addons=(flannel,)), goal)
    assert found.severity is Severity.HIGH
    assert found.summary.endswith("; the cluster's cni is flannel")
    assert found.remedy is not None and found.remedy.summary.startswith(
        "replace flannel with terway (a migration of the cluster's cni)"
    )
