"""`kubedrift db upgrade|current`: create or migrate the state store's schema, or show it."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "db",
        help="create or migrate the state store's database",
        description=(
            "The daemon's state store: a SQLite file (sqlite:///path/kubedrift.db) or "
            "PostgreSQL (postgresql://user@host/db). A database migrated by a newer "
            "kubedrift is refused, never downgraded."
        ),
    )
    commands = parser.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    commands.required = True
    upgrade = commands.add_parser("upgrade", help="create the schema or migrate it to this version")
    upgrade.add_argument("--url", required=True, help="database URL")
    upgrade.set_defaults(run=run_upgrade)
    current = commands.add_parser("current", help="show the database's schema revision")
    current.add_argument("--url", required=True, help="database URL")
    current.set_defaults(run=run_current)


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def run_upgrade(args: argparse.Namespace) -> int:
    from kubedrift.store import migrate

    before = _current(args.url)
    reached = migrate.upgrade(args.url)
    if before == reached:
        print(f"{_redacted(args.url)}: already at revision {reached} (head)")
    else:
        print(f"{_redacted(args.url)}: upgraded from {before or 'empty'} to {reached} (head)")
    return 0


def run_current(args: argparse.Namespace) -> int:
    from kubedrift.store import migrate

    found = _current(args.url)
    head = migrate.head()
    if found is None:
        state = f"no schema (run `kubedrift db upgrade`; this kubedrift's head is {head})"
    elif found == head:
        state = f"{found} (head)"
    else:
        state = f"{found} (this kubedrift's head is {head})"
    sys.stdout.write(f"{_redacted(args.url)}: {state}\n")
    return 0


def _current(url: str) -> str | None:
    from kubedrift.store import migrate

    return migrate.current(url)
