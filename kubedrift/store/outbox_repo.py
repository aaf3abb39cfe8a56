"""Outbox queries: claim due rows for a sink, record how an attempt ended, hold a row through
quiet hours, count, prune.

A claim is one short transaction that selects due rows `FOR UPDATE SKIP LOCKED` (PostgreSQL:
two workers never wait on, nor take, each other's rows; SQLite renders no lock clause and
serialises writers with `BEGIN IMMEDIATE` instead) and pushes their `next_attempt_at` past a
lease. Delivery happens outside any transaction; `finish_failed` and `finish_delivered` then
apply only to a row still under the same claim (same `attempts`), so a worker whose lease ran
out cannot overwrite the outcome of the worker that took over. `finish_delivered` records a
whole batch's deliveries in the caller's one transaction (a few statements, not two a row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, literal_column, select, update

from kubedrift.store.engine import CHUNK
from kubedrift.store.records import OutboxItem, OutboxStat
from kubedrift.store.save_events import event_from
from kubedrift.store.tables import (
    DeliveryRow,
    EventRow,
    InventorySnapshotRow,
    OutboxRow,
    OutboxStatus,
)

PENDING = OutboxStatus.PENDING.value
HELD = OutboxStatus.HELD.value


def claim(
    connection: Connection, sink: str, now: datetime, limit: int, lease: timedelta
) -> list[OutboxItem]:
    due = (
        select(OutboxRow.id)
        .where(
            OutboxRow.sink == sink,
            OutboxRow.status.in_((PENDING, HELD)),
            OutboxRow.next_attempt_at <= now,
        )
        .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(connection.execute(due).scalars())
    if not ids:
        return []
    connection.execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(ids))
        .values(
            attempts=OutboxRow.attempts + 1,
            claimed_at=now,
            next_attempt_at=now + lease,
            status=PENDING,
        )
    )
    rows = connection.execute(
        select(
            OutboxRow.id,
            OutboxRow.attempts,
            OutboxRow.idempotency_key,
            OutboxRow.created_at,
            EventRow.payload,
        )
        .join(EventRow, EventRow.id == OutboxRow.event_id)
        .where(OutboxRow.id.in_(ids))
        .order_by(OutboxRow.created_at, EventRow.seq, OutboxRow.id)
    ).all()
    return [
        OutboxItem(
            id=row.id,
            sink=sink,
            event=event_from(row.payload),
            attempts=row.attempts,
            idempotency_key=row.idempotency_key,
            created_at=row.created_at,
            claimed_at=now,
        )
        for row in rows
    ]


def finish_delivered(
    connection: Connection, items: Sequence[OutboxItem], now: datetime
) -> set[int]:
    """Record the delivery of every row of `items` still under its claim; returns their ids
    (a row missing was taken over by another worker)."""
    by_claim: dict[int, list[int]] = defaultdict(list)
    for item in items:
        by_claim[item.attempts].append(item.id)
    recorded: set[int] = set()
    for attempts, ids in by_claim.items():
        for start in range(0, len(ids), CHUNK):
            recorded.update(
                connection.execute(
                    update(OutboxRow)
                    .where(
                        OutboxRow.id.in_(ids[start : start + CHUNK]),
                        OutboxRow.status == PENDING,
                        OutboxRow.attempts == attempts,
                    )
                    .values(status=OutboxStatus.DELIVERED.value, last_error=None, finished_at=now)
                    .returning(OutboxRow.id)
                ).scalars()
            )
    attempts_made = [
        {
            "outbox_id": item.id,
            "attempt": item.attempts,
            "started_at": item.claimed_at,
            "finished_at": now,
            "outcome": "delivered",
            "error": None,
        }
        for item in items
        if item.id in recorded
    ]
    if attempts_made:
        connection.execute(insert(DeliveryRow), attempts_made)
    return recorded


def finish_failed(
    connection: Connection,
    item: OutboxItem,
    now: datetime,
    *,
    error: str,
    retry_at: datetime | None,
) -> bool:
    """A failed attempt: retried at `retry_at`, or dead (no retry); False when the claim was
    lost."""
    if retry_at is not None:
        status, outcome = PENDING, "failed"
    else:
        status, outcome = OutboxStatus.DEAD.value, "dead"
    values: dict[str, object] = {"status": status, "last_error": error}
    if status == PENDING:
        values["next_attempt_at"] = retry_at
    else:
        values["finished_at"] = now
    changed = connection.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == item.id,
            OutboxRow.status == PENDING,
            OutboxRow.attempts == item.attempts,
        )
        .values(**values)
    ).rowcount
    if not changed:
        return False
    connection.execute(
        insert(DeliveryRow).values(
            outbox_id=item.id,
            attempt=item.attempts,
            started_at=item.claimed_at,
            finished_at=now,
            outcome=outcome,
            error=error,
        )
    )
    return True


def hold(connection: Connection, item: OutboxItem, until: datetime) -> bool:
    """Put a claimed row back, held until `until`; the claim does not count as an attempt.
    False when the claim was lost."""
    changed = connection.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == item.id,
            OutboxRow.status == PENDING,
            OutboxRow.attempts == item.attempts,
        )
        .values(status=HELD, next_attempt_at=until, attempts=OutboxRow.attempts - 1)
    ).rowcount
    return bool(changed)


def stats(connection: Connection) -> tuple[OutboxStat, ...]:
    rows = connection.execute(
        select(OutboxRow.sink, OutboxRow.status, func.count(), func.min(OutboxRow.created_at))
        .group_by(OutboxRow.sink, OutboxRow.status)
        .order_by(OutboxRow.sink, OutboxRow.status)
    ).all()
    return tuple(
        OutboxStat(
            sink=sink,
            status=OutboxStatus(status),
            count=count,
            oldest_created_at=oldest,
        )
        for sink, status, count, oldest in rows
    )


def resent(connection: Connection) -> dict[str, int]:
    """Delivered rows per sink claimed more often than their attempts were recorded: an
    attempt ended unrecorded (the worker died, or its lease ran out, mid-delivery), so the
    sink may have received the row's message twice unless its notifier looked back first."""
    recorded = (
        select(func.count())
        .where(DeliveryRow.outbox_id == OutboxRow.id)
        .correlate(OutboxRow)
        .scalar_subquery()
    )
    rows = connection.execute(
        select(OutboxRow.sink, func.count())
        .where(
            # A literal, not a parameter: so the partial index `ix_outbox_retried` applies.
            OutboxRow.attempts > literal_column("1"),
            OutboxRow.status == OutboxStatus.DELIVERED.value,
            OutboxRow.attempts > recorded,
        )
        .group_by(OutboxRow.sink)
    ).all()
    return {str(sink): int(count) for sink, count in rows}


def prune(connection: Connection, before: datetime) -> int:
    delivered = select(OutboxRow.id).where(
        OutboxRow.status == OutboxStatus.DELIVERED.value, OutboxRow.finished_at < before
    )
    deleted = connection.execute(
        delete(DeliveryRow).where(DeliveryRow.outbox_id.in_(delivered))
    ).rowcount
    deleted += connection.execute(delete(OutboxRow).where(OutboxRow.id.in_(delivered))).rowcount
    # An inventory snapshot is history once a newer one replaced it; keep each cluster's
    # current one however old.
    latest = select(func.max(InventorySnapshotRow.id)).group_by(InventorySnapshotRow.cluster)
    deleted += connection.execute(
        delete(InventorySnapshotRow).where(
            InventorySnapshotRow.last_seen_at < before, InventorySnapshotRow.id.not_in(latest)
        )
    ).rowcount
    return deleted
