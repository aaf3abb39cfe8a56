"""Errors the store raises on purpose: an unreachable database, a schema that does not match."""

from __future__ import annotations

from kubedrift.errors import ExitCode, KubedriftError


class StoreError(KubedriftError):
    """The database could not be used: unreachable, or its schema does not match the code."""

    exit_code = ExitCode.RUNTIME


class SchemaTooNewError(StoreError):
    """The database was migrated by a newer kubedrift; this one must not write to it."""


class SchemaOutdatedError(StoreError):
    """The database is empty or behind the code; `kubedrift db upgrade` brings it up."""
