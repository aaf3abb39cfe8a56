"""Outbox queries: claim due rows for a sink, record how an attempt ended, hold a row through
quiet hours, count, prune.

A claim is one short transaction that selects due rows `FOR UPDATE SKIP LOCKED` (PostgreSQL:
two workers never wait on, nor take, each other's rows; SQLite renders no lock clause and
serialises writers with `BEGIN IMMEDIATE` instead) and pushes their `next_attempt_at` past a
lease. Delivery happens outside any transaction; `finish` then applies only if the row is
still the same claim (same `attempts`), so a worker whose lease ran out cannot overwrite the
outcome of the worker that took over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, literal_column, select, update

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


def finish(
    connection: Connection,
    item: OutboxItem,
    now: datetime,
    *,
    error: str | None,
    retry_at: datetime | None,
) -> bool:
    """Delivered (`error` None), retried at `retry_at`, or dead (an error and no retry)."""
    if error is None:
        status, outcome = OutboxStatus.DELIVERED.value, "delivered"
    elif retry_at is not None:
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
