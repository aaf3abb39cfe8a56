"""Contract tests: the real ACK SDK, through the real ACK collector, against the fake ACK API.

The fake server recomputes every ACS3-HMAC-SHA256 signature with the account's secret,
checks the action and API version headers, pages like ACK and answers faults in ACK's wire
form (`{code, message, requestId}` with the HTTP status ACK uses). Time inside the gate is
virtual (back-off sleeps are recorded, not slept), so retries cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client as CsClient
from alibabacloud_tea_openapi import utils_models as open_api_models

from kubedrift.collectors.ack import AckCollector, AckConfig
from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterRef
from kubedrift.sim.ack import AckFakeServer
from kubedrift.sim.fleet import Fleet, generate_fleet, load_fleet
from kubedrift.sim.server import Fault
from tests.virtual_time import VirtualTime

SECRET = "sim-secret"
ENV = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "AKIDSIMULATED", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET}
PAYMENTS = "c8f3e2a1b9d7c4e5f6a7b8c9d0e1f2a3b"  # cn-hangzhou, 1.30
WEB = "c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"  # cn-shanghai, 1.28, a pool without node_components
NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass
class Rig:
    server: AckFakeServer
    gate: Gate
    time: VirtualTime

    def collector(self, env: dict[str, str] | None = None, **settings: Any) -> AckCollector:
        config = AckConfig.model_validate(
            {
                "name": "ack-test",
                "type": "ack",
                "regions": ["cn-hangzhou", "cn-shanghai"],
                "endpoint": self.server.url,
                "timeout": 2,
                **settings,
            }
        )
        return AckCollector(config, self.gate, ENV if env is None else env, clock=lambda: NOW)

    def ref(self, cluster_id: str, region: str = "cn-hangzhou") -> ClusterRef:
        return ClusterRef(
            provider="ack", source="ack-test", id=cluster_id, name=cluster_id, region=region
        )


def _rig(fleet: Fleet, retries: int = 3, **server: Any) -> Iterator[Rig]:
    fake = AckFakeServer(fleet, **server)
    time = VirtualTime()
    gate = time.gate(retries, seed=1)
    with fake.running():
        yield Rig(fake, gate, time)


@pytest.fixture(scope="module")
def _shared() -> Iterator[Rig]:
    # One server for the canonical fleet: stopping a server costs about half a second.
    yield from _rig(load_fleet())


@pytest.fixture
def rig(_shared: Rig) -> Iterator[Rig]:
    _shared.server.faults.clear()
    _shared.server.reset()
    _shared.time.sleeps.clear()
    yield _shared
    _shared.server.faults.clear()


# -- discovery ------------------------------------------------------------------------------


def test_discover_pages_each_region_sending_region_id_and_merges_labels(rig: Rig) -> None:
    refs = rig.collector(labels={"owner": "sre", "env": "from-settings"}).discover()
    assert sorted(r.key for r in refs) == [
        f"ack/cn-hangzhou/{c}" for c in sorted(("c0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d", PAYMENTS))
    ] + [f"ack/cn-shanghai/{WEB}"]
    # Regions interleaved, so a bounded pool works on every region's rate limit at once.
    assert [r.region for r in refs] == ["cn-hangzhou", "cn-shanghai", "cn-hangzhou"]
    payments = next(r for r in refs if r.id == PAYMENTS)
    assert payments.name == "prod-hz-payments"
    # Cloud tags become labels; the settings file's static labels win.
    assert payments.labels == {
        "env": "from-settings",
        "team": "payments",
        "tier": "critical",
        "owner": "sre",
    }
    calls = rig.server.calls("DescribeClustersV1")
    assert [c.query["region_id"] for c in calls] == ["cn-hangzhou", "cn-shanghai"]
    for call in calls:
        assert call.path == "/api/v1/clusters"
        assert call.header("x-acs-version") == "2015-12-15"
        assert call.header("x-acs-action") == "DescribeClustersV1"
        assert (call.header("authorization") or "").startswith("ACS3-HMAC-SHA256 Credential=AKID")
        assert call.query["page_size"] == "100"


def test_without_region_id_ack_lists_every_region(rig: Rig) -> None:
    # Why the collector must send region_id: the fake answers as ACK does without it.
    client = CsClient(
        open_api_models.Config(
            access_key_id="AKIDSIMULATED",
            access_key_secret=SECRET,
            region_id="cn-hangzhou",
            endpoint=rig.server.host,
            protocol="http",
        )
    )
    body = client.describe_clusters_v1(cs_models.DescribeClustersV1Request(page_size=100)).body
    assert {c.region_id for c in body.clusters} == {"cn-hangzhou", "cn-shanghai"}


def test_discover_reads_every_page() -> None:
    fleet = generate_fleet(100, pools=1)  # 50 ACK clusters: 13 in cn-hangzhou, 12 in cn-beijing
    for rig in _rig(fleet):
        refs = rig.collector(regions=["cn-hangzhou", "cn-beijing"], page_size=3).discover()
        expected = {c.key for c in fleet.of("ack") if c.region in ("cn-hangzhou", "cn-beijing")}
        assert {r.key for r in refs} == expected
        pages = [c.query["page_number"] for c in rig.server.calls("DescribeClustersV1")]
        counts = [len(fleet.of("ack", r)) for r in ("cn-hangzhou", "cn-beijing")]
        assert counts == [13, 12]
        assert pages == ["1", "2", "3", "4", "5", "1", "2", "3", "4"]


def test_cluster_type_and_name_filters(rig: Rig) -> None:
    assert rig.collector(cluster_types=["ExternalKubernetes"]).discover() == []
    refs = rig.collector(include=["prod-*"], exclude=["*-web"]).discover()
    assert [r.id for r in refs] == [PAYMENTS]


# -- one cluster ----------------------------------------------------------------------------


def test_collect_reads_versions_pools_addons_and_support(rig: Rig) -> None:
    inventory = rig.collector().collect(rig.ref(WEB, "cn-shanghai"))
    plane = inventory.control_plane
    assert plane.version is not None and plane.version.raw == "1.28.9-aliyun.1"
    assert [v.raw for v in plane.upgradable_versions] == ["1.30.1-aliyun.1"]
    assert plane.available_versions[-1].raw == "1.33.1-aliyun.1"
    assert plane.support is not None
    assert plane.support.minor == "1.28"
    assert plane.support.released.value == date(2024, 3, 20)
    assert plane.support.end_of_support.value == date(2026, 3, 20)
    assert plane.support.end_of_support.source.retrieved == NOW.date()

    web, legacy = inventory.node_pools
    assert web.kubelet_version is not None and web.kubelet_version.raw == "1.28.9-aliyun.1"
    assert (web.runtime, web.runtime_version, web.node_count) == ("containerd", "1.6.20", 8)
    assert web.os_image == "aliyun_2_1903_x64_20G_alibase_20230704.vhd"
    assert web.versions_seen == {"1.28.9-aliyun.1": 8}
    # No node_components: unknown, never guessed from the control plane.
    assert legacy.kubelet_version is None and legacy.node_count == 2
    assert inventory.unknown == ("node_pools.np1a2b3c4d5e6f.kubelet_version",)

    coredns = next(a for a in inventory.addons if a.name == "coredns")
    assert coredns.version == "v1.9.3.10-7dfca203-aliyun"
    assert coredns.available_versions == ("v1.11.3.2-f57ea7ed6-aliyun",)
    assert coredns.upgradable is True and coredns.kind == "dns"
    flannel = next(a for a in inventory.addons if a.name == "flannel")
    assert flannel.available_versions == () and flannel.upgradable is False

    describe_addon = rig.server.calls("DescribeAddon")
    assert {c.path for c in describe_addon} >= {"/addons/coredns", "/addons/flannel"}
    assert all(c.query["cluster_id"] == WEB for c in describe_addon)
    metadata = rig.server.calls("DescribeKubernetesVersionMetadata")
    assert {(c.query["Region"], c.query["ClusterType"]) for c in metadata} == {
        ("cn-shanghai", "ManagedKubernetes")
    }
    assert [c.query.get("KubernetesVersion") for c in metadata] == [None, "1.28.9-aliyun.1"]


def test_version_metadata_is_fetched_once_per_region_type_and_version(rig: Rig) -> None:
    collector = rig.collector()
    refs = collector.discover()
    for ref in refs + refs:
        collector.collect(ref)
    keys = [
        (c.query["Region"], c.query.get("KubernetesVersion"))
        for c in rig.server.calls("DescribeKubernetesVersionMetadata")
    ]
    assert sorted(keys, key=str) == sorted(
        [
            ("cn-hangzhou", None),
            ("cn-hangzhou", "1.30.1-aliyun.1"),
            ("cn-hangzhou", "1.32.1-aliyun.1"),
            ("cn-shanghai", None),
            ("cn-shanghai", "1.28.9-aliyun.1"),
        ],
        key=str,
    )


# -- faults ---------------------------------------------------------------------------------


def test_throttling_is_retried_honouring_retry_after(rig: Rig) -> None:
    rig.server.faults.add(
        Fault("throttle", operation="DescribeClustersV1", times=2, retry_after=0.7)
    )
    refs = rig.collector().discover()
    assert len(refs) == 3
    assert len(rig.server.calls("DescribeClustersV1")) == 4  # two throttled, then both regions
    assert rig.gate.stats.throttled >= 2
    assert max(rig.time.sleeps) >= 0.7  # x-acs-retry-after (milliseconds) waited, at least
    no_retry = Gate(100, RetryPolicy(retries=0), clock=rig.time.clock, sleep=rig.time.sleep)
    rig.server.faults.add(Fault("throttle", operation="DescribeClustersV1", retry_after=0.7))
    with pytest.raises(CollectError) as caught:
        AckCollector(rig.collector().config, no_retry, ENV).discover()
    assert caught.value.reason == "throttled" and caught.value.retryable
    assert caught.value.retry_after == pytest.approx(0.7)


def test_server_errors_are_retried_then_reported(rig: Rig) -> None:
    rig.server.faults.add(Fault("server_error", operation="DescribeClusterDetail", times=1))
    assert rig.collector().collect(rig.ref(PAYMENTS)).id == PAYMENTS
    rig.server.faults.add(Fault("server_error", operation="DescribeClusterDetail", times=None))
    with pytest.raises(CollectError) as caught:
        rig.collector().collect(rig.ref(PAYMENTS))
    assert caught.value.reason == "server" and caught.value.retryable
    assert "ServiceUnavailable (HTTP 503)" in str(caught.value)


def test_a_failing_node_pool_call_fails_that_cluster_only(rig: Rig) -> None:
    rig.server.faults.add(
        Fault("server_error", operation="DescribeClusterNodePools", target=WEB, times=None)
    )
    collector = rig.collector()
    refs = {r.id: r for r in collector.discover()}
    assert WEB in refs  # discovery still lists it
    with pytest.raises(CollectError) as caught:
        collector.collect(refs[WEB])
    assert caught.value.reason == "server"
    assert len(rig.server.calls("DescribeClusterNodePools")) == 4  # first try + 3 retries
    assert collector.collect(refs[PAYMENTS]).node_pools


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({**ENV, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "not-the-secret"}, "SignatureDoesNotMatch"),
        ({**ENV, "ALIBABA_CLOUD_ACCESS_KEY_ID": "AKIDUNKNOWN"}, "InvalidAccessKeyId.NotFound"),
    ],
)
def test_bad_credentials_fail_with_auth_and_no_secret(
    rig: Rig, env: dict[str, str], code: str
) -> None:
    with pytest.raises(CollectError) as caught:
        rig.collector(env=env).discover()
    error = caught.value
    assert error.reason == "auth" and not error.retryable
    assert code in str(error)
    assert env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] not in str(error)
    assert len(rig.server.calls("DescribeClustersV1")) == 1  # not retried


def test_hang_beyond_the_timeout_is_a_timeout(rig: Rig) -> None:
    rig.server.faults.add(Fault("timeout", operation="DescribeClusterDetail", hang_seconds=0.6))
    collector = rig.collector(timeout=0.2)
    assert collector.collect(rig.ref(PAYMENTS)).id == PAYMENTS  # retried, then answered
    rig.server.faults.add(
        Fault("timeout", operation="DescribeClusterDetail", times=None, hang_seconds=0.6)
    )
    no_retry = Gate(100, RetryPolicy(retries=0), clock=rig.time.clock, sleep=rig.time.sleep)
    with pytest.raises(CollectError) as caught:
        AckCollector(collector.config, no_retry, ENV).collect(rig.ref(PAYMENTS))
    assert caught.value.reason == "timeout" and caught.value.retryable


def test_malformed_body_is_reported_and_not_retried(rig: Rig) -> None:
    rig.server.faults.add(Fault("malformed", operation="DescribeClusterNodePools", target=WEB))
    with pytest.raises(CollectError) as caught:
        rig.collector().collect(rig.ref(WEB, "cn-shanghai"))
    assert caught.value.reason == "malformed" and not caught.value.retryable
    assert len(rig.server.calls("DescribeClusterNodePools")) == 1


def test_missing_cluster_is_not_found(rig: Rig) -> None:
    with pytest.raises(CollectError) as caught:
        rig.collector().collect(rig.ref("c-gone"))
    assert caught.value.reason == "not_found" and "ErrorClusterNotFound" in str(caught.value)


def test_secondary_parts_failing_leave_them_unknown(rig: Rig) -> None:
    rig.server.faults.add(Fault("auth", operation="DescribeKubernetesVersionMetadata", times=None))
    rig.server.faults.add(Fault("auth", operation="ListClusterAddonInstances", target=PAYMENTS))
    inventory = rig.collector().collect(rig.ref(PAYMENTS))
    assert inventory.control_plane.version is not None
    assert inventory.addons == ()
    assert set(inventory.unknown) == {
        "addons",
        "control_plane.available_versions",
        "control_plane.support",
    }


def test_one_missing_credential_variable_is_a_config_failure(rig: Rig) -> None:
    collector = rig.collector(env={"ALIBABA_CLOUD_ACCESS_KEY_ID": "AKIDSIMULATED"})
    with pytest.raises(CollectError) as caught:
        collector.discover()
    assert caught.value.reason == "config"
    assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in str(caught.value)
    assert rig.server.calls() == []


def test_a_replayed_request_is_refused(rig: Rig) -> None:
    rig.collector().collect(rig.ref(PAYMENTS))
    replay = rig.server.calls("DescribeClusterDetail")[0]
    answer = rig.server.route(replay, "DescribeClusterDetail")
    assert answer.status == 400 and b"SignatureNonceUsed" in answer.body


def test_config_needs_a_region() -> None:
    with pytest.raises(ValueError, match="at least one region"):
        AckConfig.model_validate({"name": "a", "type": "ack"})
