"""A throwaway PostgreSQL 15 server from the Debian binaries, for the store's tests.

`initdb` refuses to run as root, so under root both it and `pg_ctl` run as the `postgres` user
(`runuser`), in a temporary directory that user owns. `fsync=off` and friends: the data is
thrown away, durability only costs time. Startup takes under a second.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "kubedrift"

MISSING = (
    "PostgreSQL 15 server binaries not found ({missing}). The store's integration suite runs "
    "on SQLite and on a real PostgreSQL and does not skip either: install them with "
    "`apt-get install -y --no-install-recommends postgresql-15` (.ci/run does this)."
)


class PostgresUnavailableError(RuntimeError):
    """The server could not be started; the message says why and how to fix it."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    def __init__(self) -> None:
        missing = [str(BIN / name) for name in ("initdb", "pg_ctl") if not (BIN / name).exists()]
        if missing:
            raise PostgresUnavailableError(MISSING.format(missing=", ".join(missing)))
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres and shutil.which("runuser") is None:
            raise PostgresUnavailableError("running as root needs `runuser` to start PostgreSQL")
        self.root = Path(tempfile.mkdtemp(prefix="kubedrift-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()

    def _run(self, *command: str) -> None:
        argv = ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else [*command]
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresUnavailableError(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}{tail}"
            )

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(BIN / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self._run(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
                )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.url(name)


@contextmanager
def started_postgres() -> Iterator[PostgresServer]:
    """A running server, stopped afterwards, for a fixture; without PostgreSQL's binaries the
    test that asked fails, saying what is missing."""
    try:
        server = PostgresServer()
        server.start()
    except PostgresUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
