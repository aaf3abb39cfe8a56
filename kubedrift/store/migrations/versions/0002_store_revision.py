"""The store revision (bumped by every saved cycle; the metrics cache on it) and the indexes
a scrape reads through: outbox rows per sink and status by age, the rows claimed more than
once, deliveries by outbox row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    table = op.create_table(
        "store_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0, "changed_at": None}])
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_sink_status_created", ["sink", "status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_retried",
            ["sink", "status"],
            unique=False,
            sqlite_where=sa.text("attempts > 1"),
            postgresql_where=sa.text("attempts > 1"),
        )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_outbox_id"), ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_outbox_id"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_retried",
            sqlite_where=sa.text("attempts > 1"),
            postgresql_where=sa.text("attempts > 1"),
        )
        batch_op.drop_index("ix_outbox_sink_status_created")
    op.drop_table("store_revision")
