"""`addon-behind-plan` against provider-packaged add-ons: the plan's constraint names upstream
versions, so a provider build is compared through the upstream version it maps to, and one
that maps to none (TKE's own nginx-ingress catalogue) is "no comparable version" (info)."""

from __future__ import annotations

from typing import Any

import pytest

from kubedrift.model.findings import Severity
from kubedrift.model.inventory import Addon, AddonKind
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonNeed
from kubedrift.policies.addon_classify import classify_addon
from kubedrift.policies.addon_compat import load_addon_compat
from kubedrift.policies.rules.addon_plan import AddonBehindPlan
from kubedrift.versions import MinorVersion
from tests.unit.policies.rules.builders import cluster, run, target

M130 = MinorVersion(1, 30)
NO_COMPARABLE = "no comparable version"


def addon(name: str, version: str, *offered: str) -> dict[str, Any]:
    return {"name": name, "kind": "ingress", "version": version, "available_versions": offered}


@pytest.mark.parametrize(
    ("provider", "item", "constraint", "severity", "says"),
    [
        # TKE's own chart version 1.2.0 is not ingress-nginx 1.2.0: not comparable, not outside.
        ("tke", addon("nginx-ingress", "1.2.0"), ">=1.10.0", Severity.INFO, NO_COMPARABLE),
        ("tke", addon("nginx-ingress", "1.11.0"), ">=1.10.0", Severity.INFO, NO_COMPARABLE),
        # The same name and version on a self-hosted cluster is an upstream release.
        ("kubeconfig", addon("nginx-ingress", "1.2.0"), ">=1.10.0", Severity.MEDIUM, "outside"),
        ("kubeconfig", addon("nginx-ingress", "1.11.0"), ">=1.10.0", None, None),
        # ACK's build maps to the community version: v1.8.0-aliyun.1 is ingress-nginx 1.8.0.
        (
            "ack",
            addon("nginx-ingress-controller", "v1.8.0-aliyun.1"),
            ">=1.10.0",
            Severity.MEDIUM,
            "outside the plan's >=1.10.0",
        ),
        ("ack", addon("nginx-ingress-controller", "v1.10.4-aliyun.1"), ">=1.10.0", None, None),
        # An ACK build that does not have the documented form maps to nothing: not comparable.
        (
            "ack",
            addon("nginx-ingress-controller", "v1.10.4-custom"),
            ">=1.10.0",
            Severity.INFO,
            "v1.10.4-custom does not map to an upstream version",
        ),
    ],
)
def test_plan_constraint_applies_to_the_upstream_equivalent(
    provider: str,
    item: dict[str, Any],
    constraint: str,
    severity: Severity | None,
    says: str | None,
) -> None:
    goal = target("1.30", addons={"nginx-ingress": {"version": constraint}})
    found = run(AddonBehindPlan, cluster("1.30.1", provider=provider, addons=(item,)), goal)
    assert [f.severity for f in found] == ([] if severity is None else [severity])
    if found:
        assert says is not None and says in found[0].summary
        assert found[0].key.component == "addon/nginx-ingress"


def test_no_comparable_version_points_at_the_provider_catalogue() -> None:
    goal = target("1.30", addons={"nginx-ingress": {"version": ">=1.10.0"}})
    tke = cluster("1.30.1", provider="tke", addons=(addon("nginx-ingress", "1.2.0"),))
    [finding] = run(AddonBehindPlan, tke, goal)
    assert finding.observed == "1.2.0" and finding.expected == ">=1.10.0"
    assert finding.remedy is not None and "TKE's add-on catalogue" in finding.remedy.summary
    assert finding.remedy.docs is not None and "tencentcloud.com" in finding.remedy.docs


def test_an_ack_offer_is_picked_by_its_upstream_version() -> None:
    item = addon(
        "nginx-ingress-controller", "v1.8.0-aliyun.1", "v1.9.6-aliyun.1", "v1.11.5-aliyun.1"
    )
    goal = target("1.30", addons={"nginx-ingress": {"version": ">=1.10.0 <1.13.0"}})
    [finding] = run(AddonBehindPlan, cluster("1.30.1", provider="ack", addons=(item,)), goal)
    assert finding.remedy is not None
    assert finding.remedy.summary.startswith("move nginx-ingress-controller to v1.11.5-aliyun.1")


@pytest.mark.parametrize(
    ("provider", "need", "says"),
    [
        ("tke", AddonNeed.OPTIONAL, NO_COMPARABLE),  # the plan cannot judge TKE's own versions
        ("kubeconfig", AddonNeed.REQUIRED, "the plan asks"),
    ],
)
def test_the_planner_follows_the_same_convention(provider: str, need: AddonNeed, says: str) -> None:
    item = Addon(name="nginx-ingress", kind=AddonKind.INGRESS, version="1.2.0")
    decision = classify_addon(
        item,
        M130,
        compat=load_addon_compat(),
        plan_target=AddonTarget(version=">=1.10.0"),
        provider=provider,
    )
    assert decision.need is need and says in decision.reason


def _proxy(version: str, *offered: str) -> dict[str, Any]:
    return {
        "name": "kube-proxy",
        "kind": "proxy",
        "version": version,
        "available_versions": offered,
    }


def _kube_proxy_finding(plane: str, proxy: dict[str, Any], constraint: str) -> Any:
    goal = target("1.32", addons={"kube-proxy": {"version": constraint}})
    [found] = run(AddonBehindPlan, cluster(plane, addons=(proxy,)), goal)
    return found


def test_kube_proxy_is_never_sent_past_the_api_servers() -> None:
    # The plan asks 1.31+ of a cluster whose control plane is at 1.29: kube-proxy cannot get
    # there first (it would be newer than the API servers); it moves with the control plane.
    found = _kube_proxy_finding("1.29.4", _proxy("v1.29.4", "v1.31.2"), ">=1.31.0")
    assert found.severity is Severity.INFO
    assert "follows the control plane, which is at 1.29.4 and must move first" in found.summary
    assert found.remedy is not None and "v1.31.2" not in found.remedy.summary
    assert found.remedy.summary.startswith("upgrade the control plane first")


def test_kube_proxy_behind_a_control_plane_inside_the_plan_moves_to_it() -> None:
    # The control plane is at 1.31 already: kube-proxy goes to the control plane's version,
    # not to the offered 1.32 (newer than the API servers) nor to the bare constraint.
    found = _kube_proxy_finding("1.31.3", _proxy("v1.30.1", "v1.32.0"), ">=1.31.0")
    assert found.severity is Severity.MEDIUM
    assert found.remedy is not None
    assert found.remedy.summary == "move kube-proxy to 1.31.3, the control plane's version"
    # An offered version the API servers allow is taken.
    found = _kube_proxy_finding("1.31.3", _proxy("v1.30.1", "v1.31.1", "v1.32.0"), ">=1.31.0")
    assert found.remedy is not None
    assert found.remedy.summary == "move kube-proxy to v1.31.1 (offered by the provider)"
