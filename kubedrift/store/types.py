"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no timezone-aware timestamp and PostgreSQL hands `timestamptz` back in the session's
zone: `UtcDateTime` stores UTC on both and always returns an aware UTC datetime, so a value
read back compares and hashes (event ids) exactly like the one written. A naive datetime is
refused on the way in: the store never guesses a zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as UTC (`timestamptz` on PostgreSQL, text on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store")
        utc = value.astimezone(UTC)
        # SQLite keeps the text as given; without a zone every stored value has one format,
        # so comparisons in SQL (text order) agree with time order.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JsonDocument: Any = JSON().with_variant(JSONB(), "postgresql")
