"""The daemon figures the store's metrics after each saved cycle (and when it starts
serving), so a scrape serves kept text instead of figuring 10,000 clusters itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from starlette.testclient import TestClient

from kubedrift.daemon.app import Daemon
from kubedrift.metrics.figures import FLAGGING
from kubedrift.settings import load_settings
from kubedrift.sim.daemon_setup import TOKEN, TOKEN_ENV, write_settings
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store.metrics_read import read_metrics_view

pytestmark = pytest.mark.integration


@pytest.fixture
def sim() -> Iterator[SimulatedFleet]:
    with SimulatedFleet(load_fleet()) as running:
        yield running


def test_a_saved_cycle_leaves_the_metrics_ready_for_the_next_scrape(
    tmp_path: Path, sim: SimulatedFleet, slack: SlackFakeServer
) -> None:
    url = f"sqlite:///{tmp_path / 'kd.sqlite'}"
    config = write_settings(tmp_path, sim, slack, url, kinds=("ack",))
    with Daemon(load_settings(config), environ={**sim.environ, TOKEN_ENV: TOKEN}) as daemon:
        assert daemon.store_metrics.kept_revision is None  # nothing figured yet
        for _ in range(2):
            assert daemon.run_once().collected > 0
            revision = read_metrics_view(daemon.store, FLAGGING).fleet.revision
            assert daemon.store_metrics.kept_revision == revision
        served = TestClient(daemon.app()).get("/metrics").text
        assert daemon.store_metrics.kept_revision == revision
        registry = CollectorRegistry()
        registry.register(daemon.store_metrics)
        expected = generate_latest(registry).decode()

    # The kept per-cluster text is what prometheus_client writes for the same store (the
    # lines that move with the clock aside).
    def fixed(text: str) -> list[str]:
        return [
            line
            for line in text.splitlines()
            if line.startswith("kubedrift_cluster_") and "support_remaining_seconds" not in line
        ]

    assert fixed(served) == fixed(expected) and len(fixed(served)) >= 6
