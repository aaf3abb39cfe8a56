"""The node-watch trigger in a serving daemon: a kubelet change in one simulated kubeconfig
cluster re-collects that cluster alone, once per debounce window, through the scheduler;
`schedule.node_watch.enabled: false` watches nothing; after each scan the watches follow
the kubeconfig (a context added is watched, a removed one is not)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubedrift.collectors.build import open_sources
from kubedrift.daemon.app import Daemon
from kubedrift.daemon.config import NodeWatchSettings
from kubedrift.daemon.cycle import CycleReport
from kubedrift.daemon.nodewatch import NodeWatchers
from kubedrift.model.events import EventType
from kubedrift.settings import load_settings
from kubedrift.sim.daemon_setup import TOKEN, TOKEN_ENV, write_settings
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.kube import write_kubeconfig
from kubedrift.sim.slack import SlackFakeServer

IDC = "idc-bj-1"
EDGE = "edge-sh-k3s"
AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
WAIT = 20.0


@pytest.fixture
def sim() -> Iterator[SimulatedFleet]:
    with SimulatedFleet(load_fleet()) as running:
        yield running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@contextmanager
def serving(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer, **node_watch: Any
) -> Iterator[Daemon]:
    config = write_settings(
        tmp_path,
        sim,
        slack,
        f"sqlite:///{tmp_path / 'kd.sqlite'}",
        kinds=("kubeconfig",),
        http={"listen": f"127.0.0.1:{free_port()}"},
        schedule={"interval": 3600, "jitter": 0, "node_watch": node_watch},
    )
    stop = threading.Event()
    with Daemon(load_settings(config), environ={**sim.environ, TOKEN_ENV: TOKEN}) as daemon:
        thread = threading.Thread(target=daemon.serve, args=(stop,), daemon=True)
        thread.start()
        try:
            until(lambda: daemon.status.first_cycle_done)
            yield daemon
        finally:
            stop.set()
            thread.join(timeout=WAIT)
    assert not thread.is_alive()


def version_reads(sim: SimulatedFleet) -> dict[str, int]:
    """GET /version calls per simulated cluster: one per collection of that cluster."""
    counts: dict[str, int] = {}
    for request in sim.kube.calls("version"):
        cluster = sim.kube.operation_of(request)[1] or ""
        counts[cluster] = counts.get(cluster, 0) + 1
    return counts


def watches(sim: SimulatedFleet, cluster: str) -> int:
    return sum(
        1
        for r in sim.kube.calls("list_nodes")
        if r.query.get("watch") and sim.kube.operation_of(r)[1] == cluster
    )


@pytest.mark.slow  # ~8 s: a first scan, watches on every cluster, a re-collection
def test_a_kubelet_change_recollects_that_cluster_once_per_debounce(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    with serving(tmp_path, sim, slack, debounce=0.5) as daemon:
        until(lambda: all(watches(sim, c) for c in sim.kube.clusters))
        before = version_reads(sim)
        log = sim.kube.node_logs[IDC]
        nodes = [str(n["metadata"]["name"]) for n in log.nodes]
        # A rolling upgrade: two nodes within the debounce window, and a heartbeat.
        log.set_kubelet(nodes[0], "v1.30.9")
        log.touch(nodes[-1])
        log.set_kubelet(nodes[-1], "v1.30.9")
        key = f"kubeconfig/{IDC}"

        def recollected() -> bool:
            inventory = daemon.store.latest_inventories().get(key)
            return inventory is not None and any(
                "v1.30.9" in pool.versions_seen for pool in inventory.node_pools
            )

        until(recollected)
        time.sleep(1.0)  # room for a second, wrong, re-collection to show
        after = version_reads(sim)
        assert after[IDC] == before[IDC] + 1  # once, for both nodes
        assert {c: n for c, n in after.items() if c != IDC} == {
            c: n for c, n in before.items() if c != IDC
        }
        # What the new inventory concludes was saved: a kubelet now newer than the API server.
        assert any(
            e.type is EventType.DRIFT_OPENED and e.cluster == key and "v1.30.9" in e.summary
            for e in daemon.store.events(limit=1000)
        )


def test_node_watch_can_be_switched_off(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    with serving(tmp_path, sim, slack, enabled=False):
        time.sleep(0.5)
        assert all(watches(sim, c) == 0 for c in sim.kube.clusters)


def keep_contexts(kubeconfig: Path, *names: str) -> None:
    """Rewrite the kubeconfig with only the contexts `names` (and their clusters, users)."""
    document = yaml.safe_load(kubeconfig.read_text())
    document["contexts"] = [c for c in document["contexts"] if c["name"] in names]
    document["clusters"] = [c for c in document["clusters"] if c["name"] in names]
    document["users"] = [u for u in document["users"] if u["name"].split("-reader")[0] in names]
    document["current-context"] = names[0]
    kubeconfig.write_text(yaml.safe_dump(document))


def first_node(sim: SimulatedFleet, cluster: str) -> str:
    return str(sim.kube.node_logs[cluster].nodes[0]["metadata"]["name"])


def test_the_watches_follow_the_kubeconfig_after_each_scan(sim: SimulatedFleet) -> None:
    config = next(c for c in sim.configs("kubeconfig") if c.type == "kubeconfig")
    scanned = CycleReport(kind="scan", at=AT, sources=(config.name,))
    keep_contexts(sim.kubeconfig, IDC)
    told: list[str] = []
    with open_sources([config], sim.environ) as sources:
        watchers = NodeWatchers(
            {config.name: sources[0]},
            NodeWatchSettings(),
            is_leader=lambda: True,
            on_change=lambda source, ref, what: told.append(ref.key),
        )
        watchers.start()
        try:
            until(lambda: set(watchers.watched()) == {f"kubeconfig/{IDC}"})
            until(lambda: watches(sim, IDC) > 0)

            # A context is added: watched once a scan of the source has run, not before.
            write_kubeconfig(sim.kube, sim.kubeconfig)
            watchers.after_cycle(CycleReport(kind="reevaluate", at=AT))
            time.sleep(0.3)
            assert watches(sim, EDGE) == 0
            watchers.after_cycle(scanned)
            until(lambda: watches(sim, EDGE) > 0)
            assert watchers.watched() == {
                f"kubeconfig/{IDC}": config.name,
                f"kubeconfig/{EDGE}": config.name,
            }
            sim.kube.node_logs[EDGE].set_kubelet(first_node(sim, EDGE), "v1.28.9+k3s1")
            until(lambda: f"kubeconfig/{EDGE}" in told)

            # A context is removed: its watch ends, its changes are no longer told.
            keep_contexts(sim.kubeconfig, EDGE)
            watchers.after_cycle(scanned)
            until(lambda: set(watchers.watched()) == {f"kubeconfig/{EDGE}"})
            told.clear()
            sim.kube.node_logs[IDC].set_kubelet(first_node(sim, IDC), "v1.30.9")
            sim.kube.node_logs[EDGE].set_kubelet(first_node(sim, EDGE), "v1.29.0+k3s1")
            until(lambda: f"kubeconfig/{EDGE}" in told)
            time.sleep(0.3)
            assert f"kubeconfig/{IDC}" not in told

            # A kubeconfig that cannot be read: the running watches stay.
            sim.kubeconfig.write_text("contexts: [unclosed\n")
            watchers.after_cycle(scanned)
            time.sleep(0.3)
            assert set(watchers.watched()) == {f"kubeconfig/{EDGE}"}
        finally:
            watchers.stop()
    assert not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("watch-"))


@pytest.mark.slow  # ~8 s: a first scan, a kubeconfig edit, a scan, a re-collection
def test_a_context_added_while_serving_is_watched_after_the_next_scan(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    keep_contexts(sim.kubeconfig, IDC)
    with serving(tmp_path, sim, slack, debounce=0.2) as daemon:
        until(lambda: watches(sim, IDC) > 0)
        assert watches(sim, EDGE) == 0
        write_kubeconfig(sim.kube, sim.kubeconfig)
        (source,) = daemon.source_names
        daemon.scan_source(source)  # a scan cycle, as the schedule runs it
        until(lambda: watches(sim, EDGE) > 0)
        before = version_reads(sim).get(EDGE, 0)
        sim.kube.node_logs[EDGE].set_kubelet(first_node(sim, EDGE), "v1.28.9+k3s1")
        until(lambda: version_reads(sim).get(EDGE, 0) == before + 1)
