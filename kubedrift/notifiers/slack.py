"""Slack: Block Kit messages (`slack_blocks`) through slack-sdk, by bot token
(`chat.postMessage`) or incoming webhook.

In bot-token mode a message's follow-ups (its finding's escalation or resolution, when the
dispatcher knows the opening message's thread) reply in that thread (`thread_ts`; an
escalation also in the channel, `reply_broadcast`). An incoming webhook cannot thread: its
follow-ups are plain messages.

No slack-sdk retry handler is installed, not even its default connection-error one: the
outbox owns retries, so a 429 becomes `DeliveryError(retryable=True, retry_after=...)` from
its `Retry-After`, and a send is attempted exactly as often as the outbox records.
Secrets (the bot token, the webhook URL, which is itself a secret) come from environment
variables the config names. slack-sdk's own logger would print the webhook URL at DEBUG and
an unreadable answer's raw body at ERROR (a proxy's error page may quote the request, the
token included), so it is handed a logger that is silent: the `DeliveryError` says what
failed, scrubbed.
"""

from __future__ import annotations

import http.client
import logging
import math
import urllib.error
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from kubedrift.env_names import EnvName
from kubedrift.errors import DeliveryError
from kubedrift.model.threads import ChatThread
from kubedrift.notifiers.base import Message, NotifierConfig, required_env
from kubedrift.notifiers.slack_blocks import SECTION_LIMIT, blocks
from kubedrift.notifiers.slack_recall import METADATA_EVENT, THREAD_GONE, sent_since

log = logging.getLogger(__name__)
_sdk_log = logging.getLogger("kubedrift.notifiers.slack.sdk")
_sdk_log.setLevel(logging.CRITICAL + 1)

# Slack's documented transient errors; anything else (invalid_auth, channel_not_found,
# not_in_channel, invalid_blocks...) is fixed by a person, not by trying again.
_TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}
_TRANSIENT |= {"request_timeout"}
# Message metadata (`slack_recall.METADATA_EVENT`) names up to this many event ids, so the
# outbox can find out after a crash whether a message reached Slack; bot-token mode only.
_METADATA_EVENTS = 50


class SlackConfig(NotifierConfig):
    type: Literal["slack"] = "slack"
    token_env: EnvName | None = Field(default=None, description="variable holding the bot token")
    channel: str | None = Field(default=None, description="channel id or #name (token mode)")
    webhook_url_env: EnvName | None = Field(
        default=None, description="variable holding an incoming-webhook URL (webhook mode)"
    )
    base_url: str | None = Field(
        default=None, description="Web API base URL (default https://slack.com/api/)"
    )

    @model_validator(mode="after")
    def _one_mode(self) -> SlackConfig:
        if (self.token_env is None) == (self.webhook_url_env is None):
            raise ValueError("expected exactly one of token_env (with channel) and webhook_url_env")
        if self.token_env is not None and not self.channel:
            raise ValueError("token_env needs a channel")
        return self


def _payload(message: Message) -> dict[str, Any]:
    """The message's key, and its event ids while they are few (metadata stays small)."""
    payload: dict[str, Any] = {"key": message.key}
    if len(message.event_ids) <= _METADATA_EVENTS:
        payload["events"] = list(message.event_ids)
    return payload


def _error_of(exc: SlackApiError) -> str:
    data = exc.response.data
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


def _api_failure(sink: str, exc: SlackApiError) -> DeliveryError:
    """A Web API error answer as a `DeliveryError`, retryable when Slack says it may pass."""
    status = exc.response.status_code
    error = _error_of(exc)
    # slack-sdk reports a body it could not parse (a proxy's HTML page) as an error
    # string: a gateway's hiccup, worth another try.
    unreadable = error.startswith("Received a response in a non-JSON format")
    retryable = status == 429 or status >= 500 or error in _TRANSIENT or unreadable
    after = _retry_after(exc.response.headers) if retryable else None
    said = "unreadable answer" if unreadable else error
    return DeliveryError(
        f"{sink}: HTTP {status} {said}".rstrip(), retryable=retryable, retry_after=after
    )


class SlackNotifier:
    Config: ClassVar[type[NotifierConfig]] = SlackConfig

    def __init__(self, config: NotifierConfig, environ: Mapping[str, str]) -> None:
        if not isinstance(config, SlackConfig):
            raise TypeError(f"expected SlackConfig, found {type(config).__name__}")
        self.config = config
        self._environ = environ
        self._timeout = math.ceil(config.timeout)

    def send(self, message: Message) -> None:
        self.post(message)

    def post(self, message: Message) -> ChatThread | None:
        """Deliver; the thread follow-ups reply in (bot-token mode only: a webhook answers
        "ok" and nothing else, so it cannot thread; its follow-ups are plain messages)."""
        sink = f"slack {self.config.name}"
        thread: ChatThread | None = None
        try:
            if self.config.webhook_url_env is not None:
                self._webhook(sink, message)
            else:
                thread = self._post(sink, message)
        except DeliveryError:
            raise
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            # Not chained: a urllib error can carry the request URL (a webhook's secret).
            raise DeliveryError(f"{sink}: {reason}", retryable=True) from None
        log.info("delivered sink=%s key=%s kind=%s", self.config.name, message.key, message.kind)
        return thread

    def _client(self) -> WebClient:
        assert self.config.token_env is not None
        token = required_env(self._environ, self.config.token_env, "bot token", self.config.name)
        return WebClient(
            token=token,
            base_url=self.config.base_url or WebClient.BASE_URL,
            timeout=self._timeout,
            logger=_sdk_log,
            retry_handlers=[],
        )

    def _post(self, sink: str, message: Message) -> ChatThread:
        assert self.config.channel is not None
        reply = message.reply_to
        threading: dict[str, Any] = {}
        if reply is not None:
            threading = {"thread_ts": reply.ts, "reply_broadcast": message.broadcast}
        client = self._client()
        try:
            response = client.chat_postMessage(
                # A reply goes where its thread is, even if `channel` changed since.
                channel=reply.channel if reply is not None else self.config.channel,
                text=message.text()[:SECTION_LIMIT],
                blocks=blocks(message),
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_EVENT, "event_payload": _payload(message)},
                **threading,
            )
        except SlackApiError as exc:
            error = _error_of(exc)
            if reply is not None and error in THREAD_GONE:
                # The opening message was deleted (or its channel archived and restored):
                # the follow-up still has to be told, as a message of its own.
                log.warning(
                    "thread gone, posting in the channel",
                    extra={"sink": self.config.name, "error": error},
                )
                plain = message.model_copy(update={"reply_to": None, "broadcast": False})
                return self._post(sink, plain)
            raise _api_failure(sink, exc) from None
        except SlackClientError as exc:
            raise DeliveryError(f"{sink}: {type(exc).__name__}", retryable=False) from None
        if reply is not None:
            return reply  # threads are one level deep: later replies go to the same parent
        return ChatThread(channel=str(response["channel"]), ts=str(response["ts"]))

    def sent_since(
        self, since: datetime, threads: Iterable[ChatThread] = ()
    ) -> tuple[frozenset[str], frozenset[str]] | None:
        """(message keys, event ids) of our messages in the channel and in `threads` since
        `since` (`slack_recall`); None when it cannot tell."""
        if self.config.token_env is None or self.config.channel is None:
            return None  # an incoming webhook cannot read anything back
        try:
            client = self._client()
        except DeliveryError:
            return None
        return sent_since(client, self.config.channel, since, threads, sink=self.config.name)

    def _webhook(self, sink: str, message: Message) -> None:
        assert self.config.webhook_url_env is not None
        url = required_env(
            self._environ, self.config.webhook_url_env, "webhook URL", self.config.name
        )
        client = WebhookClient(url, timeout=self._timeout, logger=_sdk_log, retry_handlers=[])
        response = client.send(
            text=message.text()[:SECTION_LIMIT],
            blocks=blocks(message),
            unfurl_links=False,
            unfurl_media=False,
        )
        if response.status_code == 200:
            return
        # Webhooks answer a short error string (invalid_payload, no_service, ...).
        said = (response.body or "").strip()[:100] or "no body"
        status = response.status_code
        retryable = status == 429 or status >= 500
        raise DeliveryError(
            f"{sink}: HTTP {status} {said}",
            retryable=retryable,
            retry_after=_retry_after(response.headers) if retryable else None,
        )


def upload_file(
    *,
    sink: str,
    token: str,
    channel: str,
    filename: str,
    content: bytes,
    title: str,
    comment: str,
    timeout: float,
    base_url: str | None = None,
) -> None:
    """Share a file in `channel` with `comment` through `files_upload_v2` (the weekly report).

    slack-sdk runs the three steps: files.getUploadURLExternal, a POST of the bytes to the
    URL it returns, files.completeUploadExternal. Failures raise `DeliveryError` like `send`.
    """
    client = WebClient(
        token=token,
        base_url=base_url or WebClient.BASE_URL,
        timeout=math.ceil(timeout),
        logger=_sdk_log,
        retry_handlers=[],
    )
    try:
        client.files_upload_v2(
            channel=channel,
            filename=filename,
            content=content,
            title=title,
            initial_comment=comment,
        )
    except SlackApiError as exc:
        raise _api_failure(sink, exc) from None
    except SlackClientError as exc:
        raise DeliveryError(f"{sink}: {type(exc).__name__}", retryable=False) from None
    except urllib.error.HTTPError as exc:
        # The upload step (a POST to the URL Slack gave) answered an error status.
        exc.close()
        retryable = exc.code == 429 or exc.code >= 500
        raise DeliveryError(f"{sink}: upload HTTP {exc.code}", retryable=retryable) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise DeliveryError(f"{sink}: {reason}", retryable=True) from None
