"""A fake DingTalk custom robot for the notifiers' contract tests.

It checks what DingTalk checks (the access token, the HMAC signature and its timestamp's
freshness, the keyword rule, 20 messages a minute per robot, a call quota) and answers in
DingTalk's wire form, so our DingTalk client meets the same failures as in the field.
Accepted messages are recorded in `messages` for assertions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response, text_response

_json = partial(json_response, content_type="application/json; charset=utf-8")
_text = text_response


def _mentioned(at: object, text: str) -> frozenset[str] | None:
    """Whom a message's `at` notifies, or None when `at` is malformed."""
    if at is None:
        return frozenset()
    if not isinstance(at, dict):
        return None
    mobiles, user_ids = at.get("atMobiles", []), at.get("atUserIds", [])
    everyone = at.get("isAtAll", False)
    handles = (
        [*mobiles, *user_ids] if isinstance(mobiles, list) and isinstance(user_ids, list) else None
    )
    if handles is None or not all(isinstance(h, str) for h in handles):
        return None
    if not isinstance(everyone, bool):
        return None
    # A handle counts only as a whole `@token` in the text: "@138" does not notify "1380".
    named = set(re.findall(r"@([^\s@]+)", text))
    found = {h for h in handles if h in named}
    return frozenset(found | ({"all"} if everyone else set()))


class DingTalkFakeServer(FakeServer):
    """`POST /robot/send?access_token=...[&timestamp=...&sign=...]`, DingTalk's custom robot.

    `robots` maps each access token to its signing secret (None: unsigned). `quota` is the
    robot's remaining call quota (90030 once spent); `clock` is the server's wall clock.
    """

    name = "dingtalk"

    def __init__(
        self,
        *,
        robots: Mapping[str, str | None],
        keyword: str | None = None,
        per_minute: int = 20,
        quota: int | None = None,
        clock: Callable[[], float] = time.time,
        **server: Any,
    ) -> None:
        super().__init__(**server)
        self.robots = dict(robots)
        self.keyword, self.per_minute, self.quota, self.clock = keyword, per_minute, quota, clock
        self.messages: list[dict[str, Any]] = []
        # Per accepted message, whom the robot notified: "all", or the mobiles and user ids
        # listed in `at` that the text also `@`-names (others are listed but not notified).
        self.mentions: list[frozenset[str]] = []
        self._sent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        return "robot.send", request.query.get("access_token")

    def route(self, request: Request, operation: str) -> Response:
        token = request.query.get("access_token", "")
        if request.path != "/robot/send" or token not in self.robots:
            return _json(200, {"errcode": 300001, "errmsg": "token is not exist"})
        secret = self.robots[token]
        if secret is not None and (refused := self._signature_problem(request, secret)):
            return _json(200, {"errcode": 310000, "errmsg": refused})
        try:
            body = json.loads(request.body)
            title, text = body["markdown"]["title"], body["markdown"]["text"]
        except (ValueError, KeyError, TypeError):
            return _json(200, {"errcode": 40035, "errmsg": "缺少参数 json"})
        if self.keyword and self.keyword not in f"{title}{text}":
            return _json(200, {"errcode": 310000, "errmsg": "keywords not in content"})
        mentioned = _mentioned(body.get("at"), text)
        if mentioned is None:
            return _json(200, {"errcode": 40035, "errmsg": "缺少参数 at"})
        with self._lock:
            if self.quota is not None and self.quota <= 0:
                return _json(200, {"errcode": 90030, "errmsg": "webhook over limit"})
            now = self.clock()
            window = self._sent.setdefault(token, deque())
            while window and now - window[0] >= 60:
                window.popleft()
            if len(window) >= self.per_minute:
                message = f"send too fast, exceed {self.per_minute} times per minute"
                return _json(200, {"errcode": 130101, "errmsg": message})
            window.append(now)
            if self.quota is not None:
                self.quota -= 1
            self.messages.append({"token": token, **body})
            self.mentions.append(mentioned)
        return _json(200, {"errcode": 0, "errmsg": "ok"})

    def _signature_problem(self, request: Request, secret: str) -> str | None:
        raw, given = request.query.get("timestamp", ""), request.query.get("sign", "")
        if not raw.isdigit() or not given:
            return "sign not match"
        # DingTalk refuses timestamps more than an hour from its own clock.
        if abs(self.clock() * 1000 - int(raw)) > 3_600_000:
            return "timestamp is invalid"
        digest = hmac.new(secret.encode(), f"{raw}\n{secret}".encode(), hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        return None if hmac.compare_digest(expected, given) else "sign not match"

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            return _json(200, {"errcode": 130101, "errmsg": "send too fast"})
        if fault.kind == "auth":
            return _json(200, {"errcode": 310000, "errmsg": "sign not match"})
        if fault.kind == "not_found":
            return _json(200, {"errcode": 300001, "errmsg": "token is not exist"})
        if fault.kind == "malformed":
            return _text(200, "<html>gateway</html>")
        return _text(502, "bad gateway")
