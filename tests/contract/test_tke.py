"""Contract tests: the real TKE SDK, through the real TKE collector, against the fake TKE API.

The fake server recomputes every TC3-HMAC-SHA256 signature with the account's secret, pages
with TKE's limits and answers faults in TKE's wire form. Time inside the gate is virtual
(the back-off sleeps are recorded, not slept) so retries cost nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.collectors.tke import TkeCollector
from kubedrift.collectors.tke_config import TkeConfig
from kubedrift.collectors.tke_errors import classify
from kubedrift.errors import CollectError
from kubedrift.sim.fleet import Fleet, SimAccount, SimCluster, SimNodePool, load_fleet
from kubedrift.sim.server import Fault
from kubedrift.sim.tke import TkeFakeServer
from tests.virtual_time import VirtualTime

SECRET = "sim-secret"
ENV = {"TENCENTCLOUD_SECRET_ID": "AKIDSIMULATED", "TENCENTCLOUD_SECRET_KEY": SECRET}
ORDERS = "cls-7xk2p9ab"


@dataclass
class Rig:
    server: TkeFakeServer
    gate: Gate

    def collector(self, env: dict[str, str] | None = None, **settings: Any) -> TkeCollector:
        config = TkeConfig.model_validate(
            {
                "name": "tke-test",
                "regions": ["ap-guangzhou", "ap-shanghai"],
                "endpoint": self.server.url,
                "timeout": 2,
                **settings,
            }
        )
        return TkeCollector(config, self.gate, ENV if env is None else env)

    def bodies(self, action: str) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.server.calls(action)]


def _rig(fleet: Fleet, retries: int = 3, **server: Any) -> Iterator[Rig]:
    fake = TkeFakeServer(fleet, **server)
    time = VirtualTime()
    gate = time.gate(retries, seed=1)
    with fake.running():
        yield Rig(fake, gate)


@pytest.fixture(scope="module")
def _shared() -> Iterator[Rig]:
    # One server for the tests that use the canonical fleet: stopping one costs ~0.5 s.
    yield from _rig(load_fleet())


@pytest.fixture
def rig(_shared: Rig) -> Rig:
    _shared.server.faults.clear()
    _shared.server.reset()
    _shared.gate = VirtualTime().gate(3, seed=1)
    return _shared


def _by_name(refs: list[Any]) -> dict[str, Any]:
    return {r.name: r for r in refs}


# -- discovery -------------------------------------------------------------------------
def test_discover_lists_every_region_with_tags_as_labels(rig: Rig) -> None:
    refs = rig.collector(labels={"team": "override", "cloud": "tencent"}).discover()
    # Regions interleaved, so clusters read side by side draw on different quotas.
    assert [r.key for r in refs] == [
        "tke/ap-guangzhou/cls-7xk2p9ab",
        "tke/ap-shanghai/cls-m3n4b5v6",
        "tke/ap-guangzhou/cls-d3v0ld26",
    ]
    orders = _by_name(refs)["prod-gz-orders"]
    assert orders.labels == {"env": "production", "team": "override", "cloud": "tencent"}
    assert orders.source == "tke-test"


def test_requests_carry_action_version_region_language_and_json(rig: Rig) -> None:
    rig.collector().discover()
    calls = rig.server.calls("DescribeClusters")
    assert [c.header("x-tc-region") for c in calls] == ["ap-guangzhou", "ap-shanghai"]
    for call in calls:
        assert call.method == "POST" and call.path == "/"
        assert call.header("x-tc-version") == "2018-05-25"
        assert call.header("x-tc-language") == "en-US"
        assert call.header("content-type") == "application/json"
        assert (call.header("authorization") or "").startswith(
            "TC3-HMAC-SHA256 Credential=AKIDSIMULATED/"
        )
    assert rig.bodies("DescribeClusters")[0] == {"Offset": 0, "Limit": 100}


def test_discover_walks_every_page() -> None:
    clusters = tuple(
        SimCluster(
            provider="tke", id=f"cls-{i:08d}", name=f"c{i}", region="ap-beijing", version="1.30.0"
        )
        for i in range(230)
    )
    for rig in _rig(Fleet(clusters=clusters)):
        refs = rig.collector(regions=["ap-beijing"]).discover()
        assert len({r.id for r in refs}) == 230
        assert [(b["Offset"], b["Limit"]) for b in rig.bodies("DescribeClusters")] == [
            (0, 100),
            (100, 100),
            (200, 100),
        ]


def test_include_and_exclude_filter_by_name(rig: Rig) -> None:
    refs = rig.collector(include=["prod-*", "staging-*"], exclude=["staging-*"]).discover()
    assert [r.name for r in refs] == ["prod-gz-orders"]


# -- one cluster -----------------------------------------------------------------------
def test_collect_joins_instances_and_upgrade_check_into_pools(rig: Rig) -> None:
    collector = rig.collector()
    orders = _by_name(collector.discover())["prod-gz-orders"]
    inventory = collector.collect(orders)
    assert inventory.key == "tke/ap-guangzhou/cls-7xk2p9ab"
    assert inventory.control_plane.version is not None
    assert inventory.control_plane.version.raw == "1.30.0"
    assert [v.raw for v in inventory.control_plane.upgradable_versions] == ["1.32.2"]
    assert [v.raw for v in inventory.control_plane.available_versions] == [
        "1.28.3",
        "1.30.0",
        "1.32.2",
    ]
    assert inventory.control_plane.support is None
    (pool,) = inventory.node_pools
    assert (pool.id, pool.name, pool.node_count) == ("np-4k8d2m1q", "general", 6)
    # Two nodes are listed behind at their own build; the other four run the control
    # plane's version, which is all TKE's API can say about them.
    assert pool.versions_seen == {"1.28.3-tke.4": 2, "1.30.0": 4}
    assert pool.kubelet_version is not None and pool.kubelet_version.raw == "1.28.3-tke.4"
    assert (pool.runtime, pool.runtime_version) == ("containerd", "1.6.9-tke.3")
    assert pool.os_image == "TencentOS Server 3.1 (TK4)"
    assert {a.name: (a.kind.value, a.version) for a in inventory.addons} == {
        "cbs": ("csi", "1.1.6"),
        "coredns": ("dns", "1.11.1"),
        "nginx-ingress": ("ingress", "1.3.1"),
        "tke-cni-agent": ("cni", "1.1.7"),
    }
    assert inventory.unknown == ()
    # The upgradable versions came with discovery, one call per page of clusters.
    assert [b["ClusterIds"] for b in rig.bodies("DescribeAvailableClusterVersion")] == [
        ["cls-7xk2p9ab", "cls-d3v0ld26"],
        ["cls-m3n4b5v6"],
    ]
    for action in ("DescribeClusterNodePools", "DescribeAddon", "CheckInstancesUpgradeAble"):
        assert rig.bodies(action)[0]["ClusterId"] == ORDERS


def test_collect_without_discover_asks_for_the_cluster(rig: Rig) -> None:
    collector = rig.collector()
    ref = _by_name(rig.collector().discover())["staging-sh"]
    inventory = collector.collect(ref)
    assert inventory.control_plane.version is not None
    assert inventory.control_plane.version.raw == "1.32.2"
    assert rig.bodies("DescribeClusters")[-1]["ClusterIds"] == ["cls-m3n4b5v6"]
    assert rig.bodies("DescribeAvailableClusterVersion")[-1] == {"ClusterId": "cls-m3n4b5v6"}
    assert [v.raw for v in inventory.control_plane.upgradable_versions] == []


def test_instances_and_upgrade_check_are_paged() -> None:
    pools = (
        SimNodePool(
            id="np-big", name="big", kubelet_versions={"1.28.3-tke.4": 130, "1.30.0-tke.8": 120}
        ),
        SimNodePool(id="np-small", name="small", kubelet_versions={"1.30.0-tke.8": 3}),
    )
    cluster = SimCluster(
        provider="tke",
        id="cls-big",
        name="big",
        region="ap-beijing",
        version="1.30.0",
        node_pools=pools,
    )
    for rig in _rig(Fleet(clusters=(cluster,))):
        collector = rig.collector(regions=["ap-beijing"])
        (ref,) = collector.discover()
        inventory = collector.collect(ref)
        by_id = {p.id: p for p in inventory.node_pools}
        assert by_id["np-big"].versions_seen == {"1.28.3-tke.4": 130, "1.30.0": 120}
        assert by_id["np-small"].versions_seen == {"1.30.0": 3}
        assert [b["Offset"] for b in rig.bodies("DescribeClusterInstances")] == [0, 100, 200]
        assert [b["Offset"] for b in rig.bodies("CheckInstancesUpgradeAble")] == [0, 100]


# -- faults ----------------------------------------------------------------------------
def test_throttled_call_is_retried_then_succeeds(rig: Rig) -> None:
    rig.server.faults.add(Fault("throttle", operation="DescribeClusters", times=2))
    refs = rig.collector().discover()
    assert len(refs) == 3
    assert rig.gate.stats.throttled == 2
    assert len(rig.server.calls("DescribeClusters")) == 4  # 2 throttled + 2 regions


@pytest.mark.parametrize("style", ["http", "internal_error"])
def test_server_errors_are_retried_then_reported(style: str) -> None:
    for rig in _rig(load_fleet(), retries=2, server_error=style):
        rig.server.faults.add(Fault("server_error", operation="DescribeClusters", times=1))
        assert len(rig.collector().discover()) == 3
        rig.server.faults.add(Fault("server_error", operation="DescribeClusters", times=None))
        with pytest.raises(CollectError) as caught:
            rig.collector().discover()
        assert caught.value.reason == "server"
        assert caught.value.retryable


def test_hang_beyond_the_client_timeout_is_a_timeout(rig: Rig) -> None:
    rig.server.faults.add(
        Fault("timeout", operation="DescribeClusters", times=None, hang_seconds=1.0)
    )
    with pytest.raises(CollectError) as caught:
        rig.collector(timeout=0.2).discover()
    assert caught.value.reason == "timeout"
    assert len(rig.server.calls("DescribeClusters")) == 4  # 1 + 3 retries


def test_malformed_body_is_reported_and_not_retried(rig: Rig) -> None:
    rig.server.faults.add(Fault("malformed", operation="DescribeClusters"))
    with pytest.raises(CollectError) as caught:
        rig.collector().discover()
    assert caught.value.reason == "malformed"
    assert len(rig.server.calls("DescribeClusters")) == 1


def test_wrong_secret_fails_auth_without_leaking_it(rig: Rig) -> None:
    wrong = "definitely-not-the-secret-4242"
    env = {**ENV, "TENCENTCLOUD_SECRET_KEY": wrong}
    with pytest.raises(CollectError) as caught:
        rig.collector(env=env).discover()
    error = caught.value
    assert error.reason == "auth" and not error.retryable
    assert "AuthFailure.SignatureFailure" in str(error)
    assert wrong not in str(error) and wrong not in repr(error.__cause__)
    assert len(rig.server.calls()) == 1


def test_unknown_secret_id_and_missing_credentials(rig: Rig) -> None:
    env = {**ENV, "TENCENTCLOUD_SECRET_ID": "AKIDNOBODY"}
    with pytest.raises(CollectError) as caught:
        rig.collector(env=env).discover()
    assert caught.value.reason == "auth"
    with pytest.raises(CollectError) as half:
        rig.collector(env={"TENCENTCLOUD_SECRET_KEY": SECRET}).discover()
    assert half.value.reason == "config"


def test_custom_credential_variables() -> None:
    fleet = Fleet(
        accounts={"ops": SimAccount(access_key_id="AKIDOPS", access_key_secret="ops-secret")},
        clusters=(
            SimCluster(
                provider="tke",
                id="cls-ops",
                name="ops",
                region="ap-beijing",
                account="ops",
                version="1.30.0",
            ),
        ),
    )
    for rig in _rig(fleet):
        env = {"OPS_ID": "AKIDOPS", "OPS_KEY": "ops-secret"}
        collector = rig.collector(
            env=env, regions=["ap-beijing"], secret_id_env="OPS_ID", secret_key_env="OPS_KEY"
        )
        assert [r.id for r in collector.discover()] == ["cls-ops"]


def test_a_failing_node_pool_call_fails_only_that_cluster(rig: Rig) -> None:
    rig.server.faults.add(
        Fault("server_error", operation="DescribeClusterNodePools", target=ORDERS, times=None)
    )
    collector = rig.collector()
    refs = _by_name(collector.discover())
    assert "prod-gz-orders" in refs
    with pytest.raises(CollectError) as caught:
        collector.collect(refs["prod-gz-orders"])
    assert caught.value.reason == "server"
    assert collector.collect(refs["dev-gz-sandbox"]).node_pools


def test_a_failing_addon_call_leaves_the_rest_readable(rig: Rig) -> None:
    rig.server.faults.add(Fault("auth", operation="DescribeAddon", target=ORDERS, times=None))
    collector = rig.collector()
    inventory = collector.collect(_by_name(collector.discover())["prod-gz-orders"])
    assert inventory.unknown == ("addons",)
    assert inventory.addons == ()
    assert inventory.node_pools[0].versions_seen


def test_a_vanished_cluster_is_not_found(rig: Rig) -> None:
    collector = rig.collector()
    ref = _by_name(collector.discover())["prod-gz-orders"].model_copy(update={"id": "cls-gone"})
    with pytest.raises(CollectError) as caught:
        collector.collect(ref)
    assert caught.value.reason == "not_found"
    assert not caught.value.retryable


@pytest.mark.slow
def test_provider_rate_limit_is_absorbed_by_retries() -> None:
    for rig in _rig(load_fleet(), rate_limit=5):
        # Real time here: the fake's quota is a real one-second window.
        rig.gate = Gate(50, RetryPolicy(retries=8, base_delay=0.2), seed=1)
        collector = rig.collector()
        inventories = [collector.collect(r) for r in collector.discover()]
        assert len(inventories) == 3
        assert rig.gate.stats.throttled > 0


# -- error mapping and settings --------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "reason", "retryable"),
    [
        ("RequestLimitExceeded", "throttled", True),
        ("RequestLimitExceeded.UinLimitExceeded", "throttled", True),
        ("AuthFailure.SecretIdNotFound", "auth", False),
        ("UnauthorizedOperation", "auth", False),
        ("InternalError.CamNoAuth", "auth", False),
        ("InternalError.ClusterNotFound", "not_found", False),
        ("ResourceNotFound", "not_found", False),
        ("InternalError", "server", True),
        ("ServerNetworkError", "server", True),
        ("JSONDecodeError", "malformed", False),
        ("InvalidParameterValue", "config", False),
    ],
)
def test_error_codes_map_to_reasons(code: str, reason: str, retryable: bool) -> None:
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )

    error = classify(
        TencentCloudSDKException(code, f"failed with s3cr3t ({code})", "rid"), "Op", ("s3cr3t",)
    )
    assert (error.reason, error.retryable) == (reason, retryable)
    assert "s3cr3t" not in str(error) and "rid" in str(error)


def test_a_source_needs_regions() -> None:
    with pytest.raises(ValueError, match="at least one region"):
        TkeConfig(name="t")
