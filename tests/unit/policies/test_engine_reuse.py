"""The engine shares findings between clusters of one shape: the result must be exactly what a
run that computes every cluster afresh (`evaluate(..., reuse=False)`) gives, byte for byte of
the JSON, on random fleets whose clusters often share shapes but never identities."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import load_plan, parse_plan
from tests.unit.policies.rules.builders import NOW, cluster

ROOT = Path(__file__).resolve().parents[3]
CALENDAR = load_calendar()
EXAMPLE_PLAN = load_plan(ROOT / "examples" / "plan.yaml")
PLAN = parse_plan(
    """
version: 1
groups:
  - name: edge
    selector: {labels: {env: edge}}
    target:
      kubernetes: ">=1.29, <1.32"
      allowed_lag: {minors: 1, patches: 1}
      node_pools: {max_minor_skew: 1}
      addons:
        coredns: {version: ">=1.11", required: true}
        ingress: {version: ">=1.10", aliases: [ingress-nginx-controller], required: true}
  - name: prod
    selector: {labels: {env: prod}, provider: [ack, tke]}
    target: {kubernetes: "1.31", allowed_lag: {minors: 0}, since: 2026-11-01}
waivers:
  - id: lag-ok
    rule: control-plane-minor-lag
    selector: {group: prod, name: "c-0*"}
    reason: migration planned
    owner: alice
    expires: 2026-12-01
  - rule: "node-pool-*"
    component: "node-pool/np-0"
    selector: {name: "c-1*"}
    reason: pool is replaced next month
    owner: bob
    expires: 2026-11-20
"""
)

_SUFFIX = {"ack": "-aliyun.1", "tke": "-tke.3", "kubeconfig": ""}
_ADDONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "coredns": ("dns", ("1.9.3", "v1.10.1", "1.11.3")),
    "calico-node": ("cni", ("3.26.4", "v3.29.1", "weird")),
    "ingress-nginx-controller": ("ingress", ("1.8.0", "1.11.0")),
    "metrics-server": ("metrics", ("0.6.4", "0.7.1")),
}


def _version(provider: str, minor: int, patch: int, spelled: bool) -> str:
    return f"{'v' if spelled else ''}1.{minor}.{patch}{_SUFFIX[provider]}"


@st.composite
def planes(draw: st.DrawFn) -> dict[str, Any]:
    """A control plane, what the provider offers, and what else is known of the cluster."""
    provider = draw(st.sampled_from(sorted(_SUFFIX)))
    minor = draw(st.integers(27, 31))
    version = _version(provider, minor, 3, draw(st.integers(0, 4)) == 0)
    apiservers: tuple[str, ...] = ()
    if draw(st.integers(0, 5)) == 0:
        apiservers = (version, _version(provider, minor + draw(st.integers(0, 2)), 5, False))
    components: tuple[tuple[str, str | None], ...] = ()
    if draw(st.integers(0, 5)) == 0:
        scheduler = _version(provider, minor - 2, 3, False)
        components = (("kube-scheduler", draw(st.sampled_from((scheduler, None)))),)
    offered = tuple(f"1.{m}.5{_SUFFIX[provider]}" for m in range(minor, minor + 3))
    deprecated = [{"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3"}]
    return {
        "version": draw(st.sampled_from((version, version, version, None))),
        "provider": provider,
        "apiservers": apiservers,
        "components": components,
        "available": offered if draw(st.booleans()) else (),
        "upgradable": offered[1:2] if draw(st.booleans()) else (),
        "deprecated": draw(st.sampled_from((None, [], deprecated))),
        "unknown": draw(st.sampled_from(((), ("addons",)))),
    }


@st.composite
def pools(draw: st.DrawFn) -> tuple[dict[str, Any], ...]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        suffix = draw(st.sampled_from(sorted(_SUFFIX)))
        kubelet = _version(suffix, draw(st.integers(26, 32)), draw(st.sampled_from((3, 7))), False)
        seen = {kubelet: draw(st.integers(1, 4))}
        if draw(st.integers(0, 4)) == 0:
            seen[draw(st.sampled_from(("1.30.3", "garbage")))] = 1
        pool: dict[str, Any] = {"kubelet_version": kubelet, "versions_seen": seen}
        if draw(st.integers(0, 5)) == 0:
            pool["versions_seen"] = {}
            pool["node_count"] = draw(st.sampled_from((0, 3)))
        if draw(st.integers(0, 4)) == 0:
            pool["kube_proxy_version"] = f"1.{draw(st.integers(27, 31))}.3"
        if draw(st.integers(0, 5)) == 0:
            pool["runtime"] = "docker"
        if draw(st.integers(0, 5)) == 0:
            pool["name"] = "renamed"
        out.append(pool)
    return tuple(out)


@st.composite
def addons(draw: st.DrawFn) -> tuple[dict[str, Any], ...]:
    out = []
    for name in draw(st.lists(st.sampled_from(sorted(_ADDONS)), max_size=3, unique=True)):
        kind, versions = _ADDONS[name]
        running = draw(st.sampled_from(versions))
        declared = running if draw(st.integers(0, 4)) else draw(st.sampled_from(versions))
        out.append({"name": name, "kind": kind, "version": declared, "running_version": running})
    if draw(st.booleans()):
        out.append(
            {"name": "kube-proxy", "kind": "proxy", "version": f"1.{draw(st.integers(27, 31))}.3"}
        )
    return tuple(out)


@st.composite
def fleets(draw: st.DrawFn) -> list[ClusterInventory]:
    """Clusters combining a few control planes, pool sets and add-on sets: shapes that share
    some parts and differ in others, under different identities."""
    cps = draw(st.lists(planes(), min_size=1, max_size=3))
    pool_sets = draw(st.lists(pools(), min_size=1, max_size=3))
    addon_sets = draw(st.lists(addons(), min_size=1, max_size=3))
    out = []
    for index in range(draw(st.integers(1, 12))):
        shape = dict(draw(st.sampled_from(cps)))
        if shape["deprecated"]:
            shape["deprecated"] = [{**shape["deprecated"][0], "resource": "flowschemas"}]
        provider = shape["provider"]
        region = None if provider == "kubeconfig" else draw(st.sampled_from(("r-1", "r-2")))
        env = draw(st.sampled_from(("prod", "edge", "staging", "none")))
        out.append(
            cluster(
                **shape,
                pools=draw(st.sampled_from(pool_sets)),
                addons=draw(st.sampled_from(addon_sets)),
                name=f"c-{draw(st.integers(0, 1))}{index:02d}",
                region=region,
                labels={"env": env, "team": "web"},
            )
        )
    return out


def _json(findings: list[Finding]) -> str:
    return json.dumps([f.model_dump(mode="json") for f in findings], sort_keys=True)


def _both(plan: VersionPlan, fleet: list[ClusterInventory], paths: bool) -> tuple[str, str]:
    shared = evaluate(plan, fleet, NOW, CALENDAR, plan_paths=paths)
    fresh = evaluate(plan, fleet, NOW, CALENDAR, plan_paths=paths, reuse=False)
    return _json(shared), _json(fresh)


@settings(max_examples=120, deadline=None)
@given(fleet=fleets(), paths=st.booleans(), example=st.booleans())
def test_shared_findings_equal_fresh_ones(
    fleet: list[ClusterInventory], paths: bool, example: bool
) -> None:
    shared, fresh = _both(EXAMPLE_PLAN if example else PLAN, fleet, paths)
    assert shared == fresh


def _twin(name: str) -> ClusterInventory:
    return cluster(
        "1.29.3-aliyun.1",
        provider="ack",
        region="cn-hangzhou",
        name=name,
        labels={"env": "prod"},
        pools=({"versions_seen": {"1.27.3-aliyun.1": 2, "1.29.3-aliyun.1": 1}},),
        available=("1.30.5-aliyun.1", "1.31.5-aliyun.1"),
        upgradable=("1.30.5-aliyun.1",),
    )


def test_clusters_of_one_shape_share_drafts_but_not_identity() -> None:
    twins = [_twin("a"), _twin("b")]
    findings = evaluate(PLAN, twins, NOW, CALENDAR)
    by_cluster: dict[str, dict[tuple[str, str], Finding]] = {}
    for f in findings:
        by_cluster.setdefault(f.key.cluster, {})[(f.key.rule, f.key.component)] = f
    a, b = by_cluster["ack/cn-hangzhou/a"], by_cluster["ack/cn-hangzhou/b"]
    assert a.keys() == b.keys() and "control-plane-minor-lag" in {r for r, _ in a}
    for key, finding in a.items():
        twin = b[key]
        assert finding.remedy is twin.remedy  # shared, not recomputed
        assert finding.summary == twin.summary and finding.key != twin.key
    fresh = evaluate(PLAN, twins, NOW, CALENDAR, reuse=False)
    assert _json(fresh) == _json(findings)
    remedies = [f.remedy for f in fresh if f.key.rule == "control-plane-minor-lag"]
    assert len(remedies) == 2 and remedies[0] is not remedies[1]
