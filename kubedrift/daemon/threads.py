"""Replies in threads: a finding's follow-ups go under the message that announced it.

When a message announcing findings (an opening, an expiring waiver, an escalation that had
no thread) is delivered by a notifier that can thread (`Threading`: Slack by bot token),
its place (channel, ts) is recorded per (sink, finding key) in the store. A later
escalation or resolution of such a finding is composed on its own and sent as a reply in
that thread (an escalation also broadcast to the channel). Many threads in one batch (a
fleet-wide resolution) are not answered one by one: those events stay grouped in the
channel. A thread that could not be recorded only means its follow-ups arrive as messages
of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import FindingKey
from kubedrift.model.threads import ChatThread
from kubedrift.notifiers.base import Message
from kubedrift.notifiers.render import DIGEST_AFTER

log = logging.getLogger(__name__)

OPENINGS = frozenset({EventType.DRIFT_OPENED, EventType.WAIVER_EXPIRING, EventType.DRIFT_ESCALATED})
FOLLOW_UPS = frozenset(
    {EventType.DRIFT_ESCALATED, EventType.DRIFT_RESOLVED, EventType.DRIFT_REMINDER}
)
# Follow-ups the channel should see too, not only the thread.
_BROADCAST = frozenset({EventType.DRIFT_ESCALATED, EventType.DRIFT_REMINDER})
# More threads than this in one batch: told in the channel, grouped, not as replies.
MAX_THREADS = DIGEST_AFTER


class ThreadBook(Protocol):
    """Where the opening message of each finding is kept, per sink (`Store`)."""

    def threads(self, sink: str, keys: Iterable[FindingKey]) -> dict[str, ChatThread]: ...
    def save_threads(
        self, sink: str, keys: Iterable[FindingKey], thread: ChatThread, now: datetime
    ) -> None: ...


def replies(book: ThreadBook, sink: str, events: Sequence[DriftEvent]) -> dict[str, ChatThread]:
    """The thread each follow-up event replies in, by event id."""
    follow_ups = [e for e in events if e.type in FOLLOW_UPS and e.finding is not None]
    if not follow_ups:
        return {}
    known = book.threads(sink, (e.finding for e in follow_ups if e.finding is not None))
    found = {e.id: known[str(e.finding)] for e in follow_ups if str(e.finding) in known}
    if len(set(found.values())) > MAX_THREADS:
        return {}
    return found


def as_replies(
    messages: Iterable[Message], thread: ChatThread, told: Iterable[DriftEvent]
) -> list[Message]:
    """`messages` (telling `told`) as replies in `thread`; an escalation or a reminder is
    broadcast to the channel too."""
    broadcast = any(e.type in _BROADCAST for e in told)
    return [m.model_copy(update={"reply_to": thread, "broadcast": broadcast}) for m in messages]


def remember(
    book: ThreadBook,
    sink: str,
    message: Message,
    thread: ChatThread,
    *,
    events: Mapping[str, DriftEvent],
    now: datetime,
) -> None:
    """Record `thread` as the opening message of the findings `message` announced."""
    if message.reply_to is not None:
        return
    keys = [
        event.finding
        for event_id in message.event_ids
        if (event := events.get(event_id)) is not None
        and event.type in OPENINGS
        and event.finding is not None
    ]
    if not keys:
        return
    try:
        book.save_threads(sink, keys, thread, now)
    except Exception:  # the message is out; without its thread, follow-ups are plain
        log.exception("cannot record the message's thread", extra={"sink": sink})
