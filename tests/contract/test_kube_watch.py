"""Contract tests: the node watch (`collectors.kube_watch`, the real `kubernetes` client's
`watch.Watch`) against the fake Kubernetes API's chunked `?watch=true` stream: kubelet
changes, heartbeats, nodes coming and going, a 410 Gone after compaction, 5xx with back-off,
a follower holding no connection, a gap while inactive, and a prompt stop."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.collectors.kube import KubeconfigCollector, KubeconfigConfig
from kubedrift.collectors.kube_watch import NodeWatch
from kubedrift.model.inventory import ClusterRef
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.kube import FakeKubeServer, write_kubeconfig
from kubedrift.sim.kube_watch import NodeLog
from kubedrift.sim.server import Fault

IDC = "idc-bj-1"
WAIT = 10.0  # seconds: bounds waits for what should happen within a second


@dataclass
class Told:
    """What `on_change` heard, waitable."""

    said: list[str] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, what: str) -> None:
        with self._cond:
            self.said.append(what)
            self._cond.notify_all()

    def wait_for(self, count: int) -> list[str]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.said) >= count, WAIT), self.said
            return list(self.said)


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def server() -> Iterator[FakeKubeServer]:
    fake = FakeKubeServer(load_fleet())
    with fake.running():
        yield fake


@dataclass
class Running:
    watch: NodeWatch
    told: Told
    log: NodeLog
    active: threading.Event
    thread: threading.Thread

    def node(self, index: int = 0) -> str:
        return str(self.log.nodes[index]["metadata"]["name"])

    def kubelet(self, index: int = 0) -> str:
        return str(self.log.nodes[index]["status"]["nodeInfo"]["kubeletVersion"])


@pytest.fixture
def start(server: FakeKubeServer, tmp_path: Path) -> Iterator[Callable[..., Running]]:
    kubeconfig = write_kubeconfig(server, tmp_path / "config")
    config = KubeconfigConfig.model_validate(
        {"name": "self-hosted", "kubeconfig": str(kubeconfig), "timeout": 2}
    )
    collector = KubeconfigCollector(config, Gate(10, RetryPolicy(retries=0)), {})
    started: list[Running] = []

    def run(*, watch_seconds: int = 30, active: bool = True, **options: Any) -> Running:
        told = Told()
        ref = ClusterRef(provider="kubeconfig", source="self-hosted", id=IDC, name=IDC)
        watch = collector.node_watch(ref, told, watch_seconds=watch_seconds)
        for name, value in options.items():
            setattr(watch, name, value)
        flag = threading.Event()
        if active:
            flag.set()
        thread = threading.Thread(target=watch.run, args=(flag.is_set, 0.05), daemon=True)
        thread.start()
        running = Running(watch, told, server.node_logs[IDC], flag, thread)
        started.append(running)
        return running

    yield run
    for running in started:
        running.watch.stop()
        running.thread.join(timeout=WAIT)
        running.watch.close()
        assert not running.thread.is_alive()


def watching(server: FakeKubeServer, count: int = 1) -> None:
    """Wait until `count` watch requests have reached the server."""
    until(lambda: len(watch_calls(server)) >= count)


def watch_calls(server: FakeKubeServer) -> list[Any]:
    return [r for r in server.calls("list_nodes") if r.query.get("watch")]


def test_a_kubelet_change_is_told_and_a_heartbeat_is_not(
    server: FakeKubeServer, start: Callable[..., Running]
) -> None:
    running = start()
    watching(server)
    node, before = running.node(), running.kubelet()
    running.log.touch(node)
    running.log.set_kubelet(node, "v1.30.9")
    assert running.told.wait_for(1) == [f"node {node} kubelet {before} -> v1.30.9"]
    # The request the client made: a watch from the list's resourceVersion, with bookmarks.
    (first, *_) = watch_calls(server)
    assert first.query["resourceVersion"] == "1000"
    assert first.query["allowWatchBookmarks"].lower() == "true"
    assert first.query["timeoutSeconds"] == "30"


def test_nodes_coming_and_going_are_told(
    server: FakeKubeServer, start: Callable[..., Running]
) -> None:
    running = start()
    watching(server)
    extra = copy.deepcopy(running.log.nodes[0])
    extra["metadata"]["name"] = "np-new-0"
    running.log.add(extra)
    running.log.remove(running.node(0))
    said = running.told.wait_for(2)
    assert said[0] == "node np-new-0 added"
    assert said[1].endswith("removed") and said[1].startswith("node ")


def test_a_compacted_version_is_410_gone_and_the_watch_lists_again(
    server: FakeKubeServer, start: Callable[..., Running]
) -> None:
    running = start(watch_seconds=1)
    watching(server)
    running.log.compact()
    # The next watch request (within a second) starts from a compacted version: 410, list.
    until(lambda: running.watch.lists >= 2)
    assert running.told.said == []  # a re-list that finds nothing new says nothing
    node = running.node()
    running.log.set_kubelet(node, "v1.30.8")
    assert running.told.wait_for(1)[0].endswith("-> v1.30.8")


def test_server_errors_are_retried_with_back_off(
    server: FakeKubeServer, start: Callable[..., Running]
) -> None:
    server.faults.add(Fault(kind="server_error", operation="list_nodes", target=IDC, times=3))
    running = start(min_backoff=0.05, max_backoff=0.2)
    watching(server)
    assert len(server.calls("list_nodes")) >= 4  # three failures, then a list and a watch
    running.log.set_kubelet(running.node(), "v1.30.7")
    assert running.told.wait_for(1)[0].endswith("-> v1.30.7")


def test_an_inactive_watch_holds_no_connection_and_tells_a_gap_when_active(
    server: FakeKubeServer, start: Callable[..., Running]
) -> None:
    running = start(active=False)
    time.sleep(0.3)
    assert server.calls("list_nodes") == []  # a follower does not watch
    running.active.set()
    watching(server)
    running.active.clear()  # leadership lost: the open watch ends at its timeout or a change
    node = running.node()
    running.log.set_kubelet(node, "v1.30.6")  # told: the open watch sees it
    running.told.wait_for(1)
    until(lambda: not running.watch.following)
    running.log.set_kubelet(node, "v1.30.5")  # while inactive
    running.log.compact()
    running.active.set()
    said = running.told.wait_for(2)
    assert said[1] == f"node {node} kubelet v1.30.6 -> v1.30.5"  # from the fresh list


def test_a_rotated_token_is_read_again_after_a_401(
    server: FakeKubeServer, start: Callable[..., Running], tmp_path: Path
) -> None:
    running = start(watch_seconds=1, min_backoff=0.05, max_backoff=0.2)
    watching(server)
    # The credentials rotate: the API server takes only the new token, the file has it.
    server.tokens[IDC] = "kd-sim-rotated-token"
    write_kubeconfig(server, tmp_path / "config", tokens={IDC: "kd-sim-rotated-token"})
    until(lambda: running.watch.lists >= 2)  # a 401, then a new client, a list, a watch
    node = running.node()
    running.log.set_kubelet(node, "v1.30.4")
    assert running.told.wait_for(1)[0].endswith("-> v1.30.4")
    # Without a new client every request would keep the old token and meet 401 forever.
    sent = [r.header("authorization") or "" for r in server.calls("list_nodes")]
    assert any(token.endswith("kd-sim-rotated-token") for token in sent)


def test_stop_ends_an_open_watch_at_once(
    server: FakeKubeServer, start: Callable[..., Running]
) -> None:
    running = start(watch_seconds=300)
    watching(server)
    started = time.monotonic()
    running.watch.stop()
    running.thread.join(timeout=WAIT)
    assert not running.thread.is_alive()
    assert time.monotonic() - started < 2.0
