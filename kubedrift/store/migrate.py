"""Schema migrations, run from code: `upgrade(url)`, `current(url)`, and the version check.

The Alembic scripts ship inside the package (`kubedrift/store/migrations`), so an installed
kubedrift migrates its own database without an `alembic.ini`. A database migrated by a newer
kubedrift carries a revision this code does not know: `check` refuses it rather than writing
rows the newer schema may not expect.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kubedrift.store.engine import make_engine, writing
from kubedrift.store.errors import SchemaOutdatedError, SchemaTooNewError, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision this kubedrift knows."""
    heads = _scripts().get_heads()
    if len(heads) != 1:  # two heads means two unmerged migration branches: a packaging bug
        raise RuntimeError(f"the migrations have {len(heads)} heads: {heads}")
    return heads[0]


def revision_of(connection: Connection) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def check(connection: Connection, *, url: str = "the database") -> None:
    """Raise unless the database is exactly at this code's head revision."""
    found = revision_of(connection)
    expected = head()
    if found == expected:
        return
    _refuse_newer(found, url)
    if found is None:
        raise SchemaOutdatedError(
            f"{url} has no kubedrift schema; create it with `kubedrift db upgrade --url URL`"
        )
    raise SchemaOutdatedError(
        f"{url} is at schema revision {found}, this kubedrift needs {expected}; "
        "run `kubedrift db upgrade --url URL`"
    )


def _refuse_newer(found: str | None, url: str) -> None:
    known = {script.revision for script in _scripts().walk_revisions()}
    if found is not None and found not in known:
        raise SchemaTooNewError(
            f"{url} is at schema revision {found}, which this kubedrift does not know "
            f"(its newest is {head()}): the database was migrated by a newer kubedrift. "
            "Run that version (or newer); this one will not touch the database."
        )


def upgrade_engine(engine: Engine, *, url: str = "the database") -> str:
    """Migrate to head in one transaction; returns the revision reached."""
    config = alembic_config()
    with writing(engine) as connection:
        _refuse_newer(revision_of(connection), url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        reached = revision_of(connection)
    return reached or head()


def upgrade(url: str) -> str:
    """Bring the database at `url` to this code's schema; returns the revision reached."""
    engine = make_engine(url)
    try:
        return upgrade_engine(engine, url=_display(url))
    except OperationalError as exc:
        raise StoreError(f"cannot use {_display(url)}: {exc.orig}") from exc
    finally:
        engine.dispose()


def current(url: str) -> str | None:
    """The revision the database at `url` is at (None: never migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return revision_of(connection)
    except OperationalError as exc:
        raise StoreError(f"cannot use {_display(url)}: {exc.orig}") from exc
    finally:
        engine.dispose()


def _display(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)
