"""`kubedrift daemon --once` as a process: it scans, then sends the outbox before exiting;
what a sink does not take stays in the outbox and the exit status and log say so."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.sim.daemon_setup import TOKEN, TOKEN_ENV, write_settings
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus, Store

ROOT = Path(__file__).resolve().parents[3]
# A whole process each (start, scan of a simulated source, sends): ~5 s a test.
pytestmark = pytest.mark.slow


@pytest.fixture
def sim() -> Iterator[SimulatedFleet]:
    with SimulatedFleet(load_fleet()) as running:
        yield running


def once(config: Path, environ: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "kubedrift", "daemon", "--config", str(config), "--once", *extra],
        env=env,
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def outbox(url: str) -> dict[OutboxStatus, int]:
    with Store(url) as store:
        return {s.status: s.count for s in store.outbox_stats()}


def test_once_delivers_what_the_scan_wrote_before_exiting(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    url = f"sqlite:///{tmp_path / 'kd.sqlite'}"
    config = write_settings(tmp_path, sim, slack, url, kinds=("ack",))

    done = once(config, {**sim.environ, TOKEN_ENV: TOKEN})

    assert done.returncode == 0, done.stderr
    assert slack.messages
    assert set(outbox(url)) == {OutboxStatus.DELIVERED}


def test_once_leaves_undelivered_rows_in_the_outbox_and_says_so(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    url = f"sqlite:///{tmp_path / 'kd.sqlite'}"
    config = write_settings(tmp_path, sim, slack, url, kinds=("ack",))
    slack.faults.add(Fault(kind="server_error", times=None))

    done = once(config, {**sim.environ, TOKEN_ENV: TOKEN}, "--drain-timeout", "5")

    assert done.returncode == 4
    assert "not delivered; they stay in the outbox" in done.stderr
    left = outbox(url)
    assert set(left) == {OutboxStatus.PENDING} and left[OutboxStatus.PENDING] > 0
    assert slack.messages == []
