"""Contract tests: the real `docker` SDK, through the Swarm collector, against the fake Engine
API of a manager on 127.0.0.1 (plain TCP, TLS with client certificates, a unix socket).

The fake answers like dockerd: API-version prefixes inside [MinAPIVersion, ApiVersion], `{"message":
...}` error bodies, 503 "not a swarm manager" from a worker. The gate runs on virtual time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubedrift.collectors.registry import COLLECTORS
from kubedrift.collectors.swarm import SwarmCollector
from kubedrift.collectors.swarm_config import SwarmConfig
from kubedrift.errors import CollectError
from kubedrift.model.inventory import Platform
from kubedrift.sim.certs import Pki, make_pki
from kubedrift.sim.docker_engine import EngineFakeServer
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.fleet_platforms import SimSwarm
from kubedrift.sim.server import Fault
from tests.contract.one_cluster import read_one
from tests.virtual_time import VirtualTime


def _swarm() -> SimSwarm:
    return load_fleet().swarms[0]


def _collector(host: str, time: VirtualTime | None = None, **settings: Any) -> SwarmCollector:
    clock = time or VirtualTime()
    config = SwarmConfig.model_validate(
        {"name": "media", "host": host, "timeout": 2, "retries": 2, **settings}
    )
    gate = clock.gate(config.retries)
    return SwarmCollector(config, gate, {})


@pytest.fixture(scope="module")
def plain() -> Iterator[EngineFakeServer]:
    server = EngineFakeServer(_swarm())
    with server.running():
        yield server


@pytest.fixture
def engine(plain: EngineFakeServer) -> EngineFakeServer:
    plain.reset()
    return plain


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_engine(pki: Pki) -> Iterator[EngineFakeServer]:
    server = EngineFakeServer(_swarm(), tls=pki.server_context())
    with server.running():
        yield server


def test_registry_and_settings_type() -> None:
    assert COLLECTORS.get("swarm") is SwarmCollector
    assert SwarmCollector.Config is SwarmConfig


def test_managers_workers_and_pools_over_tcp(engine: EngineFakeServer) -> None:
    inv = read_one(
        _collector(f"tcp://{engine.host}", group_by_label="pool", labels={"os": "linux"})
    )
    assert (inv.key, inv.platform, inv.provider) == ("swarm/media", Platform.SWARM, "swarm")
    assert inv.labels == {"os": "linux"} and inv.unknown == ()
    # The cluster version is the oldest manager's Engine.
    assert inv.control_plane.version is not None and inv.control_plane.version.raw == "26.1.4"
    managers = [(c.instance, str(c.version), c.leader) for c in inv.control_plane.components]
    assert managers == [
        ("swarm-bj-mgr-1", "27.5.1", True),
        ("swarm-bj-mgr-2", "27.5.1", False),
        ("swarm-bj-mgr-old-1", "26.1.4", False),
    ]
    pools = [(p.id, p.role, p.node_count, p.versions_seen) for p in inv.node_pools]
    assert pools == [
        ("manager/(none)", "manager", 3, {"26.1.4": 1, "27.5.1": 2}),
        ("worker/batch", "worker", 2, {"28.5.2": 2}),
        ("worker/web", "worker", 4, {"27.5.1": 4}),
    ]
    batch = inv.node_pools[1]
    assert batch.kubelet_version is not None and batch.kubelet_version.raw == "28.5.2"
    assert (batch.runtime, batch.os_image) == ("docker", "linux")


def test_requests_negotiate_the_api_version_and_only_read(engine: EngineFakeServer) -> None:
    read_one(_collector(f"tcp://{engine.host}"))
    assert [r.path for r in engine.requests] == ["/version", "/v1.47/info", "/v1.47/nodes"]
    assert all(r.method == "GET" for r in engine.requests)
    pools = read_one(_collector(f"tcp://{engine.host}", api_version="1.41")).node_pools
    assert [p.id for p in pools] == ["manager", "worker"]  # no label: one pool per role
    assert engine.requests[-1].path == "/v1.41/nodes"


def test_api_version_newer_than_the_daemon_is_a_config_error(engine: EngineFakeServer) -> None:
    with pytest.raises(CollectError, match=r"client version 1\.99 is too new") as caught:
        read_one(_collector(f"tcp://{engine.host}", api_version="1.99"))
    assert (caught.value.reason, caught.value.retryable) == ("config", False)


def test_unix_socket(tmp_path: Path) -> None:
    socket = str(tmp_path / "docker.sock")
    server = EngineFakeServer(_swarm(), unix_socket=socket)
    with server.running():
        inv = read_one(_collector(f"unix://{socket}"))
    assert inv.control_plane.version is not None and len(inv.node_pools) == 2


def test_tls_with_a_client_certificate(tls_engine: EngineFakeServer, pki: Pki) -> None:
    tls = {
        "tls_ca_cert": str(pki.ca_cert),
        "tls_client_cert": str(pki.client_cert),
        "tls_client_key": str(pki.client_key),
    }
    inv = read_one(_collector(f"tcp://{tls_engine.host}", **tls))
    assert sum(p.node_count or 0 for p in inv.node_pools) == 9


def test_tls_refused_client_certificate_is_auth(tls_engine: EngineFakeServer, pki: Pki) -> None:
    stranger = {
        "tls_ca_cert": str(pki.ca_cert),
        "tls_client_cert": str(pki.stranger_cert),
        "tls_client_key": str(pki.stranger_key),
    }
    with pytest.raises(CollectError, match="TLS handshake") as caught:
        read_one(_collector(f"tcp://{tls_engine.host}", **stranger))
    assert (caught.value.reason, caught.value.retryable) == ("auth", False)


def test_tls_unknown_server_ca_is_auth(tls_engine: EngineFakeServer, pki: Pki) -> None:
    # Trusting only some other CA: the daemon's certificate does not verify.
    wrong_ca = {
        "tls_ca_cert": str(pki.stranger_cert),
        "tls_client_cert": str(pki.client_cert),
        "tls_client_key": str(pki.client_key),
    }
    with pytest.raises(CollectError, match="TLS handshake") as caught:
        read_one(_collector(f"tcp://{tls_engine.host}", **wrong_ca))
    assert caught.value.reason == "auth"


def test_missing_certificate_file_is_config(tmp_path: Path, pki: Pki) -> None:
    missing = {"tls_client_cert": str(tmp_path / "nope.pem"), "tls_client_key": str(pki.client_key)}
    with pytest.raises(CollectError, match="tls_client_cert") as caught:
        read_one(_collector("tcp://127.0.0.1:9", **missing))
    assert caught.value.reason == "config"


def test_worker_node_is_not_a_manager(tmp_path: Path) -> None:
    server = EngineFakeServer(_swarm(), as_worker=True)
    with server.running():
        with pytest.raises(CollectError, match="not a manager") as info_says:
            read_one(_collector(f"tcp://{server.host}"))
        assert info_says.value.reason == "config"
        # The Engine's own answer, when /nodes is asked directly.
        collector = _collector(f"tcp://{server.host}")
        with pytest.raises(CollectError, match="This node is not a swarm manager") as nodes_says:
            collector._call("GET /nodes", lambda api: api.nodes())
        assert (nodes_says.value.reason, nodes_says.value.retryable) == ("config", False)
        collector.close()


@pytest.mark.parametrize(
    ("kind", "reason", "retryable"),
    [
        ("server_error", "server", True),
        ("auth", "auth", False),
        ("not_found", "not_found", False),
        ("throttle", "throttled", True),
    ],
)
def test_error_answers(engine: EngineFakeServer, kind: Any, reason: str, retryable: bool) -> None:
    engine.faults.add(Fault(kind=kind, operation="nodes", times=None))
    time = VirtualTime()
    with pytest.raises(CollectError) as caught:
        read_one(_collector(f"tcp://{engine.host}", time))
    assert (caught.value.reason, caught.value.retryable) == (reason, retryable)
    assert len(engine.calls("nodes")) == (3 if retryable else 1)  # retries: 2


def test_a_5xx_then_success_is_retried(engine: EngineFakeServer) -> None:
    engine.faults.add(Fault(kind="server_error", operation="nodes", times=1))
    inv = read_one(_collector(f"tcp://{engine.host}"))
    assert len(inv.node_pools) == 2 and len(engine.calls("nodes")) == 2


def test_malformed_json_is_malformed(engine: EngineFakeServer) -> None:
    engine.faults.add(Fault(kind="malformed", operation="nodes"))
    with pytest.raises(CollectError, match="not JSON") as caught:
        read_one(_collector(f"tcp://{engine.host}"))
    assert (caught.value.reason, caught.value.retryable) == ("malformed", False)


def test_timeout_is_retryable(engine: EngineFakeServer) -> None:
    engine.faults.add(Fault(kind="timeout", operation="nodes", hang_seconds=1.5))
    with pytest.raises(CollectError, match="timed out") as caught:
        read_one(_collector(f"tcp://{engine.host}", timeout=0.5, retries=0))
    assert (caught.value.reason, caught.value.retryable) == ("timeout", True)


def test_unreachable_daemon_is_server() -> None:
    with pytest.raises(CollectError, match="cannot reach") as caught:
        read_one(_collector("tcp://127.0.0.1:9", retries=0))
    assert (caught.value.reason, caught.value.retryable) == ("server", True)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"host": "ssh://admin@manager-1"}, "ssh:// is not supported"),
        ({"host": "tcp://m:2376", "tls_client_cert": "c.pem"}, "go together"),
        ({"host": "unix:///var/run/docker.sock", "tls": True}, "not to a unix socket"),
        ({"host": "tcp://m:2376", "api_version": "2.0"}, "api_version"),
    ],
)
def test_settings_errors(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SwarmConfig.model_validate({"name": "x", **settings})
