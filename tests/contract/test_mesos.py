"""Contract tests: the Mesos collector (over httpx) against fake Mesos masters on 127.0.0.1.

Three masters of one HA set, each its own HTTP server: `/version` per master, `/master/redirect`
307 to the leader (503 without one), `/master/slaves` from the leader (307 from the others),
HTTP Basic authentication, and scripted faults. The gate runs on virtual time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kubedrift.collectors.mesos import MesosCollector
from kubedrift.collectors.mesos_config import MesosConfig
from kubedrift.collectors.registry import COLLECTORS
from kubedrift.errors import CollectError
from kubedrift.model.inventory import Platform
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.mesos import MesosFakeCluster
from kubedrift.sim.server import Fault
from tests.contract.one_cluster import read_one
from tests.virtual_time import VirtualTime

CREDENTIALS = ("kubedrift", "s3cret-mesos")  # the fake's own, nothing real  # nosec B105
ENV = {"MESOS_HTTP_SECRET": CREDENTIALS[1]}


def _collector(
    masters: list[str], environ: dict[str, str] | None = None, **settings: Any
) -> MesosCollector:
    config = MesosConfig.model_validate(
        {"name": "data", "masters": masters, "principal": CREDENTIALS[0], "timeout": 2,
         "retries": 2, **settings}
    )  # fmt: skip
    time = VirtualTime()
    gate = time.gate(config.retries)
    return MesosCollector(config, gate, ENV if environ is None else environ)


@pytest.fixture(scope="module")
def _shared() -> Iterator[MesosFakeCluster]:
    cluster = MesosFakeCluster(load_fleet().mesos[0], credentials=CREDENTIALS)
    with cluster.running():
        yield cluster


@pytest.fixture
def mesos(_shared: MesosFakeCluster) -> MesosFakeCluster:
    _shared.reset()
    return _shared


def _address(url: str) -> str:
    return url.removeprefix("http://")


def test_registry_and_settings_type() -> None:
    assert COLLECTORS.get("mesos") is MesosCollector


def test_every_master_the_leader_and_the_agents(mesos: MesosFakeCluster) -> None:
    inv = read_one(_collector(mesos.urls, group_by_attribute="rack", cluster_name="bigdata"))
    assert (inv.key, inv.platform, inv.unknown) == ("mesos/bigdata", Platform.MESOS, ())
    assert inv.control_plane.version is not None and inv.control_plane.version.raw == "1.10.0"
    leader = _address(mesos.master("mesos-sh-m1").url)
    seen = [(c.instance, str(c.version), c.leader) for c in inv.control_plane.components]
    assert seen == [
        (leader, "1.10.0", True),
        (_address(mesos.master("mesos-sh-m2").url), "1.11.0", False),
        (_address(mesos.master("mesos-sh-m3").url), "1.11.0", False),
    ]
    pools = [(p.id, p.role, p.node_count, p.versions_seen) for p in inv.node_pools]
    assert pools == [
        ("agents/r1", "agent", 5, {"1.10.0": 5}),
        ("agents/r2", "agent", 2, {"1.11.0": 2}),
    ]


def test_requests_are_authenticated_gets(mesos: MesosFakeCluster) -> None:
    read_one(_collector(list(reversed(mesos.urls))))
    leader, m2, m3 = mesos.masters
    assert [r.path for r in m3.requests] == ["/version", "/master/redirect"]
    assert [r.path for r in m2.requests] == ["/version"]
    assert [r.path for r in leader.requests] == ["/version", "/master/slaves"]
    every = [r for server in mesos.masters for r in server.requests]
    assert all(
        r.method == "GET"
        and r.header(
            "authorization",
        )
        for r in every
    )


def test_wrong_secret_is_auth(mesos: MesosFakeCluster) -> None:
    with pytest.raises(CollectError, match="HTTP 401") as caught:
        read_one(_collector(mesos.urls, {"MESOS_HTTP_SECRET": "wrong"}))
    assert (caught.value.reason, caught.value.retryable) == ("auth", False)
    assert "wrong" not in str(caught.value)


def test_principal_without_secret_is_config(mesos: MesosFakeCluster) -> None:
    with pytest.raises(CollectError, match="MESOS_HTTP_SECRET is empty") as caught:
        read_one(_collector(mesos.urls, {}))
    assert caught.value.reason == "config"


def test_one_master_down_leaves_its_version_unknown(mesos: MesosFakeCluster) -> None:
    mesos.master("mesos-sh-m3").faults.add(Fault(kind="server_error", times=None))
    inv = read_one(_collector(mesos.urls))
    assert inv.unknown == ("control_plane.components",)
    assert inv.control_plane.version is None  # the unread master may be the oldest
    assert [c.version is None for c in inv.control_plane.components] == [False, False, True]
    assert len(inv.node_pools) == 1


def test_no_leader_leaves_the_agents_unknown() -> None:
    sim = load_fleet().mesos[0]
    leaderless = sim.model_copy(
        update={"masters": tuple(m.model_copy(update={"leader": False}) for m in sim.masters)}
    )
    cluster = MesosFakeCluster(leaderless)
    with cluster.running():
        inv = read_one(_collector(cluster.urls, principal=None))
    assert inv.unknown == ("node_pools",) and inv.node_pools == ()
    assert all(c.leader is None for c in inv.control_plane.components)


def test_every_master_down_fails_the_collection(mesos: MesosFakeCluster) -> None:
    for server in mesos.masters:
        server.faults.add(Fault(kind="server_error", times=None))
    with pytest.raises(CollectError, match="no master of data answered") as caught:
        read_one(_collector(mesos.urls))
    assert (caught.value.reason, caught.value.retryable) == ("server", True)


@pytest.mark.parametrize(
    ("kind", "reason", "retryable"),
    [("throttle", "throttled", True), ("not_found", "not_found", False), ("auth", "auth", False)],
)
def test_agent_list_errors(
    mesos: MesosFakeCluster, kind: Any, reason: str, retryable: bool
) -> None:
    leader = mesos.master("mesos-sh-m1")
    leader.faults.add(Fault(kind=kind, operation="slaves", times=None))
    with pytest.raises(CollectError) as caught:
        read_one(_collector(mesos.urls))
    assert (caught.value.reason, caught.value.retryable) == (reason, retryable)
    assert len(leader.calls("slaves")) == (3 if retryable else 1)


def test_malformed_agent_list(mesos: MesosFakeCluster) -> None:
    mesos.master("mesos-sh-m1").faults.add(Fault(kind="malformed", operation="slaves"))
    with pytest.raises(CollectError, match="not JSON") as caught:
        read_one(_collector(mesos.urls))
    assert caught.value.reason == "malformed"


def test_timeout_is_retryable(mesos: MesosFakeCluster) -> None:
    mesos.master("mesos-sh-m1").faults.add(
        Fault(kind="timeout", operation="slaves", hang_seconds=1.5)
    )
    with pytest.raises(CollectError, match="timed out") as caught:
        read_one(_collector(mesos.urls, timeout=0.5, retries=0))
    assert (caught.value.reason, caught.value.retryable) == ("timeout", True)


def test_unreachable_masters() -> None:
    with pytest.raises(CollectError, match="cannot connect") as caught:
        read_one(_collector(["http://127.0.0.1:9"], retries=0))
    assert caught.value.reason == "server"


@pytest.mark.parametrize(
    ("masters", "message"),
    [(["mesos-m1:5050"], "expected http://"), (["http://m:5050", "http://m:5050"], "twice"),
     ([], "at least 1")],
)  # fmt: skip
def test_settings_errors(masters: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MesosConfig.model_validate({"name": "x", "masters": masters})
