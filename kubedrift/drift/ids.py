"""Deterministic event ids: the same happening always gets the same id.

The outbox dedupes on the id, so a cycle replayed after a crash (same inputs, same `now`)
re-creates exactly the events it had created, never new ones.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from kubedrift.model.events import EventType


def event_id(kind: EventType, subject: str, moment: datetime) -> str:
    """Hash of the event type, its subject (finding key, cluster or source) and the moment
    of the transition (the cycle time, or the start of a source's failure streak)."""
    # Normalised to UTC so the same instant written in two offsets is one event.
    stamp = moment.astimezone(UTC).isoformat()
    digest = hashlib.sha256(f"{kind.value}\x1f{subject}\x1f{stamp}".encode())
    return digest.hexdigest()[:32]
