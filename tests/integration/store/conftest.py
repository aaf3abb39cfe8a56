"""Fixtures: every store test runs on SQLite and on a real PostgreSQL 15.

The PostgreSQL server is started once per session (only if a PostgreSQL test is selected) and
each test gets a fresh empty database on it; SQLite tests get a fresh file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.store import Store
from tests.integration.store.postgres import PostgresServer, started_postgres

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with started_postgres() as server:
        yield server


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def db_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to a new, empty database on the engine under test."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'kubedrift.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url, upgrade=True) as opened:
        yield opened
