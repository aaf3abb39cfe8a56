"""Fixtures the daemon's integration tests share: a fake Slack and a fresh SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import Store


@pytest.fixture
def slack() -> Iterator[SlackFakeServer]:
    server = SlackFakeServer()
    with server.running():
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'kd.sqlite'}", upgrade=True) as opened:
        yield opened
