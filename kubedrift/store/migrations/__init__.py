"""Alembic migrations of the store (`env.py`, `versions/`), run by `kubedrift.store.migrate`."""
