"""Saving drift events and their outbox rows: one pending row per (event, sink), keyed so a
replay adds nothing. A cycle's events go through `insert_events`, events made between cycles
(reminders) through `save_events`; `event_payload` / `event_from` are the stored JSON form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from kubedrift.model.events import DriftEvent
from kubedrift.store.engine import CHUNK, insert_ignoring
from kubedrift.store.tables import EventRow, OutboxRow, OutboxStatus

# Which sinks an event goes to: the same list for all, or decided per event (routes).
Sinks = Sequence[str] | Callable[[DriftEvent], Iterable[str]]


def idempotency_key(event_id: str, sink: str) -> str:
    """What a sink dedupes on: stable for one event to one sink, whoever delivers it."""
    return hashlib.sha256(f"{event_id}\x1f{sink}".encode()).hexdigest()[:40]


def event_payload(event: DriftEvent) -> dict[str, Any]:
    """The event as stored: JSON, its time in UTC (as every other stored time)."""
    return event.model_copy(update={"at": event.at.astimezone(UTC)}).model_dump(mode="json")


def event_from(payload: dict[str, Any]) -> DriftEvent:
    """The stored event, its time an aware UTC datetime like every time the store returns."""
    event = DriftEvent.model_validate(payload)
    return event.model_copy(update={"at": event.at.astimezone(UTC)})


def save_events(
    connection: Connection, events: Sequence[DriftEvent], sinks: Sinks, now: datetime
) -> tuple[int, int]:
    """Events made outside a cycle (reminders) and their outbox rows, idempotent like a
    cycle's: an event already stored is skipped with its rows (they were written with it).
    Returns (events, rows) added.

    Asking first which ids exist keeps a repeated pass (the reminder job asks every minute
    for the same due reminders) to a read instead of thousands of refused inserts."""
    ids = [event.id for event in events]
    stored: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stored.update(
            connection.execute(select(EventRow.id).where(EventRow.id.in_(chunk))).scalars()
        )
    fresh = [event for event in events if event.id not in stored]
    return insert_events(connection, fresh, sinks, now) if fresh else (0, 0)


def insert_events(
    connection: Connection, events: Sequence[DriftEvent], sinks: Sinks, now: datetime
) -> tuple[int, int]:
    """Insert `events` and a pending outbox row per (event, sink), skipping what is already
    stored; returns (events, rows) added."""
    rows = [
        {
            "id": event.id,
            "type": event.type.value,
            "at": event.at,
            "cluster": event.cluster,
            "source": event.source,
            "rule": event.finding.rule if event.finding else None,
            "severity": event.severity.value if event.severity else None,
            "payload": event_payload(event),
            "recorded_at": now,
        }
        for event in events
    ]
    added = insert_ignoring(connection, EventRow, rows)
    outbox = [
        {
            "event_id": event.id,
            "sink": sink,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "idempotency_key": idempotency_key(event.id, sink),
            "created_at": now,
        }
        for event in events
        for sink in dict.fromkeys(sinks(event) if callable(sinks) else sinks)
    ]
    return added, insert_ignoring(connection, OutboxRow, outbox)
