"""The state store: SQLAlchemy tables, every query, and the Alembic migrations.

`Store(url)` opens a SQLite file (the default) or a PostgreSQL database; `save_cycle` writes a
reconcile result with its events and outbox rows in one transaction; readers give back model
objects. All SQL lives in this package. `docs/store.md` tells tables, retention and backups.
"""

from __future__ import annotations

from kubedrift.store.engine import DEFAULT_URL
from kubedrift.store.errors import SchemaOutdatedError, SchemaTooNewError, StoreError
from kubedrift.store.records import (
    ClusterSpan,
    CycleSaved,
    DayCompliance,
    FindingInterval,
    History,
    OutboxItem,
    OutboxStat,
    ProposedChange,
)
from kubedrift.store.repo import DEFAULT_LEASE, Store
from kubedrift.store.tables import OutboxStatus

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_URL",
    "ClusterSpan",
    "CycleSaved",
    "DayCompliance",
    "FindingInterval",
    "History",
    "OutboxItem",
    "OutboxStat",
    "OutboxStatus",
    "ProposedChange",
    "SchemaOutdatedError",
    "SchemaTooNewError",
    "Store",
    "StoreError",
]
