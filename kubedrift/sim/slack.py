"""A fake Slack for the notifiers' contract tests: the Web API and incoming webhooks.

It checks what Slack checks (the bot token, the channel, Block Kit limits, a reply's
thread) and answers in Slack's wire forms, so the real slack-sdk meets the same failures as
in the field. Accepted messages are recorded in `messages` for assertions.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from kubedrift.sim import slack_files
from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response, text_response

_json = partial(json_response, content_type="application/json; charset=utf-8")
_text = text_response


_METHODS = (
    "chat.postMessage",
    "conversations.history",
    "conversations.replies",
    *slack_files.METHODS,
)


def _query(request: Request) -> dict[str, Any]:
    """A Web API call's arguments, from the query string and a JSON or form body."""
    query: dict[str, Any] = dict(request.query)
    if request.body:
        try:
            query.update(json.loads(request.body))
        except ValueError:
            query.update(parse_qsl(request.body.decode()))
    return query


def _listed(ts: str, body: Mapping[str, Any], metadata: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "message", "ts": ts, "text": body.get("text")}
    if "thread_ts" in body:
        item["thread_ts"] = body["thread_ts"]
    if metadata and body.get("metadata"):
        item["metadata"] = body["metadata"]
    return item


def _form(request: Request) -> dict[str, str]:
    """A Web API call's arguments: the query, then a form-encoded body over it."""
    form = dict(request.query)
    form.update(parse_qsl(request.body.decode(errors="replace")))
    return form


def _block_problem(body: Mapping[str, Any]) -> str | None:
    """What Slack would reject in a message's blocks, if anything."""
    blocks = body.get("blocks") or []
    if not body.get("text") and not blocks:
        return "no_text"
    if len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        kind = block.get("type")
        if kind == "header" and len(block["text"]["text"]) > 150:
            return "invalid_blocks"
        if kind == "section" and not 0 < len(block["text"]["text"]) <= 3000:
            return "invalid_blocks"
    return None


class SlackFakeServer(FakeServer):
    """`POST /api/chat.postMessage` (bot token; a reply's `thread_ts` must name a top-level
    message of the channel), `conversations.history` and `POST /services/...` (incoming
    webhooks); file uploads as `files_upload_v2` makes them (`sim/slack_files.py`; shared
    files land in `files.shared` with their bytes)."""

    name = "slack"

    def __init__(
        self,
        *,
        tokens: frozenset[str] = frozenset({"xoxb-test"}),
        channels: frozenset[str] = frozenset({"#k8s-upgrades"}),
        webhooks: frozenset[str] = frozenset({"/services/T0001/B0001/sim"}),
        **server: Any,
    ) -> None:
        super().__init__(**server)
        self.tokens, self.channels, self.webhooks = tokens, channels, webhooks
        self.messages: list[dict[str, Any]] = []
        # (channel, ts, body) of each message posted by token: conversations.history.
        self.history: list[tuple[str, str, dict[str, Any]]] = []
        self.files = slack_files.FileUploads()
        self._ts_lock = threading.Lock()
        self._last_ts = 0.0

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        if request.path.startswith("/services/"):
            return "webhook", None
        if request.path.startswith(slack_files.UPLOAD_PATH):
            return "upload", request.path.removeprefix(slack_files.UPLOAD_PATH)
        return request.path.removeprefix("/api/"), self._channel(request)

    def rate_limit_key(self, request: Request) -> str:
        # chat.postMessage allows about one message a second per channel.
        return self._channel(request) or request.path

    @staticmethod
    def _channel(request: Request) -> str | None:
        try:
            channel = json.loads(request.body or b"{}").get("channel")
        except (ValueError, AttributeError):
            return None
        return channel if isinstance(channel, str) else None

    def route(self, request: Request, operation: str) -> Response:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        if operation == "webhook":
            if request.path not in self.webhooks:
                return _text(404, "no_service")
            if not isinstance(body, dict):
                return _text(400, "invalid_payload")
            if problem := _block_problem(body):
                return _text(400, problem)
            self.messages.append({"webhook": request.path, **body})
            return _text(200, "ok")
        if operation == "upload":
            return self.files.receive(request)
        if operation not in _METHODS:
            return _json(404, {"ok": False, "error": "unknown_method"})
        auth = request.header("authorization") or ""
        if auth.removeprefix("Bearer ") not in self.tokens:
            return _json(200, {"ok": False, "error": "invalid_auth"})
        if operation == "conversations.history":
            return self._history(request)
        if operation == "conversations.replies":
            return self._replies(request)
        if operation == "files.getUploadURLExternal":
            return self.files.upload_url(_form(request), self.url)
        if operation == "files.completeUploadExternal":
            return self.files.complete(_form(request), self.channels)
        if not isinstance(body, dict):
            return _json(200, {"ok": False, "error": "invalid_json"})
        if body.get("channel") not in self.channels:
            return _json(200, {"ok": False, "error": "channel_not_found"})
        if problem := _block_problem(body):
            return _json(200, {"ok": False, "error": problem})
        if "thread_ts" in body and (problem := self._thread_problem(body)):
            return _json(200, {"ok": False, "error": problem})
        with self._ts_lock:
            # Unique and increasing, as Slack's message timestamps are within a channel.
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            ts = f"{self._last_ts:.6f}"
        self.messages.append(body)
        self.history.append((body["channel"], ts, body))
        return _json(200, {"ok": True, "channel": body["channel"], "ts": ts})

    def _thread_problem(self, body: Mapping[str, Any]) -> str | None:
        """A reply must name, as a string, a top-level message of the same channel.

        Stricter than Slack, which accepts some unknown `thread_ts` values and then shows
        the reply nowhere: a test meeting `thread_not_found` has a bug Slack would hide.
        """
        thread_ts = body["thread_ts"]
        if not isinstance(thread_ts, str) or not re.fullmatch(r"\d+\.\d+", thread_ts):
            return "invalid_thread_ts"
        parents = {
            ts
            for channel, ts, posted in self.history
            if channel == body["channel"] and "thread_ts" not in posted
        }
        return None if thread_ts in parents else "thread_not_found"

    def _history(self, request: Request) -> Response:
        """Newest first, `oldest` honoured, metadata only with `include_all_metadata`;
        one page (no cursor): enough for tests."""
        query = _query(request)
        channel = query.get("channel")
        if channel not in self.channels:
            return _json(200, {"ok": False, "error": "channel_not_found"})
        oldest = float(query.get("oldest") or 0)
        metadata = str(query.get("include_all_metadata", "")).lower() in ("1", "true")
        found = []
        for posted_in, ts, body in reversed(self.history):
            if "thread_ts" in body and not body.get("reply_broadcast"):
                continue  # a thread reply is not in the channel's history (broadcasts are)
            if posted_in == channel and float(ts) >= oldest:
                found.append(_listed(ts, body, metadata))
        return _json(200, {"ok": True, "messages": found, "has_more": False})

    def _replies(self, request: Request) -> Response:
        """A thread, oldest first: its parent, then the replies since `oldest`."""
        query = _query(request)
        channel, parent = query.get("channel"), query.get("ts")
        if channel not in self.channels:
            return _json(200, {"ok": False, "error": "channel_not_found"})
        oldest = float(query.get("oldest") or 0)
        metadata = str(query.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            _listed(ts, body, metadata)
            for posted_in, ts, body in self.history
            if posted_in == channel
            and (
                (ts == parent and "thread_ts" not in body)
                or (body.get("thread_ts") == parent and float(ts) >= oldest)
            )
        ]
        if not found or found[0]["ts"] != parent:
            return _json(200, {"ok": False, "error": "thread_not_found"})
        return _json(200, {"ok": True, "messages": found, "has_more": False})

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        webhook = operation == "webhook"
        if fault.kind == "throttle":
            after = {"Retry-After": str(int(fault.retry_after or 1))}
            if webhook:
                return _text(429, "rate_limited", after)
            return _json(429, {"ok": False, "error": "ratelimited"}, after)
        if fault.kind == "auth":
            if webhook:
                return _text(403, "invalid_token")
            return _json(200, {"ok": False, "error": "invalid_auth"})
        if fault.kind == "not_found":
            if webhook:
                return _text(404, "no_service")
            return _json(200, {"ok": False, "error": "channel_not_found"})
        if fault.kind == "malformed":
            return _text(200, "<html>upstream said something odd</html>")
        return _text(503, "service unavailable")  # server_error, and a timeout's late answer
