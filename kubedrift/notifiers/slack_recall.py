"""What of ours already reached a Slack channel: the dispatcher asks before it retries.

Every message kubedrift posts by bot token carries its key and event ids as message
metadata. The channel's history (`conversations.history`) holds top-level messages and
broadcast replies only, so the threads a retry would reply in are read as well
(`conversations.replies`): a reply that reached its thread before the worker died is then
not posted twice. Needs the `channels:history` scope (`groups:history` for private channels).
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from kubedrift.errors import DeliveryError
from kubedrift.model.threads import ChatThread

log = logging.getLogger(__name__)

METADATA_EVENT = "kubedrift_message"
_SKEW = timedelta(minutes=10)  # clocks of ours and Slack's may disagree a little
_PAGES = 20
# A reply's parent that is gone (deleted) or was never a message: no thread to read or post in.
THREAD_GONE = frozenset({"thread_not_found", "invalid_thread_ts"})

Recalled = tuple[frozenset[str], frozenset[str]]


def sent_since(
    client: WebClient,
    channel: str,
    since: datetime,
    threads: Iterable[ChatThread] = (),
    *,
    sink: str,
) -> Recalled | None:
    """(message keys, event ids) of our messages in `channel` and in `threads` since
    `since`; None when it cannot tell (no scope, an outage, more pages than we read)."""
    oldest = f"{(since - _SKEW).timestamp():.6f}"
    keys: set[str] = set()
    events: set[str] = set()
    try:
        pages: list[Callable[[str | None], Any]] = [
            lambda cursor: client.conversations_history(
                channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor
            )
        ]
        for thread in sorted(set(threads), key=lambda t: (t.channel, t.ts)):
            pages.append(_replies(client, thread, oldest))
        for read in pages:
            if not _read_all(read, keys, events):
                return None
    except (DeliveryError, SlackClientError, urllib.error.URLError, OSError) as exc:
        log.warning("cannot read the channel history of %s: %s", sink, type(exc).__name__)
        return None
    except http.client.HTTPException as exc:
        log.warning("cannot read the channel history of %s: %s", sink, exc)
        return None
    return frozenset(keys), frozenset(events)


def _replies(client: WebClient, thread: ChatThread, oldest: str) -> Callable[[str | None], Any]:
    def read(cursor: str | None) -> Any:
        try:
            return client.conversations_replies(
                channel=thread.channel,
                ts=thread.ts,
                oldest=oldest,
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
        except SlackApiError as exc:
            if str(exc.response.get("error")) in THREAD_GONE:
                return {"messages": []}
            raise

    return read


def _read_all(read: Callable[[str | None], Any], keys: set[str], events: set[str]) -> bool:
    """Every page of one listing into `keys` and `events`; False when there are more pages
    than we read (then nothing can be concluded)."""
    cursor: str | None = None
    for _ in range(_PAGES):
        response = read(cursor)
        for found in response.get("messages") or []:
            _take(found, keys, events)
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if cursor is None:
            return True
    return False


def _take(message: Mapping[str, Any], keys: set[str], events: set[str]) -> None:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") == METADATA_EVENT and "key" in payload:
        keys.add(str(payload["key"]))
        events.update(str(e) for e in payload.get("events") or ())
