"""The HTTP surface (Starlette): health, readiness, metrics, the read-only API, the trigger.

Every replica serves these from the store, leader or not. Reads are plain `def` endpoints:
Starlette runs them in its thread pool, so a slow database never blocks the event loop.
`/metrics` is an endpoint, not a mounted `make_asgi_app()` (mounted, it answers 307 to
`/metrics/`). `POST /v1/trigger` needs `Authorization: Bearer <token>`, the token being
read from the environment variable `trigger_token_env` names; without one configured the
trigger is closed (401 for every caller).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kubedrift.daemon.status import DaemonStatus
from kubedrift.model.events import DriftEvent, DriftState
from kubedrift.model.findings import Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.reconcile import SourceState

log = logging.getLogger(__name__)

MAX_EVENTS = 1000


class ApiStore(Protocol):
    """What the API reads from `kubedrift.store.Store`."""

    def ping(self) -> bool: ...
    def open_states(self) -> Sequence[DriftState]: ...
    def latest_inventories(self) -> Mapping[str, ClusterInventory]: ...
    def source_states(self) -> Mapping[str, SourceState]: ...
    def events(self, since: datetime | None = None, limit: int = 100) -> Sequence[DriftEvent]: ...


# `trigger(source or None)` -> the sources whose scan was started; KeyError: unknown source.
Trigger = Callable[[str | None], Sequence[str]]
# `weekly(first day or None for the newest, locale)` -> the report page, None: no such week.
WeeklyPage = Callable[[date | None, str], str | None]


def _problem(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def create_app(
    store: ApiStore,
    status: DaemonStatus,
    trigger: Trigger,
    *,
    token: str | None,
    weekly: WeeklyPage | None = None,
) -> Starlette:
    """The daemon's ASGI app."""

    def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def readyz(request: Request) -> Response:
        checks = {"store": store.ping(), "first_cycle": status.first_cycle_done}
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    def metrics(request: Request) -> Response:
        body = generate_latest(REGISTRY) + generate_latest(status.registry)
        if status.store_metrics is not None:
            body += status.store_metrics()
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    def clusters(request: Request) -> Response:
        by_cluster: dict[str, list[DriftState]] = {}
        for state in store.open_states():
            by_cluster.setdefault(state.key.cluster, []).append(state)
        health = store.source_states()
        out = []
        for key, inventory in store.latest_inventories().items():
            mine = by_cluster.get(key, [])
            worst = max((s.severity for s in mine if s.waived_by is None), default=None)
            source = health.get(inventory.source)
            out.append(
                {
                    "key": key,
                    "name": inventory.name,
                    "provider": inventory.provider,
                    "region": inventory.region,
                    "source": inventory.source,
                    "labels": inventory.labels,
                    "version": version.raw
                    if (version := inventory.control_plane.version)
                    else None,
                    "collected_at": inventory.collected_at.isoformat(),
                    "open_findings": len(mine),
                    "worst_severity": worst.value if worst is not None else None,
                    "stale": any(s.stale for s in mine),
                    "source_failing": bool(source and source.failing),
                }
            )
        return JSONResponse({"clusters": out})

    def findings(request: Request) -> Response:
        params = request.query_params
        try:
            floor = Severity(params["severity"]) if "severity" in params else None
        except ValueError:
            return _problem(400, f"unknown severity {params['severity']!r}")
        selected = [
            state
            for state in store.open_states()
            if params.get("cluster", state.key.cluster) == state.key.cluster
            and params.get("source", state.source) == state.source
            and params.get("rule", state.key.rule) == state.key.rule
            and (floor is None or state.severity >= floor)
        ]
        return JSONResponse({"findings": [s.model_dump(mode="json") for s in selected]})

    def events(request: Request) -> Response:
        params = request.query_params
        try:
            since = datetime.fromisoformat(params["since"]) if "since" in params else None
            limit = int(params.get("limit", "100"))
        except ValueError as exc:
            return _problem(400, f"bad query: {exc}")
        if since is not None and since.tzinfo is None:
            return _problem(400, "since needs a time zone (e.g. 2025-01-01T00:00:00Z)")
        if not 1 <= limit <= MAX_EVENTS:
            return _problem(400, f"limit must be between 1 and {MAX_EVENTS}")
        found = store.events(since, limit)
        return JSONResponse({"events": [e.model_dump(mode="json") for e in found]})

    async def trigger_endpoint(request: Request) -> Response:
        if not _authorized(request, token):
            # Never say which part was wrong, nor echo what was sent.
            return _problem(
                401, "a valid bearer token is required", **{"WWW-Authenticate": "Bearer"}
            )
        source = request.query_params.get("source")
        body = await request.body()
        if body:
            try:
                document = json.loads(body)
            except ValueError:
                return _problem(400, 'the body must be JSON: {"source": NAME} or empty')
            if not isinstance(document, dict):
                return _problem(400, "the body must be a JSON object")
            named = document.get("source", source)
            if named is not None and not isinstance(named, str):
                return _problem(400, "source must be a string")
            source = named
        try:
            started = await run_in_threadpool(trigger, source)
        except KeyError:
            return _problem(404, f"no source named {source!r}")
        log.info("scan triggered over HTTP", extra={"source": source or "*"})
        return JSONResponse({"triggered": list(started)}, status_code=202)

    def weekly_report(request: Request) -> Response:
        week = request.path_params["week"]
        locale = request.query_params.get("locale", "en")
        if weekly is None:
            return _problem(404, "the weekly report is not configured (settings: report)")
        if locale not in ("en", "zh-CN"):
            return _problem(400, f"unknown locale {locale!r}: expected en or zh-CN")
        try:
            first_day = None if week == "latest" else date.fromisoformat(week)
        except ValueError:
            return _problem(400, f"expected latest or a date like 2026-11-16, found {week!r}")
        page = weekly(first_day, locale)
        if page is None:
            return _problem(404, f"no weekly report recorded for {week}")
        return HTMLResponse(page)

    return Starlette(
        routes=[
            Route("/v1/reports/weekly/{week}", weekly_report),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/v1/clusters", clusters),
            Route("/v1/findings", findings),
            Route("/v1/events", events),
            Route("/v1/trigger", trigger_endpoint, methods=["POST"]),
        ]
    )


def _authorized(request: Request, token: str | None) -> bool:
    if not token:
        return False
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )
