"""Alembic environment: migrates the connection `kubedrift.store.migrate` hands over.

`render_as_batch=True` makes autogenerate emit `batch_alter_table`, which SQLite needs for any
ALTER beyond adding a column (it recreates the table); PostgreSQL runs the same operations as
plain ALTERs.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import JSON, Connection, create_engine

from kubedrift.store.tables import Base
from kubedrift.store.types import UtcDateTime


def _render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our column types as plain SQLAlchemy ones in generated migrations.

    A migration must keep meaning what it meant when written, whatever later happens to
    `kubedrift.store.types`; the stored form is all that matters to the schema.
    """
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(item, JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    # Only reached when someone runs the alembic CLI against an `sqlalchemy.url` directly.
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///kubedrift.db")
    with engine.begin() as own:
        _run(own)
    engine.dispose()


_main()
