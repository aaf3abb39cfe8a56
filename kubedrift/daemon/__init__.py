"""The long-running daemon: scheduled and triggered cycles, the HTTP surface, operations.

`app.py` is the composition root; `cycle.py` runs one cycle (collect -> evaluate ->
reconcile -> save); `scheduler.py` is the only module importing APScheduler; `http.py` the
Starlette app; `logs.py` the JSON log format. Importing this package imports none of them.
"""
