"""DingTalk custom robot: markdown messages over a signed webhook, with `urllib` only.

No package is worth depending on (docs/reference/dependencies.md): the one client blocks in
`time.sleep`, has no timeout and returns errors instead of raising. The protocol is one POST.

Every answer is HTTP 200 with `{"errcode", "errmsg"}`, so the code decides:
- `0` delivered;
- `130101` sent too fast (20 a minute per robot): retryable once the minute turns;
- `90030` the robot's call quota is spent: not retryable (dead-letter; retrying for hours
  helps nobody; route the alert elsewhere);
- `310000` bad signature, keyword or IP allow-list: configuration, never retried;
- `-1` (system busy), HTTP 5xx and timeouts: retryable; anything else: not.
The access token (in the webhook URL) and the signing secret come from environment variables
the config names; neither appears in an error or a log line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from kubedrift.env_names import EnvName
from kubedrift.errors import DeliveryError
from kubedrift.notifiers.base import Locale, Message, NotifierConfig, required_env

log = logging.getLogger(__name__)

ENDPOINT = "https://oapi.dingtalk.com/robot/send"


class DingTalkConfig(NotifierConfig):
    type: Literal["dingtalk"] = "dingtalk"
    access_token_env: EnvName = Field(
        description="variable holding the robot's access_token, or its whole webhook URL"
    )
    secret_env: EnvName | None = Field(
        default=None, description="variable holding the signing secret (SEC...), if signed"
    )
    endpoint: str = Field(default=ENDPOINT, description="robot send URL (tests, proxies)")
    keyword: str | None = Field(
        default=None, description="a keyword the robot requires; added to titles lacking it"
    )
    locale: Locale | None = Field(
        default="zh-CN", description="language of messages sent here, unless the route says"
    )


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64 HMAC-SHA256 of "{timestamp}\\n{secret}", keyed by secret."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def markdown(message: Message, keyword: str | None = None) -> dict[str, Any]:
    """The robot's markdown body: a heading, the context, one paragraph per line, the link,
    and the `@` mentions (in the text and in `at`)."""
    title = message.title
    if keyword and keyword not in title:
        title = f"{keyword} {title}"
    parts = [f"#### {title}"]
    if message.context:
        parts.append(message.context)
    # DingTalk renders single newlines as spaces: paragraphs need a blank line between.
    parts.extend(f"- {line}" if not line.startswith("↳") else f"　{line}" for line in message.lines)
    if message.link:
        parts.append(f"[{message.link_label or message.link}]({message.link})")
    body: dict[str, Any] = {"msgtype": "markdown"}
    mentions = message.mentions
    if mentions is not None:
        # The robot only notifies an account listed in `at` whose `@handle` is also in the
        # markdown text; `isAtAll` needs no handle.
        handles = [*mentions.mobiles, *mentions.user_ids]
        if handles:
            parts.append(" ".join(f"@{handle}" for handle in handles))
        body["at"] = {
            "atMobiles": list(mentions.mobiles),
            "atUserIds": list(mentions.user_ids),
            "isAtAll": mentions.all,
        }
    body["markdown"] = {"title": title, "text": "\n\n".join(parts)}
    return body


class DingTalkNotifier:
    Config: ClassVar[type[NotifierConfig]] = DingTalkConfig

    def __init__(
        self,
        config: NotifierConfig,
        environ: Mapping[str, str],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(config, DingTalkConfig):
            raise TypeError(f"expected DingTalkConfig, found {type(config).__name__}")
        self.config = config
        self._environ = environ
        self._clock = clock

    def _url(self) -> str:
        name = self.config.name
        token = required_env(self._environ, self.config.access_token_env, "access token", name)
        if token.startswith(("http://", "https://")):
            # The whole webhook URL as DingTalk shows it: keep only its access_token.
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(token).query)
            token = (query.get("access_token") or [""])[0]
        params = {"access_token": token}
        if self.config.secret_env is not None:
            secret = required_env(self._environ, self.config.secret_env, "signing secret", name)
            now_ms = int(self._clock() * 1000)
            params |= {"timestamp": str(now_ms), "sign": sign(secret, now_ms)}
        return f"{self.config.endpoint}?{urllib.parse.urlencode(params)}"

    def send(self, message: Message) -> None:
        sink = f"dingtalk {self.config.name}"
        body = json.dumps(markdown(message, self.config.keyword), ensure_ascii=False).encode()
        request = urllib.request.Request(
            self._url(),
            data=body,
            headers={"Content-Type": "application/json;charset=utf-8"},
            method="POST",
        )
        try:
            # The robot URL comes from the operator's settings (https by default).
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # nosec B310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()  # it holds the response and its socket
            # HTTPError keeps the URL (with the token) in .filename: do not chain it.
            raise DeliveryError(f"{sink}: HTTP {exc.code}", retryable=exc.code >= 500) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise DeliveryError(f"{sink}: {reason}", retryable=True) from None
        try:
            answer = json.loads(raw)
            code = int(answer["errcode"])
        except (ValueError, KeyError, TypeError):
            raise DeliveryError(f"{sink}: unreadable answer", retryable=True) from None
        errmsg = self._scrub(str(answer.get("errmsg", "")))
        if code != 0:
            raise self._error(sink, code, errmsg)
        log.info("delivered sink=%s key=%s kind=%s", self.config.name, message.key, message.kind)

    def _scrub(self, text: str) -> str:
        """`text` without the access token or the signing secret (a gateway's error page
        may quote the request URL, which carries the token)."""
        for name in (self.config.access_token_env, self.config.secret_env):
            if name and (value := self._environ.get(name)):
                text = text.replace(value, "***")
        return text

    def _error(self, sink: str, code: int, errmsg: str) -> DeliveryError:
        said = f"{sink}: errcode {code} ({errmsg})"
        if code == 130101:
            # The limit is 20 a minute; DingTalk's docs add that a robot over it may be held
            # for up to 10 minutes, which the outbox's growing back-off absorbs.
            wait = 60 - math.fmod(self._clock(), 60) + 1
            return DeliveryError(f"{said}: sent too fast", retryable=True, retry_after=wait)
        if code == 90030:
            return DeliveryError(
                f"{said}: the robot's call quota is spent; not retried (dead-letter), "
                "route this alert through another sink",
                retryable=False,
            )
        if code == 310000:
            return DeliveryError(
                f"{said}: rejected by the robot's security settings (signature, keyword or "
                "IP allow-list); check secret_env and keyword; not retried",
                retryable=False,
            )
        return DeliveryError(said, retryable=code == -1)
