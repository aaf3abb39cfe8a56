"""A PostgreSQL session-level advisory lock on a dedicated connection (leader election).

`pg_try_advisory_lock(key)` is held by a database session, not a transaction: the lock
lives exactly as long as this connection, and PostgreSQL frees it when the session ends (a
replica that dies or loses its network loses the lock when the server notices, TCP
keepalives bound that). So the connection is our own (no pool: a pooled connection could
be handed to other work, or closed by the pool), in autocommit (no transaction idles open),
and `alive()` is how the holder renews its belief that it still holds the lock. Behind
PgBouncer in transaction mode session locks mean nothing: connect the daemon directly.
"""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from kubedrift.store.engine import normalise_url

# Dead peers are noticed within about idle + interval * count seconds.
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2}
_KEEPALIVES |= {"keepalives_count": 3, "connect_timeout": 5}


class AdvisoryLock:
    """`try_acquire()`, `alive()`, `release()`; not thread-safe (one election loop uses it)."""

    def __init__(self, url: str, key: int) -> None:
        self.key = key
        self._engine = create_engine(
            normalise_url(url),
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args=dict(_KEEPALIVES),
        )
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        """Take the lock if free; True if this session holds it (again) now."""
        if self._connection is None:
            self._connection = self._engine.connect()
        try:
            taken = self._connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar_one()
        except Exception:
            self._drop()
            raise
        return bool(taken)

    def alive(self) -> bool:
        """Whether the session holding the lock still answers (so still holds it)."""
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1")).scalar_one()
        except Exception:
            self._drop()
            return False
        return True

    def release(self) -> None:
        """Unlock and close; a successor need not wait for the session to time out."""
        if self._connection is None:
            return
        # Closing the session frees the lock anyway: an error here changes nothing.
        with suppress(Exception):
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        self._drop()

    def close(self) -> None:
        self.release()
        self._engine.dispose()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # already broken: nothing to give back
                connection.close()
