"""The composed planner (`upgrade_compose`, what `evaluate` uses) plans exactly what the
sequential planner plans, byte for byte of the JSON: on generated clusters (HA rolls,
provider jumps, per-pool kube-proxy, control-plane clients), on the kube-proxy fittings that
couple the pools, and it leaves to the sequential planner what it cannot tell apart."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.model.inventory import Addon, AddonKind, ClusterInventory, NodePool
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.addon_compat import load_addon_compat
from kubedrift.policies.upgrade_compose import compose
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.policies.upgrade_state import ClusterState, PoolState, pool_problems, problems
from kubedrift.versions import MinorVersion
from tests.unit.policies.test_upgrade_path_props import Case, cases
from tests.unit.policies.upgrade_cases import cluster, coredns, pool, v

COMPAT = load_addon_compat()


def _json(path: UpgradePath) -> str:
    return json.dumps(path.model_dump(mode="json"), sort_keys=True)


def _composed(
    inventory: ClusterInventory, target: MinorVersion, memo: dict[Any, Any]
) -> UpgradePath | None:
    return compose(
        inventory,
        target,
        offered=(),
        addon_targets={},
        node_strategies={},
        compat=COMPAT,
        memo=memo,
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=5))
def test_composed_paths_are_the_sequential_planners(batch: list[Case]) -> None:
    memo: dict[Any, Any] = {}  # shared, as in one evaluation: later clusters reuse parts
    for case in (*batch, *batch):
        inventory, target = case.inventory, case.target
        composed = _composed(inventory, target, memo)  # type: ignore[arg-type]
        assert composed is not None  # generated pools have distinct plain ids
        assert _json(composed) == _json(plan_upgrade(inventory, target))  # type: ignore[arg-type]


def _far_behind() -> ClusterInventory:
    """A pool 8 minors behind and kube-proxy 3 behind on every pool: before 1.29 no kube-proxy
    fits every pool, so the lagging pools move first; before 1.30 kube-proxy itself moves."""
    proxy = "1.25.1"
    return cluster(
        ["1.28.3"],
        [
            pool("a", "1.20.1", proxy=proxy),
            pool("b", "1.27.1", proxy=proxy),
            pool("c", "1.28.3", proxy=proxy),
        ],
        addons=[coredns("v1.9.3")],
    )


def test_kube_proxy_fitting_is_decided_for_the_whole_cluster() -> None:
    inventory, target = _far_behind(), MinorVersion(1, 30)
    composed = _composed(inventory, target, {})
    sequential = plan_upgrade(inventory, target)
    assert composed is not None
    assert _json(composed) == _json(sequential)
    reasons = [(s.component, s.reason) for s in composed.steps]
    assert any(c == "node-pool/b" and "no kube-proxy version fits" in r for c, r in reasons)
    planes = [i for i, s in enumerate(composed.steps) if s.component == "control-plane"]
    fitted = [i for i, s in enumerate(composed.steps) if s.component == "kube-proxy"]
    assert planes[0] < fitted[0] < planes[1]  # kube-proxy moved before the second step


def test_pools_it_cannot_tell_apart_are_left_to_the_sequential_planner() -> None:
    target = MinorVersion(1, 31)
    for pools in (
        [pool("a", "1.27.1"), pool("a", "1.28.1")],  # one id twice
        [pool("a: b", "1.27.1"), pool("a", "1.28.1")],  # a colon: its warnings could collide
    ):
        inventory = cluster(["1.28.3"], pools)
        assert _composed(inventory, target, {}) is None
        assert _json(plan_upgrade(inventory, target, memo={})) == _json(
            plan_upgrade(inventory, target)
        )
    spread = cluster(["1.26.1", "1.28.3"], [pool("a", "1.26.1")])  # out of policy: refused
    assert _composed(spread, target, {}) is None
    assert plan_upgrade(spread, target, memo={}).blocked_by


def test_clusters_sharing_a_control_plane_share_its_part_and_their_pools() -> None:
    memo: dict[Any, Any] = {}
    target = MinorVersion(1, 31)
    first = cluster(["1.28.3"], [pool("a", "1.26.1"), pool("b", "1.28.3")])
    second = cluster(["1.28.3"], [pool("a", "1.26.1"), pool("b", "1.27.2")])
    for inventory in (first, second):
        composed = _composed(inventory, target, memo)
        assert composed is not None
        assert _json(composed) == _json(plan_upgrade(inventory, target))
    planes = [k for k in memo if isinstance(k, tuple) and k[0] == "plane"]
    parts = [k for k in memo if isinstance(k, tuple) and k[0] == "pool-part"]
    assert len(planes) == 1
    assert len(parts) == 3  # pool a once for both clusters, b twice


def test_an_add_on_is_classed_once_per_minor_for_every_cluster_running_it() -> None:
    """Add-ons are kept as rows (one per field values and provider), a cluster's add-ons as one
    set of rows, and kube-proxy is in no set: the planner classes it from the pools."""
    memo: dict[Any, Any] = {}
    target = MinorVersion(1, 31)
    proxy = Addon(name="kube-proxy", kind=AddonKind.PROXY, running_version="1.28.3")
    shared, other = coredns("v1.10.1"), coredns("v1.9.3")
    clusters = [
        cluster(["1.28.3"], [pool("a", "1.28.3")], addons=addons)
        for addons in ([shared, proxy], [shared, proxy], [other, proxy])
    ]
    for inventory in clusters:
        composed = _composed(inventory, target, memo)
        assert composed is not None
        assert _json(composed) == _json(plan_upgrade(inventory, target))
    rows = [k for k in memo if isinstance(k, tuple) and k[0] == "addon-row"]
    sets = [v for k, v in memo.items() if isinstance(k, tuple) and k[0] == "addon-set"]
    tables = [v for k, v in memo.items() if isinstance(k, tuple) and k[0] == "addon-classes"]
    assert len(rows) == 3  # the two CoreDNS versions and kube-proxy
    assert [len(s.rows) for s in sets] == [1, 1]  # the first two clusters share one set
    assert sorted(len(t) for t in tables) == [2, 2, 2]  # 1.29, 1.30, 1.31: each CoreDNS once


def test_pools_alike_but_for_their_names_share_one_plan_and_keep_their_own_words() -> None:
    """A pool's part is planned once per versions with placeholders for its id and name, then
    named: each cluster's path still says its own pools' ids and names, even names that look
    like the placeholders."""
    memo: dict[Any, Any] = {}
    target = MinorVersion(1, 31)
    proxy = "1.25.1"  # moves early on some pools: the named parts carry warnings and moves

    def pools(*names: str) -> list[NodePool]:
        return [
            pool(names[0], "1.25.1", proxy=proxy),
            pool(names[1], "1.28.3", proxy=proxy).model_copy(update={"name": names[2]}),
        ]

    clusters = [
        cluster(["1.28.3"], pools("a", "b", "b")),
        cluster(["1.28.3"], pools("web", "batch", "\0id\0 \0name\0 {0}")),
    ]
    paths = [_composed(inventory, target, memo) for inventory in clusters]
    for inventory, composed in zip(clusters, paths, strict=True):
        assert composed is not None
        assert _json(composed) == _json(plan_upgrade(inventory, target))
    shapes = [k for k in memo if isinstance(k, tuple) and k[0] == "pool-shape"]
    assert len(shapes) == 2  # one per pool's versions, for both clusters
    assert paths[1] is not None
    components = {s.component for s in paths[1].steps}
    assert {"node-pool/web", "node-pool/batch"} <= components


def test_a_pool_alone_is_checked_like_any_state() -> None:
    """`pool_problems` (one look-up when the answer is "no problem") answers like `problems`
    of the state with the pool alone, nodes only, asked once or again."""
    for servers, kubelet, proxy, clean in (
        (("1.28.3",), "1.27.1", "1.27.1", True),
        (("1.28.3", "1.29.1"), "1.25.1", None, False),  # the kubelet too old next to 1.29
        (("1.30.2",), "1.26.1", "1.25.9", False),  # both too old
        (("1.28.3",), "1.29.1", "1.28.3", False),  # a kubelet newer than the API server
    ):
        apiservers = tuple(v(s) for s in servers)
        state = PoolState("p", "p", v(kubelet), None if proxy is None else v(proxy))
        expected = problems(ClusterState(apiservers, (), (state,)), nodes_only=True)
        assert (expected == ()) is clean
        assert pool_problems(apiservers, state) == expected
        assert pool_problems(apiservers, state) == expected
