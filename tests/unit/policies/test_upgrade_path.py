"""The upgrade-path planner on hand-made clusters: the worked example, blocks and warnings."""

from __future__ import annotations

import json

import pytest

from kubedrift.model.inventory import Addon, AddonKind, ClusterInventory, NodePool
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonNeed, NodeStrategy
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.upgrade_path import plan_upgrade, render_path_table
from kubedrift.policies.upgrade_state import apply, state_of
from kubedrift.versions import MinorVersion
from tests.unit.policies.upgrade_cases import cluster, coredns, oracle_violations, pool, v


def worked_example() -> ClusterInventory:
    """docs/upgrade-path.md: an ACK cluster at 1.28 with pools at 1.28, 1.26 and 1.25."""
    return cluster(
        ["1.28.9-aliyun.1"],
        [
            pool("np-web", "1.28.9-aliyun.1"),
            pool("np-batch", "1.26.15-aliyun.1"),
            pool("np-legacy", "1.25.6-aliyun.1"),
        ],
        provider="ack",
        upgradable=["1.29.3-aliyun.1"],
        available=["1.29.3-aliyun.1", "1.30.1-aliyun.1", "1.31.1-aliyun.1", "1.31.2-aliyun.1"],
        addons=[
            Addon(
                name="kube-proxy-worker", kind=AddonKind.PROXY, running_version="v1.28.9-aliyun.1"
            ),
            coredns("v1.10.1.1-aliyun", "v1.11.1.2-aliyun", "v1.11.3.2-f57ea7ed6-aliyun"),
            Addon(name="terway-eniip", kind=AddonKind.CNI, running_version="v1.9.2"),
        ],
    )


def shape(path: UpgradePath) -> list[tuple[str, str, str]]:
    return [(s.action, s.component, s.to_version) for s in path.steps]


def test_worked_example() -> None:
    path = plan_upgrade(
        worked_example(),
        MinorVersion(1, 31),
        addon_targets={"coredns": AddonTarget(version=">=1.11.3")},
    )
    assert shape(path) == [
        ("upgrade_node_pool", "node-pool/np-legacy", "1.28.9-aliyun.1"),
        ("upgrade_control_plane", "control-plane", "1.29.3-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-batch", "1.29.3-aliyun.1"),
        ("upgrade_control_plane", "control-plane", "1.30.1-aliyun.1"),
        ("upgrade_control_plane", "control-plane", "1.31.2-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-web", "1.31.2-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-batch", "1.31.2-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-legacy", "1.31.2-aliyun.1"),
        ("upgrade_addon", "kube-proxy", "1.31.2-aliyun.1"),
        ("upgrade_addon", "coredns", "v1.11.3.2-f57ea7ed6-aliyun"),
    ]
    assert [s.order for s in path.steps] == list(range(1, 11))
    assert path.node_upgrades == 5 and not path.blocked and path.warnings == ()
    first_cp = path.steps[1]
    needs = {d.name: d.need for d in first_cp.addons}
    assert needs == {
        "kube-proxy": AddonNeed.OPTIONAL,
        "coredns": AddonNeed.OPTIONAL,
        "terway-eniip": AddonNeed.OPTIONAL,
    }
    terway = next(d for d in first_cp.addons if d.name == "terway-eniip")
    assert "no compatibility data" in terway.reason and terway.to_version is None
    assert {d.name: d.need for d in path.addons}["coredns"] is AddonNeed.REQUIRED
    assert "4 minors older" in path.steps[0].reason
    assert "held back until now" in path.steps[5].reason


def test_worked_example_table_and_json() -> None:
    path = plan_upgrade(worked_example(), MinorVersion(1, 31))
    table = render_path_table(path)
    assert all(len(line) <= 100 for line in table.splitlines())
    assert "control plane control-plane  1.28.9-aliyun.1 -> 1.29.3-aliyun.1" in table
    assert "addon optional   coredns" in table
    dumped = path.model_dump(mode="json")
    json.dumps(dumped)
    assert dumped["target"] == "1.31"
    assert dumped["steps"][1]["addons"][1]["need"] == "optional"
    assert dumped["steps"][0]["strategy"]["strategy"] == "in_place"
    assert UpgradePath.model_validate(dumped) == path


@pytest.mark.parametrize(
    ("inventory", "target", "blocked"),
    [
        (cluster([]), "1.30", "version is unknown"),
        (cluster(["1.30.1"]), "1.29", "control planes are not downgraded"),
        (cluster(["1.27.1", "1.29.0"]), "1.30", "more than one minor apart"),
    ],
)
def test_paths_that_cannot_be_planned(
    inventory: ClusterInventory, target: str, blocked: str
) -> None:
    path = plan_upgrade(inventory, MinorVersion.parse(target))
    assert path.steps == () and path.blocked
    assert blocked in path.blocked_by[0]


def test_a_step_the_provider_does_not_offer_is_blocked() -> None:
    inventory = cluster(
        ["1.28.3-tke.1"],
        provider="tke",
        upgradable=["1.29.1-tke.2"],
        available=["1.28.3-tke.1", "1.29.1-tke.2"],
    )
    path = plan_upgrade(inventory, MinorVersion(1, 30))
    assert [s.blocked_by for s in path.steps] == [
        (),
        (
            "1.30 is not among the versions the provider offers in the region "
            "(minors offered: 1.28, 1.29)",
        ),
    ]
    assert path.blocked and path.steps[1].to_version == "1.30"
    explicit = plan_upgrade(inventory, MinorVersion(1, 30), offered=[v("1.29.5"), v("1.30.2")])
    assert not explicit.blocked and shape(explicit)[-1][2] == "1.30.2"


def test_an_unknown_offer_is_a_warning_for_managed_clusters_only() -> None:
    managed = plan_upgrade(cluster(["1.30.1"], provider="ack"), MinorVersion(1, 31))
    assert "did not report which versions it offers" in managed.steps[0].warnings[0]
    selfhosted = plan_upgrade(cluster(["1.30.1"]), MinorVersion(1, 31))
    assert selfhosted.steps[0].warnings == ()


def test_unknown_kubelet_is_warned_and_replaced_at_the_end() -> None:
    path = plan_upgrade(cluster(["1.30.1"], [pool("p", None)]), MinorVersion(1, 31))
    assert "kubelet version unknown" in path.warnings[0]
    last = path.steps[-1]
    assert last.action == "replace_node_pool" and last.from_version is None
    assert last.strategy is not None and last.strategy.strategy is NodeStrategy.REPLACEMENT


def test_same_minor_target_only_moves_the_lagging_pools_and_kube_proxy() -> None:
    inventory = cluster(
        ["1.30.4"], [pool("a", "1.30.4", proxy="1.30.4"), pool("b", "1.28.2", proxy="1.28.2")]
    )
    path = plan_upgrade(inventory, MinorVersion(1, 30))
    assert shape(path) == [
        ("replace_node_pool", "node-pool/b", "1.30.4"),
        ("upgrade_addon", "kube-proxy", "1.30.4"),
    ]


def test_before_1_28_kube_proxy_moves_with_the_kubelet() -> None:
    """API servers older than 1.28: kube-proxy must match its kubelet (docs/skew.md rule 4)."""
    inventory = cluster(["1.26.5"], [pool("old", "1.24.9", proxy="1.24.9")])
    path = plan_upgrade(inventory, MinorVersion(1, 27))
    first = path.steps[0]
    # Two minors on a self-hosted (kubeadm) node: new nodes rather than two in-place passes.
    assert (first.action, first.to_version) == ("replace_node_pool", "1.26.5")
    assert [(d.name, d.need, d.to_version) for d in first.addons] == [
        ("kube-proxy", AddonNeed.REQUIRED, "1.26.5")
    ]
    state = state_of(inventory)
    for step in path.steps:
        state = apply(state, step)
        assert oracle_violations(state) == []


def test_ha_roll_under_way_is_finished_first() -> None:
    path = plan_upgrade(cluster(["1.29.1", "1.30.2"], clients=True), MinorVersion(1, 31))
    assert [s.to_version for s in path.steps] == ["1.30", "1.31"]
    assert "finishes the HA roll" in path.steps[0].reason


def test_caller_forces_a_strategy() -> None:
    inventory = cluster(["1.30.1"], [pool("p", "1.29.1")])
    path = plan_upgrade(
        inventory, MinorVersion(1, 30), node_strategies={"p": NodeStrategy.REPLACEMENT}
    )
    assert path.steps[0].action == "replace_node_pool"
    assert (
        path.steps[0].strategy is not None
        and "chosen by the caller" in path.steps[0].strategy.reason
    )


def ack_1_28(*pools: NodePool) -> ClusterInventory:
    """ACK released 1.26, 1.28 and 1.30, then every minor: it upgrades 1.28 to 1.30 at once."""
    return cluster(
        ["1.28.9-aliyun.1"],
        pools,
        provider="ack",
        clients=True,
        upgradable=["1.30.5-aliyun.1"],
        available=["1.26.3-aliyun.1", "1.28.9-aliyun.1", "1.30.1-aliyun.1", "1.30.5-aliyun.1"],
    )


def test_the_provider_jumps_over_a_minor_it_does_not_release() -> None:
    inventory = ack_1_28(
        pool("np-web", "1.28.9-aliyun.1"),
        pool("np-old", "1.26.3-aliyun.1"),
        pool("np-mid", "1.27.2-aliyun.1"),
    )
    path = plan_upgrade(inventory, MinorVersion(1, 30))
    assert shape(path) == [
        ("upgrade_node_pool", "node-pool/np-old", "1.28.9-aliyun.1"),
        ("upgrade_control_plane", "control-plane", "1.30.5-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-web", "1.30.5-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-old", "1.30.5-aliyun.1"),
        ("upgrade_node_pool", "node-pool/np-mid", "1.30.5-aliyun.1"),
    ]
    jump = path.steps[1]
    assert jump.reason == (
        "ACK offers 1.30 as the next version from 1.28; it does not release 1.29 (the target)"
    )
    assert jump.from_version == "1.28.9-aliyun.1" and jump.blocked_by == ()
    # np-old would be 4 minors behind 1.30; np-mid's 3 are allowed, so it waits for the end.
    assert "4 minors older than kube-apiserver 1.30.5-aliyun.1" in path.steps[0].reason
    # The API servers of 1.28 and 1.30 never serve side by side: no spread warning.
    assert not path.blocked and path.warnings == ()
    state = state_of(inventory)
    for step in path.steps:
        state = apply(state, step)
        assert oracle_violations(state) == []


def test_tke_moves_from_even_minor_to_even_minor() -> None:
    inventory = cluster(
        ["1.26.1-tke.6"],
        provider="tke",
        upgradable=["1.28.3-tke.1"],
        available=["1.26.1-tke.6", "1.28.3-tke.1", "1.30.0-tke.8", "1.32.2-tke.2"],
    )
    path = plan_upgrade(inventory, MinorVersion(1, 32))
    assert [(s.from_version, s.to_version) for s in path.steps] == [
        ("1.26.1-tke.6", "1.28.3-tke.1"),
        ("1.28.3-tke.1", "1.30.0-tke.8"),
        ("1.30.0-tke.8", "1.32.2-tke.2"),
    ]
    assert path.steps[1].reason == (
        "TKE offers 1.30 as the next version from 1.28; it does not release 1.29"
    )
    assert not path.blocked and path.warnings == ()


def test_one_minor_at_a_time_when_the_provider_offers_the_next_minor() -> None:
    inventory = cluster(
        ["1.30.5-aliyun.1"],
        provider="ack",
        upgradable=["1.31.2-aliyun.1", "1.32.1-aliyun.1"],
        available=["1.30.5-aliyun.1", "1.31.2-aliyun.1", "1.32.1-aliyun.1"],
    )
    path = plan_upgrade(inventory, MinorVersion(1, 32))
    assert [s.to_version for s in path.steps] == ["1.31.2-aliyun.1", "1.32.1-aliyun.1"]
    assert all("one minor at a time" in s.reason for s in path.steps)


@pytest.mark.parametrize(
    ("inventory", "target", "blocked"),
    [
        # The target is the minor the provider skips: there is no step to it.
        (ack_1_28(), "1.29", "1.29 is not among the versions this cluster can upgrade to"),
        # The provider releases 1.29 but does not let this cluster reach it: said, not jumped.
        (
            cluster(
                ["1.28.9-aliyun.1"],
                provider="ack",
                upgradable=["1.30.5-aliyun.1"],
                available=["1.29.4-aliyun.1", "1.30.5-aliyun.1"],
            ),
            "1.30",
            "1.29 is not among the versions this cluster can upgrade to (minors offered: 1.30)",
        ),
    ],
)
def test_a_minor_neither_offered_nor_jumped_is_blocked(
    inventory: ClusterInventory, target: str, blocked: str
) -> None:
    path = plan_upgrade(inventory, MinorVersion.parse(target))
    assert path.steps[0].to_version == "1.29"
    assert len(path.steps[0].blocked_by) == 1 and blocked in path.steps[0].blocked_by[0]
