"""Notification threads: the chat message (channel, ts) that opened a finding, per sink, so
its escalation and resolution reply in that message's thread.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "notification_threads",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("sink", sa.String(length=200), nullable=False),
        sa.Column("cluster", sa.String(length=400), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("component", sa.String(length=400), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("ts", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_threads")),
        sa.UniqueConstraint(
            "sink",
            "cluster",
            "rule",
            "component",
            name=op.f("uq_notification_threads_sink_cluster_rule_component"),
        ),
    )


def downgrade() -> None:
    op.drop_table("notification_threads")
