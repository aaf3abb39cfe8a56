"""The daemon for several cycles against the simulated fleet, with an injected clock.

The fleet's fake ACK, TKE and Kubernetes servers run in this process; the daemon reads them
through the real collectors (settings written to a file, loaded as an operator's would be),
saves into a real SQLite store, and is driven cycle by cycle: a version changed in the fleet,
a source that starts failing, a plan file edited. The last test starts `kubedrift daemon` as
a subprocess and stops it with SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from kubedrift.daemon.app import Daemon
from kubedrift.model.events import EventType
from kubedrift.settings import load_settings
from kubedrift.sim.daemon_setup import GPU_POOL, PAYMENTS, toggled_gpu_pool
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.server import Fault

pytestmark = pytest.mark.slow

PLAN = Path(__file__).resolve().parents[2] / "kubedrift" / "sim" / "data" / "plan.yaml"
EDGE = "kubeconfig/edge-sh-k3s"


@dataclass
class Clock:
    """The cycles' `now`, moved by the test: ten minutes per cycle."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 10) -> None:
        self.now += timedelta(minutes=minutes)


@dataclass
class Ticks:
    """A monotonic clock for the plan debounce."""

    value: float = 1000.0

    def __call__(self) -> float:
        return self.value


def write_settings(tmp_path: Path, sim: SimulatedFleet, **extra: object) -> Path:
    """Settings with one source per fake (named by type), the example plan, a SQLite store."""
    sources = []
    for kind in ("ack", "tke", "kubeconfig"):
        config = next(c for c in sim.configs(kind) if c.type == kind)
        sources.append(config.model_dump(mode="json", exclude_none=True))
    (tmp_path / "plan.yaml").write_text(PLAN.read_text())
    settings = {
        "sources": sources,
        "plan": "plan.yaml",
        "store": {"url": f"sqlite:///{tmp_path / 'kubedrift.sqlite'}"},
        **extra,
    }
    path = tmp_path / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


@pytest.fixture
def sim() -> Iterator[SimulatedFleet]:
    with SimulatedFleet(load_fleet()) as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def daemon(tmp_path: Path, sim: SimulatedFleet, clock: Clock, ticks: Ticks) -> Iterator[Daemon]:
    settings = load_settings(write_settings(tmp_path, sim))
    with Daemon(settings, environ=sim.environ, clock=clock, monotonic=ticks) as running:
        yield running


def open_keys(daemon: Daemon) -> set[tuple[str, str, str]]:
    return {(s.key.cluster, s.key.rule, s.key.component) for s in daemon.store.open_states()}


def test_a_version_change_in_the_fleet_is_announced_and_resolves_its_finding(
    daemon: Daemon, sim: SimulatedFleet, clock: Clock
) -> None:
    first = daemon.run_once()
    assert first.collected == len(sim.fleet.clusters) and first.failures == ()
    behind = (PAYMENTS, "node-pool-behind", f"node-pool/{GPU_POOL}")
    assert behind in open_keys(daemon)
    assert {e.type for e in first.events} == {EventType.DRIFT_OPENED}

    clock.tick()
    quiet = daemon.run_once()
    assert quiet.events == ()  # nothing changed, nothing to say

    # Someone upgrades prod-hz-payments' GPU pool to the control plane's version.
    payments = next(c for c in sim.ack.fleet.clusters if c.key == PAYMENTS)
    sim.ack.fleet = toggled_gpu_pool(sim.ack.fleet, payments.version)
    clock.tick()
    third = daemon.run_once()
    changed = [e for e in third.events if e.type is EventType.VERSION_CHANGED]
    assert [e.cluster for e in changed] == [PAYMENTS]
    assert changed[0].detail[f"node-pool/{GPU_POOL}"] == "1.28.9-aliyun.1 -> 1.30.1-aliyun.1"
    resolved = [e for e in third.events if e.type is EventType.DRIFT_RESOLVED]
    assert [
        (e.finding.cluster, e.finding.rule, e.finding.component) for e in resolved if e.finding
    ] == [behind]
    assert behind not in open_keys(daemon)
    stored = {e.id for e in daemon.store.events(limit=1000)}
    assert {e.id for e in (*first.events, *third.events)} <= stored


def test_a_failing_source_says_so_once_and_resolves_nothing(
    daemon: Daemon, sim: SimulatedFleet, clock: Clock
) -> None:
    daemon.run_once()
    tke_states = {k for k in open_keys(daemon) if k[0].startswith("tke/")}
    assert tke_states

    sim.tke.faults.add(Fault(kind="auth", times=None))  # revoked keys: every call refused
    events = []
    for _ in range(3):
        clock.tick()
        events.extend(daemon.run_once().events)
    assert [(e.type, e.source) for e in events] == [(EventType.SOURCE_FAILED, "tke")]
    assert {k for k in open_keys(daemon) if k[0].startswith("tke/")} == tke_states
    assert all(s.stale for s in daemon.store.open_states() if s.key.cluster.startswith("tke/"))

    sim.tke.faults.clear()
    clock.tick()
    back = daemon.run_once()
    assert [(e.type, e.source) for e in back.events] == [(EventType.SOURCE_RECOVERED, "tke")]
    assert not any(s.stale for s in daemon.store.open_states())


def test_a_plan_change_reevaluates_the_stored_inventories_without_a_scan(
    daemon: Daemon, sim: SimulatedFleet, clock: Clock, ticks: Ticks, tmp_path: Path
) -> None:
    daemon.run_once()
    assert (EDGE, "cluster-not-in-plan", "cluster") in open_keys(daemon)
    calls = [len(server.calls()) for server in (sim.ack, sim.tke, sim.kube)]

    assert daemon.check_plan() is None  # unchanged file: nothing to do
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan.read_text().replace('name: "idc-*"', 'name: ["idc-*", "edge-*"]'))
    clock.tick()
    assert daemon.check_plan() is None  # changed, but not yet stable for the debounce
    ticks.value += daemon.settings.schedule.plan_debounce
    report = daemon.check_plan()

    assert report is not None and report.kind == "reevaluate"
    assert report.collected == len(sim.fleet.clusters)
    resolved = {
        (e.finding.cluster, e.finding.rule)
        for e in report.events
        if e.type is EventType.DRIFT_RESOLVED and e.finding
    }
    assert (EDGE, "cluster-not-in-plan") in resolved
    assert not any(e.type is EventType.VERSION_CHANGED for e in report.events)
    assert [len(server.calls()) for server in (sim.ack, sim.tke, sim.kube)] == calls
    assert daemon.check_plan() is None  # applied once


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_daemon_process_serves_http_and_drains_on_sigterm(
    tmp_path: Path, sim: SimulatedFleet
) -> None:
    port = free_port()
    config = write_settings(
        tmp_path,
        sim,
        http={"listen": f"127.0.0.1:{port}"},
        trigger_token_env="KD_TEST_TOKEN",
        schedule={"interval": 3600, "jitter": 0},
    )
    token = "s3cret-trigger-token"
    env = {**os.environ, **sim.environ, "KD_TEST_TOKEN": token}
    process = subprocess.Popen(
        [sys.executable, "-m", "kubedrift", "daemon", "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _ = get(f"{base}/readyz")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, "the daemon never became ready"
        status, body = get(f"{base}/v1/clusters")
        assert status == 200
        assert len(json.loads(body)["clusters"]) == len(sim.fleet.clusters)
        status, body = get(f"{base}/metrics")
        assert b'kubedrift_cycles_total{kind="scan",outcome="ok"}' in body
        assert b"process_cpu_seconds_total" in body  # the default registry is there too
        request = urllib.request.Request(
            f"{base}/v1/trigger",
            method="POST",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 202
        assert get(f"{base}/healthz")[0] == 200

        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        code = process.wait(timeout=30)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
        _, err = process.communicate()
    assert code == 0, err.decode()[-2000:]
    assert took < 10, f"SIGTERM took {took:.1f}s"
    lines = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
    assert any(line["message"] == "stopped" for line in lines)
    assert any(line.get("signal") == "SIGTERM" for line in lines)
    assert any(line.get("cluster") == PAYMENTS for line in lines)
    assert token not in err.decode()
    assert sim.environ[next(iter(sorted(sim.environ)))] not in err.decode()
