"""Migrations: up from empty on both engines, the schema agrees with `tables.py`, a newer
schema is refused, and the `kubedrift db` commands."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from kubedrift.cli import main
from kubedrift.store import SchemaOutdatedError, SchemaTooNewError, Store, migrate
from kubedrift.store.engine import normalise_url
from kubedrift.store.tables import Base

pytestmark = pytest.mark.integration

FUTURE = "9999_from_the_future"


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_upgrade_from_empty_creates_the_schema_of_tables_py(db_url: str) -> None:
    assert migrate.current(db_url) is None
    with pytest.raises(SchemaOutdatedError, match="kubedrift db upgrade"):
        Store(db_url)
    assert migrate.upgrade(db_url) == migrate.head()
    assert migrate.current(db_url) == migrate.head()
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {
            *Base.metadata.tables,
            "alembic_version",
        }
        # The migration scripts and the declarative tables describe one schema.
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()
    # A second upgrade is a no-op, and the store opens.
    assert migrate.upgrade(db_url) == migrate.head()
    Store(db_url).close()


def test_a_database_migrated_by_a_newer_kubedrift_is_refused(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(db_url)
    _set_revision(db_url, FUTURE)
    for attempt in (lambda: Store(db_url), lambda: Store(db_url, upgrade=True)):
        with pytest.raises(SchemaTooNewError, match="migrated by a newer kubedrift"):
            attempt()
    with pytest.raises(SchemaTooNewError, match=FUTURE):
        migrate.upgrade(db_url)
    assert main(["db", "upgrade", "--url", db_url]) == 3
    assert "newer kubedrift" in capsys.readouterr().err
    assert migrate.current(db_url) == FUTURE  # untouched


def test_an_older_schema_asks_for_an_upgrade(db_url: str) -> None:
    migrate.upgrade(db_url)
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    engine.dispose()
    with pytest.raises(SchemaOutdatedError, match="no kubedrift schema"):
        Store(db_url)


def test_db_commands(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current", "--url", db_url]) == 0
    assert "no schema" in capsys.readouterr().out
    assert main(["db", "upgrade", "--url", db_url]) == 0
    assert f"upgraded from empty to {migrate.head()}" in capsys.readouterr().out
    assert main(["db", "upgrade", "--url", db_url]) == 0
    assert "already at revision" in capsys.readouterr().out
    assert main(["db", "current", "--url", db_url]) == 0
    assert f"{migrate.head()} (head)" in capsys.readouterr().out


def test_an_unreachable_database_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "current", "--url", "postgresql://nobody:secret@127.0.0.1:9/x"]) == 3
    err = capsys.readouterr().err
    assert "cannot use postgresql://nobody:***@127.0.0.1:9/x" in err
    assert "secret" not in err
