"""Contract tests: the real `kubernetes` client, through the kubeconfig and in-cluster
collectors, against the fake Kubernetes API server built from the canonical fleet.

The kubeconfig is a real file with one context per simulated cluster (bearer tokens); the
fake checks the `Authorization` header, pages lists and answers faults in Kubernetes' wire
form (`Status` bodies). The gate runs on virtual time, so back-off costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kubedrift.collectors.base import CollectorConfig
from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.collectors.kube import (
    InClusterCollector,
    InClusterConfig,
    KubeconfigCollector,
    KubeconfigConfig,
)
from kubedrift.collectors.registry import COLLECTORS
from kubedrift.errors import CollectError
from kubedrift.model.inventory import AddonKind, ClusterRef
from kubedrift.sim.fleet import Fleet, SimCluster, SimNodePool, load_fleet
from kubedrift.sim.kube import FakeKubeServer, write_kubeconfig
from kubedrift.sim.server import Fault
from tests.virtual_time import VirtualTime

IDC = "idc-bj-1"
K3S = "edge-sh-k3s"


@dataclass
class Rig:
    server: FakeKubeServer
    kubeconfig: Path
    time: VirtualTime = field(default_factory=VirtualTime)
    retries: int = 3

    def gate(self) -> Gate:
        return self.time.gate(self.retries, seed=1)

    def collector(self, **settings: Any) -> KubeconfigCollector:
        config = KubeconfigConfig.model_validate(
            {"name": "self-hosted", "kubeconfig": str(self.kubeconfig), "timeout": 2, **settings}
        )
        return KubeconfigCollector(config, self.gate(), {})

    def ref(self, context: str) -> ClusterRef:
        return ClusterRef(provider="kubeconfig", source="self-hosted", id=context, name=context)

    def paths(self, operation: str | None = None) -> list[str]:
        return [r.path for r in self.server.calls(operation)]


@pytest.fixture(scope="module")
def _shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    # One server for the module: stopping one costs ~0.5 s (http.server's shutdown poll).
    server = FakeKubeServer(load_fleet())
    with server.running():
        path = write_kubeconfig(server, tmp_path_factory.mktemp("kube") / "config")
        yield Rig(server, path)


@pytest.fixture
def rig(_shared: Rig) -> Rig:
    _shared.server.faults.clear()
    _shared.server.denied.clear()
    _shared.server.reset()
    _shared.time = VirtualTime()
    _shared.retries = 3
    return _shared


# -- discovery -------------------------------------------------------------------------
def test_registry_resolves_both_types() -> None:
    assert COLLECTORS.get("kubeconfig") is KubeconfigCollector
    assert COLLECTORS.get("incluster") is InClusterCollector


def test_discover_every_context_and_globs(rig: Rig) -> None:
    refs = rig.collector(labels={"dc": "cn"}).discover()
    assert [r.key for r in refs] == [f"kubeconfig/{K3S}", f"kubeconfig/{IDC}"]
    assert all(r.labels == {"dc": "cn"} and r.source == "self-hosted" for r in refs)
    assert [r.id for r in rig.collector(contexts=["idc-*"]).discover()] == [IDC]
    assert [r.id for r in rig.collector(exclude=["edge-*"]).discover()] == [IDC]
    assert rig.server.requests == []  # discovery reads the file only


def test_kubeconfig_path_comes_from_environ_then_home(rig: Rig, tmp_path: Path) -> None:
    config = KubeconfigConfig(name="env")
    from_env = KubeconfigCollector(config, rig.gate(), {"KUBECONFIG": str(rig.kubeconfig)})
    assert len(from_env.discover()) == 2
    (tmp_path / ".kube").mkdir()
    (tmp_path / ".kube" / "config").write_text(rig.kubeconfig.read_text())
    assert len(KubeconfigCollector(config, rig.gate(), {"HOME": str(tmp_path)}).discover()) == 2


def test_discovery_config_errors(rig: Rig, tmp_path: Path) -> None:
    with pytest.raises(CollectError, match="no context named 'prod'") as missing:
        rig.collector(contexts=["prod"]).discover()
    assert missing.value.reason == "config"
    nowhere = KubeconfigConfig(name="x", kubeconfig=str(tmp_path / "absent"))
    with pytest.raises(CollectError, match="cannot read contexts") as absent:
        KubeconfigCollector(nowhere, rig.gate(), {}).discover()
    assert absent.value.reason == "config" and not absent.value.retryable


# -- what is read ----------------------------------------------------------------------
def test_ha_cluster_inventory(rig: Rig) -> None:
    inv = rig.collector().collect(rig.ref(IDC))
    assert inv.key == f"kubeconfig/{IDC}" and inv.unknown == ()
    assert inv.control_plane.version is not None and inv.control_plane.version.raw == "v1.29.4"
    apiservers = [(c.instance, str(c.version)) for c in inv.control_plane.components]
    assert apiservers == [("master-0", "v1.29.4"), ("master-1", "v1.29.4"), ("master-2", "v1.28.9")]
    (pool,) = inv.node_pools
    assert (pool.id, pool.node_count, pool.versions_seen) == (
        "workers",
        12,
        {"v1.27.13": 2, "v1.28.9": 10},
    )
    assert pool.kubelet_version is not None and pool.kubelet_version.raw == "v1.27.13"
    # kube-proxy comes from its pods, not from nodeInfo.kubeProxyVersion (the kubelet's own).
    assert pool.kube_proxy_version is not None and pool.kube_proxy_version.raw == "v1.28.9"
    assert (pool.runtime, pool.runtime_version) == ("containerd", "1.7.15")
    assert (pool.os_image, pool.kernel_version) == ("Ubuntu 22.04.4 LTS", "5.15.0-105-generic")
    calico = {a.name: a for a in inv.addons}["calico-node"]
    assert (calico.kind, calico.version, calico.running_version) == (
        AddonKind.CNI,
        "v3.26.4",
        "v3.26.1",
    )
    assert (
        calico.pending
        and calico.image_id
        and calico.image_id.startswith("docker.io/calico/node@sha256:")
    )
    assert [
        (d.group, d.version, d.resource, d.removed_release) for d in inv.deprecated_apis or ()
    ] == [("flowcontrol.apiserver.k8s.io", "v1beta3", "flowschemas", "1.32")]


def test_every_kubeconfig_cluster_matches_the_fleet(rig: Rig) -> None:
    collector = rig.collector()
    for sim in load_fleet().of("kubeconfig"):
        inv = collector.collect(rig.ref(sim.id))
        assert inv.control_plane.version is not None
        assert inv.control_plane.version.raw == sim.version
        assert [(p.id, p.versions_seen) for p in inv.node_pools] == [
            (p.id, dict(sorted(p.kubelet_versions.items()))) for p in sim.node_pools
        ]
        got = {a.name: (a.version, a.running_version) for a in inv.addons}
        assert got == {a.name: (a.version, a.running) for a in sim.addons}


def test_k3s_has_no_visible_control_plane_pods(rig: Rig) -> None:
    inv = rig.collector().collect(rig.ref(K3S))
    assert inv.control_plane.components == ()
    assert [str(v) for v in inv.control_plane.apiserver_versions()] == ["v1.28.2+k3s1"]
    assert inv.node_pools[0].kube_proxy_version is None  # embedded in k3s: no pod to read


def test_requests_paths_auth_and_paging(rig: Rig) -> None:
    rig.collector(page_size=5).collect(rig.ref(IDC))
    token = rig.server.tokens[IDC]
    assert all(r.header("authorization") == f"Bearer {token}" for r in rig.server.requests)
    prefix = f"/clusters/{IDC}"
    assert rig.paths("version") == [f"{prefix}/version/"]  # the client's trailing slash
    nodes = rig.server.calls("list_nodes")
    assert [(r.query.get("limit"), r.query.get("continue")) for r in nodes] == [
        ("5", None),
        ("5", "5"),
        ("5", "10"),
    ]
    assert rig.paths("list_pods")[0] == f"{prefix}/api/v1/namespaces/kube-system/pods"
    assert rig.paths("metrics") == [f"{prefix}/metrics"]
    assert all(r.method == "GET" for r in rig.server.requests)


# -- RBAC: a forbidden part is unknown, not an error ------------------------------------
@pytest.mark.parametrize(
    ("operation", "unknown"),
    [
        ("list_nodes", ("node_pools",)),
        ("metrics", ("deprecated_apis",)),
        ("list_daemonsets", ("addons",)),
        (
            "list_pods",
            ("addons.running_version", "control_plane.components", "node_pools.kube_proxy"),
        ),
    ],
)
def test_forbidden_parts_are_named_unknown(
    rig: Rig, operation: str, unknown: tuple[str, ...]
) -> None:
    rig.server.deny(IDC, operation)
    inv = rig.collector().collect(rig.ref(IDC))
    assert inv.unknown == unknown
    if operation == "list_nodes":
        assert inv.node_pools == ()
    if operation == "metrics":
        assert inv.deprecated_apis is None
    if operation == "list_pods":
        assert all(a.running_version is None for a in inv.addons)
        assert inv.control_plane.version is not None


def test_forbidden_version_fails_with_auth(rig: Rig) -> None:
    rig.server.deny(IDC, "version")
    with pytest.raises(CollectError) as failed:
        rig.collector().collect(rig.ref(IDC))
    assert failed.value.reason == "auth" and not failed.value.retryable


# -- faults ----------------------------------------------------------------------------
def test_bad_token_fails_with_auth_and_no_token_in_message(rig: Rig, tmp_path: Path) -> None:
    wrong = "s3cr3t-wrong-token-value"
    path = write_kubeconfig(rig.server, tmp_path / "config", tokens={IDC: wrong})
    config = KubeconfigConfig(name="x", kubeconfig=str(path))
    with pytest.raises(CollectError) as failed:
        KubeconfigCollector(config, rig.gate(), {}).collect(rig.ref(IDC))
    error = failed.value
    assert (error.reason, error.retryable) == ("auth", False)
    assert "401" in str(error) and wrong not in str(error)
    assert rig.server.tokens[IDC] not in str(error)
    assert len(rig.server.calls("version")) == 1  # never retried


def test_throttled_call_is_retried_after_retry_after(rig: Rig) -> None:
    rig.server.faults.add(Fault(kind="throttle", operation="list_nodes", retry_after=3, times=2))
    inv = rig.collector().collect(rig.ref(IDC))
    assert inv.node_pools and len(rig.server.calls("list_nodes")) == 3
    assert max(rig.time.sleeps) >= 3, (
        rig.time.sleeps
    )  # the gate waited at least the server's Retry-After


def test_server_error_is_retried_then_fails_with_server(rig: Rig) -> None:
    rig.server.faults.add(Fault(kind="server_error", operation="list_pods", times=1))
    assert rig.collector().collect(rig.ref(IDC)).addons
    rig.server.faults.add(Fault(kind="server_error", operation="list_pods", times=None))
    with pytest.raises(CollectError) as failed:
        rig.collector().collect(rig.ref(IDC))
    assert (failed.value.reason, failed.value.retryable) == ("server", True)
    assert "etcdserver" in str(failed.value)


def test_malformed_body_fails_with_malformed_without_retry(rig: Rig) -> None:
    rig.server.faults.add(Fault(kind="malformed", operation="list_nodes", times=None))
    with pytest.raises(CollectError) as failed:
        rig.collector().collect(rig.ref(IDC))
    assert (failed.value.reason, failed.value.retryable) == ("malformed", False)
    assert len(rig.server.calls("list_nodes")) == 1
    assert isinstance(failed.value.__cause__, ValueError)


def test_missing_version_endpoint_is_not_found(rig: Rig) -> None:
    rig.server.faults.add(Fault(kind="not_found", operation="version", times=None))
    with pytest.raises(CollectError) as failed:
        rig.collector().collect(rig.ref(IDC))
    assert (failed.value.reason, failed.value.retryable) == ("not_found", False)


def test_hang_beyond_the_client_timeout_is_a_timeout(rig: Rig) -> None:
    rig.retries = 1
    rig.server.faults.add(Fault(kind="timeout", operation="version", times=None, hang_seconds=1))
    with pytest.raises(CollectError) as failed:
        rig.collector(timeout=0.2).collect(rig.ref(IDC))
    assert (failed.value.reason, failed.value.retryable) == ("timeout", True)
    assert len(rig.server.calls("version")) == 2  # one retry, not urllib3's own three


def test_one_context_failing_leaves_the_others(rig: Rig) -> None:
    rig.server.faults.add(Fault(kind="server_error", target=IDC, times=None))
    collector = rig.collector()
    outcomes: dict[str, str] = {}
    for ref in collector.discover():
        try:
            outcomes[ref.id] = collector.collect(ref).key
        except CollectError as exc:
            outcomes[ref.id] = exc.reason
    assert outcomes == {K3S: f"kubeconfig/{K3S}", IDC: "server"}


# -- pools by provider labels, and by version without them ---------------------------------
def test_pools_from_provider_labels_and_version_fallback(tmp_path: Path) -> None:
    pools = (
        SimNodePool(
            id="np-ack",
            name="a",
            kubelet_versions={"v1.30.1-aliyun.1": 2},
            node_labels={"alibabacloud.com/nodepool-id": "np-ack"},
        ),
        SimNodePool(
            id="gke",
            name="g",
            kubelet_versions={"v1.29.4-gke.1043002": 1},
            node_labels={"cloud.google.com/gke-nodepool": "default-pool"},
        ),
        SimNodePool(
            id="bare", name="b", kubelet_versions={"v1.29.3": 2, "v1.29.1": 1}, node_labels={}
        ),
    )
    cluster = SimCluster(
        provider="kubeconfig", id="mixed", name="mixed", version="v1.30.2", node_pools=pools
    )
    server = FakeKubeServer(Fleet(clusters=(cluster,)))
    with server.running():
        path = write_kubeconfig(server, tmp_path / "config")
        config = KubeconfigConfig(name="x", kubeconfig=str(path))
        gate = Gate(100, RetryPolicy(retries=0))
        inv = KubeconfigCollector(config, gate, {}).collect(
            ClusterRef(provider="kubeconfig", source="x", id="mixed", name="mixed")
        )
    assert [
        (p.id, p.node_count, p.kubelet_version and p.kubelet_version.raw) for p in inv.node_pools
    ] == [
        ("default-pool", 1, "v1.29.4-gke.1043002"),
        ("kubelet-v1.29.1", 1, "v1.29.1"),
        ("kubelet-v1.29.3", 2, "v1.29.3"),
        ("np-ack", 2, "v1.30.1-aliyun.1"),
    ]


# -- in-cluster ------------------------------------------------------------------------
def _incluster(rig: Rig, tmp_path: Path, environ: dict[str, str]) -> InClusterCollector:
    token = tmp_path / "token"
    token.write_text(rig.server.tokens[IDC])
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n(unused over http)\n-----END CERTIFICATE-----\n")
    config: CollectorConfig = InClusterConfig(
        name="here",
        cluster_name="prod-idc",
        token_file=str(token),
        ca_file=str(ca),
        endpoint=rig.server.url_for(IDC),
    )
    return InClusterCollector(config, rig.gate(), environ)


def test_in_cluster_reads_its_own_cluster(rig: Rig, tmp_path: Path) -> None:
    env = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
    collector = _incluster(rig, tmp_path, env)
    (ref,) = collector.discover()
    assert ref.key == "incluster/prod-idc"
    inv = collector.collect(ref)
    assert inv.control_plane.version is not None and inv.control_plane.version.raw == "v1.29.4"
    assert len(inv.node_pools) == 1 and inv.unknown == ()
    # The client's in-cluster loader sends a lowercase scheme: both are valid HTTP.
    assert rig.server.requests[0].header("authorization") == f"bearer {rig.server.tokens[IDC]}"


def test_in_cluster_without_service_environment_is_a_config_error(rig: Rig, tmp_path: Path) -> None:
    collector = _incluster(rig, tmp_path, {})
    with pytest.raises(CollectError, match="in-cluster credentials unusable") as failed:
        collector.collect(collector.discover()[0])
    assert failed.value.reason == "config"
