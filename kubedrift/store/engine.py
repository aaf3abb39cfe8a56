"""Engines for the two supported databases, set up so transactions mean the same on both.

PostgreSQL URLs without a driver use psycopg 3 (the `postgres` extra). On SQLite every
transaction that will write starts with `BEGIN IMMEDIATE`: it takes the write lock first, so
"read the due outbox rows, then mark them claimed" cannot interleave with another writer (the
role `FOR UPDATE SKIP LOCKED` plays on PostgreSQL). Reads use a plain deferred `BEGIN`.
`insert_for` / `insert_ignoring` spell `INSERT ... ON CONFLICT` for whichever engine it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///kubedrift.db"
# Execution option that marks a connection about to write (SQLite: BEGIN IMMEDIATE).
_WRITE = "kubedrift_write"


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3; other URLs are kept as given."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control from the sqlite3 module (it would BEGIN lazily, only before
    # DML) so the "begin" listener decides how a transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the HTTP API read while a cycle writes; NORMAL is durable at each checkpoint
    # and safe against corruption, which is what a daemon restarting after a crash needs.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writing = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that will write: committed on exit, rolled back on error."""
    with engine.connect().execution_options(**{_WRITE: True}) as connection, connection.begin():
        yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection in a read transaction (one consistent view on PostgreSQL), ended on exit."""
    with engine.connect() as connection, connection.begin():
        yield connection


def insert_for(connection: Connection, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with this engine's `ON CONFLICT` clauses (both engines spell them alike)."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# Rows per multi-row INSERT: far below SQLite's 32766 bound variables at ~12 columns a row.
CHUNK = 500


def insert_ignoring(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that hit a unique constraint; returns how many went in."""
    inserted = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        statement = insert_for(connection, table).values(chunk).on_conflict_do_nothing()
        # RETURNING counts the rows that went in on both engines (psycopg reports no
        # rowcount for a multi-row INSERT through SQLAlchemy 2.1).
        returning = statement.returning(*inspect(table).primary_key)
        inserted += len(connection.execute(returning).all())
    return inserted
