"""Notification threads: which chat message opened a finding, per sink (`notification_threads`).

Saving is an upsert on (sink, finding key): a finding that opens again gets its new opening
message. Pruning drops the threads of findings no longer open, once older than the cut-off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, delete, exists, or_, select

from kubedrift.model.findings import FindingKey
from kubedrift.model.threads import ChatThread
from kubedrift.store.engine import insert_for
from kubedrift.store.tables import DriftStateRow, ThreadRow

# Keys per query: far below SQLite's bound-variable limit at three values a key.
_CHUNK = 300


def read(connection: Connection, sink: str, keys: Iterable[FindingKey]) -> dict[str, ChatThread]:
    """The threads of `keys` on `sink` that exist, by `str(FindingKey)`."""
    wanted = sorted(set(keys), key=str)
    found: dict[str, ChatThread] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        matches = or_(
            *(
                and_(
                    ThreadRow.cluster == key.cluster,
                    ThreadRow.rule == key.rule,
                    ThreadRow.component == key.component,
                )
                for key in chunk
            )
        )
        rows = connection.execute(
            select(
                ThreadRow.cluster,
                ThreadRow.rule,
                ThreadRow.component,
                ThreadRow.channel,
                ThreadRow.ts,
            ).where(ThreadRow.sink == sink, matches)
        ).all()
        for row in rows:
            key = FindingKey(cluster=row.cluster, rule=row.rule, component=row.component)
            found[str(key)] = ChatThread(channel=row.channel, ts=row.ts)
    return found


def save(
    connection: Connection,
    sink: str,
    keys: Iterable[FindingKey],
    thread: ChatThread,
    now: datetime,
) -> None:
    rows = [
        {
            "sink": sink,
            "cluster": key.cluster,
            "rule": key.rule,
            "component": key.component,
            "channel": thread.channel,
            "ts": thread.ts,
            "created_at": now,
        }
        for key in sorted(set(keys), key=str)
    ]
    for start in range(0, len(rows), _CHUNK):
        statement = insert_for(connection, ThreadRow).values(rows[start : start + _CHUNK])
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["sink", "cluster", "rule", "component"],
                set_={
                    "channel": statement.excluded.channel,
                    "ts": statement.excluded.ts,
                    "created_at": statement.excluded.created_at,
                },
            )
        )


def prune(connection: Connection, before: datetime) -> int:
    """Delete threads made before `before` whose finding is not open any more."""
    still_open = exists().where(
        DriftStateRow.resolved_at.is_(None),
        DriftStateRow.cluster == ThreadRow.cluster,
        DriftStateRow.rule == ThreadRow.rule,
        DriftStateRow.component == ThreadRow.component,
    )
    statement = delete(ThreadRow).where(ThreadRow.created_at < before, ~still_open)
    return connection.execute(statement).rowcount
