"""The store's tables, as typed SQLAlchemy declarative classes.

Every timestamp is a `UtcDateTime` (aware on both engines). Identifiers the rest of kubedrift
already has (cluster keys, source names, event ids, change keys) are the natural keys; surrogate
integer ids exist where rows repeat (snapshots, states, outbox, deliveries). The migrations
(`migrations/versions/`) create exactly this; a change here needs a new migration, and
`tests/integration/store` checks the two agree.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kubedrift.store.types import JsonDocument, UtcDateTime

# Named constraints: Alembic's batch mode (SQLite) recreates tables and needs names to find
# a constraint again; PostgreSQL gets the same names.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JsonDocument,
    }


class OutboxStatus(StrEnum):
    PENDING = "pending"
    # Waiting out a route's quiet hours until `next_attempt_at`: due then like a pending row,
    # but not late (the outbox age metrics and alerts leave it alone).
    HELD = "held"
    DELIVERED = "delivered"
    DEAD = "dead"


class SourceRow(Base):
    """A settings-file source and its failure streak (`SourceState`)."""

    __tablename__ = "sources"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    failing_since: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)
    last_reason: Mapped[str | None] = mapped_column(String(32))
    last_message: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ClusterRow(Base):
    """A cluster ever seen: identity, presence and its `VersionSnapshot`.

    `removed_at` is set when a successful discovery stops listing it (its snapshot is then
    dropped, so a return is a first sight again); `versions` is None while removed.
    """

    __tablename__ = "clusters"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    identity: Mapped[dict[str, Any] | None]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    versions: Mapped[dict[str, Any] | None]
    versions_taken_at: Mapped[datetime | None]


class InventorySnapshotRow(Base):
    """One distinct inventory of a cluster, kept while it stays the same.

    A cycle that collects the same inventory (hash of its canonical JSON, without
    `collected_at`) only moves `last_seen_at`; a different one adds a row. The current
    inventory of a cluster is its row with the highest id.
    """

    __tablename__ = "inventory_snapshots"
    __table_args__ = (UniqueConstraint("cluster", "first_seen_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    cluster: Mapped[str] = mapped_column(String(400), ForeignKey("clusters.key"))
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]]
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class DriftStateRow(Base):
    """A drift state, open (`resolved_at` is None) or resolved; one row per opening.

    At most one open row per finding key (a partial unique index); (key, opened_at) is
    unique, which is what makes saving a replayed cycle a no-op.
    """

    __tablename__ = "drift_states"
    __table_args__ = (
        UniqueConstraint("cluster", "rule", "component", "opened_at"),
        Index(
            "uq_drift_states_open_key",
            "cluster",
            "rule",
            "component",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        Index("ix_drift_states_resolved_at", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    cluster: Mapped[str] = mapped_column(String(400))
    rule: Mapped[str] = mapped_column(String(200))
    component: Mapped[str] = mapped_column(String(400))
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    observed: Mapped[str | None] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    waived_by: Mapped[str | None] = mapped_column(Text)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(200))
    announced: Mapped[bool] = mapped_column(Boolean, default=True)
    resolved_at: Mapped[datetime | None]
    resolved_reason: Mapped[str | None] = mapped_column(String(32))


class EventRow(Base):
    """A `DriftEvent`: `id` is its deterministic id (unique), `seq` the order of recording."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(index=True)
    cluster: Mapped[str | None] = mapped_column(String(400), index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    rule: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[str | None] = mapped_column(String(16))
    # The whole event as `DriftEvent.model_dump(mode="json")`: what sinks render.
    payload: Mapped[dict[str, Any]]
    recorded_at: Mapped[datetime]


class OutboxRow(Base):
    """One event to deliver to one sink, until delivered or dead.

    `next_attempt_at` is both the back-off and the claim lease: a claim pushes it forward, so
    a worker that dies mid-delivery only delays the row (at least once, never lost).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("event_id", "sink"),
        Index("ix_outbox_due", "sink", "status", "next_attempt_at"),
        # Covers the metrics' count and oldest age per sink and status (migration 0002).
        Index("ix_outbox_sink_status_created", "sink", "status", "created_at"),
        # The rows claimed more than once: few, read at every scrape (`outbox_repo.resent`).
        Index(
            "ix_outbox_retried",
            "sink",
            "status",
            sqlite_where=text("attempts > 1"),
            postgresql_where=text("attempts > 1"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), ForeignKey("events.id"))
    sink: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class DeliveryRow(Base):
    """One delivery attempt of an outbox row and how it ended (the attempt log)."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(
        Id, ForeignKey("outbox.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)


class ThreadRow(Base):
    """The chat message that opened a drift, per sink: later news of that finding (its
    escalation, its resolution) replies in the message's thread. One row per (sink, finding
    key), replaced when the finding opens again. Added by migration 0004."""

    __tablename__ = "notification_threads"
    __table_args__ = (UniqueConstraint("sink", "cluster", "rule", "component"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sink: Mapped[str] = mapped_column(String(200))
    cluster: Mapped[str] = mapped_column(String(400))
    rule: Mapped[str] = mapped_column(String(200))
    component: Mapped[str] = mapped_column(String(400))
    channel: Mapped[str] = mapped_column(String(200))
    ts: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ProposedChangeRow(Base):
    """A pull request or ticket an enforcer opened; `key` is the enforcer's idempotency key."""

    __tablename__ = "proposed_changes"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    cluster: Mapped[str | None] = mapped_column(String(400))
    url: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoreRevisionRow(Base):
    """One row (`id` 1): a number every saved cycle increments.

    Clusters, inventories, drift states and events change only in `save_cycle`, which bumps
    it in the same transaction; so what a reader derives from them is current while the
    revision is the same (the metrics cache their per-cluster part on it).
    """

    __tablename__ = "store_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime | None]


class ReportDeliveryRow(Base):
    """One report of one period to one sink: pending until delivered, or dead after failing
    too long. (period, sink) is unique, which makes the weekly job idempotent per week."""

    __tablename__ = "report_deliveries"
    __table_args__ = (
        UniqueConstraint("period", "sink"),
        Index("ix_report_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(64))
    sink: Mapped[str] = mapped_column(String(200))
    since: Mapped[datetime]
    until: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
