"""The weekly report's delivery log: which period went to which sink, and what is still due.

`ReportDeliveries(store)` shares the store's engine. A period's rows are written once
(`schedule`, idempotent on (period, sink)); a sink's row then moves from pending to delivered,
or to dead after failing for the give-up time, never back. The daemon's weekly job is the
only writer and runs on the leader, one run at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime
from sqlalchemy import Row, select, update

from kubedrift.model.base import Frozen
from kubedrift.store.engine import insert_for, reading, writing
from kubedrift.store.repo import Store
from kubedrift.store.tables import OutboxStatus, ReportDeliveryRow


class ReportDelivery(Frozen):
    """The state of one period's report for one sink."""

    id: int
    period: str
    sink: str
    since: AwareDatetime
    until: AwareDatetime
    status: OutboxStatus
    attempts: int
    next_attempt_at: AwareDatetime
    last_error: str | None
    created_at: AwareDatetime
    finished_at: AwareDatetime | None


def _record(row: Row[Any]) -> ReportDelivery:
    return ReportDelivery(
        id=row.id,
        period=row.period,
        sink=row.sink,
        since=row.since,
        until=row.until,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


class ReportDeliveries:
    """Reads and writes `report_deliveries` through `store`'s engine."""

    def __init__(self, store: Store) -> None:
        self._engine = store.engine

    def schedule(
        self, period: str, since: datetime, until: datetime, sinks: Iterable[str], now: datetime
    ) -> int:
        """A pending row per sink not yet recorded for `period`; returns how many were new."""
        added = 0
        with writing(self._engine) as connection:
            for sink in sinks:
                inserted = connection.execute(
                    insert_for(connection, ReportDeliveryRow)
                    .values(
                        period=period,
                        sink=sink,
                        since=since,
                        until=until,
                        status=OutboxStatus.PENDING.value,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["period", "sink"])
                    .returning(ReportDeliveryRow.id)
                ).first()
                added += inserted is not None
        return added

    def due(self, now: datetime) -> tuple[ReportDelivery, ...]:
        """Pending rows whose next attempt is due, oldest period first."""
        query = (
            select(ReportDeliveryRow)
            .where(
                ReportDeliveryRow.status == OutboxStatus.PENDING.value,
                ReportDeliveryRow.next_attempt_at <= now,
            )
            .order_by(ReportDeliveryRow.since, ReportDeliveryRow.sink)
        )
        with reading(self._engine) as connection:
            return tuple(_record(row) for row in connection.execute(query).all())

    def of_period(self, period: str) -> tuple[ReportDelivery, ...]:
        query = (
            select(ReportDeliveryRow)
            .where(ReportDeliveryRow.period == period)
            .order_by(ReportDeliveryRow.sink)
        )
        with reading(self._engine) as connection:
            return tuple(_record(row) for row in connection.execute(query).all())

    def latest(self) -> ReportDelivery | None:
        """A row of the newest period recorded (its `since`/`until` say which week)."""
        query = select(ReportDeliveryRow).order_by(ReportDeliveryRow.since.desc()).limit(1)
        with reading(self._engine) as connection:
            row = connection.execute(query).first()
        return _record(row) if row is not None else None

    def delivered(self, delivery_id: int, now: datetime) -> None:
        self._finish(delivery_id, now, OutboxStatus.DELIVERED, error=None, next_at=None)

    def failed(
        self, delivery_id: int, now: datetime, error: str, *, retry_at: datetime | None
    ) -> None:
        """One more failed attempt: tried again at `retry_at`, or dead when it is None."""
        status = OutboxStatus.PENDING if retry_at is not None else OutboxStatus.DEAD
        self._finish(delivery_id, now, status, error=error, next_at=retry_at)

    def _finish(
        self,
        delivery_id: int,
        now: datetime,
        status: OutboxStatus,
        *,
        error: str | None,
        next_at: datetime | None,
    ) -> None:
        values: dict[str, object] = {
            "status": status.value,
            "attempts": ReportDeliveryRow.attempts + 1,
            "last_error": error,
        }
        if next_at is not None:
            values["next_attempt_at"] = next_at
        if status is not OutboxStatus.PENDING:
            values["finished_at"] = now
        with writing(self._engine) as connection:
            connection.execute(
                update(ReportDeliveryRow)
                .where(
                    ReportDeliveryRow.id == delivery_id,
                    ReportDeliveryRow.status == OutboxStatus.PENDING.value,
                )
                .values(**values)
            )
