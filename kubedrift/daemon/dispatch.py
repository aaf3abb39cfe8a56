"""Drains the outbox: claim a sink's due rows, render them together, send, record.

One drain of one sink claims its due rows (leased: no other worker takes them meanwhile),
groups them by the cycle that wrote them (`created_at`) and composes each group's events
together, so a cycle's grouping survives the outbox (one message per cluster or one digest,
as `notifiers.render` decides), then sends each message and records every row's outcome
(delivered, retried with back-off, dead: `daemon/delivery.py`). Before sending, a row is
held when every route giving its event to the sink is in its quiet hours
(`notifiers/quiet.py`): it waits, not counted as an attempt, until the window ends.

At least once, not twice: a worker killed between a send and its record leaves the row
claimed until the lease ends; the next claim then sees `attempts > 1`. A message's key is
the same on every attempt (kind, locale and event ids; the group is the cycle's rows), so
a notifier that can look back (`Recalling`: Slack by bot token reads the channel's
history for the key and event ids it attaches as message metadata) skips what already
arrived, by event id (a part of a message's rows may have been recorded before the crash:
the rest then groups into a message with another key) or by key. A sink
that cannot look back (webhooks, DingTalk) gets the message again in that narrow window.
Thread replies (`daemon/threads.py`) are not in a channel's history unless broadcast, so the
recall also reads the threads a retried batch would reply in.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from kubedrift.daemon.delivery import DispatchPolicy, OutboxStore, Outcome, record_all, send
from kubedrift.daemon.threads import ThreadBook, as_replies, remember, replies
from kubedrift.model.events import DriftEvent
from kubedrift.model.threads import ChatThread
from kubedrift.notifiers.base import Message, Notifier, NotifierConfig, Threading
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.quiet import held_until
from kubedrift.notifiers.render import render
from kubedrift.notifiers.routing import Routes, compose, deliveries
from kubedrift.store.records import OutboxItem

log = logging.getLogger(__name__)


@runtime_checkable
class Recalling(Protocol):
    """A notifier that can tell which messages reached its chat since a moment."""

    def sent_since(
        self, since: datetime, threads: Iterable[ChatThread] = ()
    ) -> tuple[frozenset[str], frozenset[str]] | None:
        """(message keys, event ids) delivered since `since`, in the channel and in
        `threads` (replies are not in a channel's history); None when it cannot tell."""


@dataclass(frozen=True)
class DrainReport:
    """What one drain of one sink did, in rows."""

    sink: str
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0  # claims that ran out and were taken over before being recorded
    messages: int = 0
    recalled: int = 0  # rows or messages found already delivered and not sent again
    held: int = 0  # rows put back until their routes' quiet hours end


class Dispatcher:
    """Drains the outbox for the configured sinks; see the module docstring."""

    def __init__(
        self,
        store: OutboxStore,
        notifiers: Mapping[str, Notifier],
        configs: Mapping[str, NotifierConfig],
        routes: Routes,
        *,
        context: Callable[[Iterable[str]], NotifyContext],
        clock: Callable[[], datetime],
        policy: DispatchPolicy | None = None,
        is_leader: Callable[[], bool] = lambda: True,
        threads: ThreadBook | None = None,
    ) -> None:
        self.store, self.notifiers, self.configs = store, notifiers, configs
        self.routes, self.context, self.clock = routes, context, clock
        self.policy = policy or DispatchPolicy()
        self.is_leader = is_leader
        self.threads = threads

    def drain(self) -> list[DrainReport]:
        """One pass over every sink (leader only)."""
        if not self.is_leader():
            return []
        return [self.drain_sink(sink) for sink in sorted(self.notifiers)]

    def drain_sink(self, sink: str) -> DrainReport:
        now = self.clock()
        items = self.store.claim_outbox(sink, now, self.policy.batch, lease=self.policy.lease)
        report = DrainReport(sink, claimed=len(items))
        items, held = self._hold_quiet(sink, items, now)
        by_cycle: dict[datetime, list[OutboxItem]] = defaultdict(list)
        for item in items:
            by_cycle[item.created_at].append(item)
        for created in sorted(by_cycle):
            report = self._batch(sink, by_cycle[created], report)
        report = replace(report, held=held)
        if items:
            log.info(
                "outbox drained for %s: %d delivered, %d retried, %d dead",
                sink,
                report.delivered,
                report.retried,
                report.dead,
                extra={"sink": sink, "messages": report.messages, "lost": report.lost},
            )
        return report

    def _hold_quiet(
        self, sink: str, items: list[OutboxItem], now: datetime
    ) -> tuple[list[OutboxItem], int]:
        """The rows to send now; the rest (all their routes to `sink` in quiet hours) are
        put back until the window ends. Returns (ready, held)."""
        if not items or not any(d.quiet_hours for d in self.routes.named().values()):
            return items, 0
        context = self.context(item.event.cluster for item in items if item.event.cluster)
        ready: list[OutboxItem] = []
        held = 0
        for item in items:
            taking = [d for d in deliveries(item.event, context, self.routes) if sink in d.sinks]
            until = held_until(item.event, taking, now)
            if until is None:
                ready.append(item)
            elif self.store.hold_outbox(item, until):
                held += 1
        if held:
            log.info("held for quiet hours: %d", held, extra={"sink": sink})
        return ready, held

    def messages(self, sink: str, items: Sequence[OutboxItem]) -> list[Message]:
        """The messages telling `items` (one cycle's rows of `sink`), grouped as routed;
        follow-ups of a finding whose opening message is known reply in its thread."""
        events = [item.event for item in items]
        context = self.context(e.cluster for e in events if e.cluster)
        threaded = (
            replies(self.threads, sink, events)
            if self.threads is not None and isinstance(self.notifiers.get(sink), Threading)
            else {}
        )
        routed = self._compose(sink, [e for e in events if e.id not in threaded], context)
        by_thread: dict[ChatThread, list[DriftEvent]] = defaultdict(list)
        for event in events:
            if event.id in threaded:
                by_thread[threaded[event.id]].append(event)
        for thread, told in by_thread.items():
            routed += as_replies(self._compose(sink, told, context), thread, told)
        return routed

    def _compose(
        self, sink: str, events: Sequence[DriftEvent], context: NotifyContext
    ) -> list[Message]:
        routed = [
            o.message for o in compose(events, context, self.routes, self.configs) if o.sink == sink
        ]
        told = {event_id for message in routed for event_id in message.event_ids}
        # A row the routes no longer give this sink (settings or owners changed since the
        # cycle) is still told, in the sink's own locale: the outbox never drops a row.
        left = [event for event in events if event.id not in told]
        if left:
            config = self.configs.get(sink)
            locale = config.default_locale if config else "en"
            routed.extend(render(left, context, locale))
        return routed

    def _batch(self, sink: str, items: list[OutboxItem], report: DrainReport) -> DrainReport:
        notifier = self.notifiers[sink]
        keys: frozenset[str] = frozenset()
        told: frozenset[str] = frozenset()
        if any(item.attempts > 1 for item in items) and isinstance(notifier, Recalling):
            # A retry: an earlier attempt may have reached the chat before its worker died
            # (or its answer timed out). Ask before sending again: by event id, since a
            # part of the rows may have been recorded before the crash and the rest now
            # group into messages with other keys; by key for messages too big to list ids.
            recalled = notifier.sent_since(
                min(item.created_at for item in items), self._threads_of(sink, items)
            )
            keys, told = recalled or (frozenset(), frozenset())
        outcomes: dict[str, Outcome] = {}
        by_id = {item.event.id: item.event for item in items}
        by_event: dict[str, list[Outcome]] = defaultdict(list)
        for item in items:
            if item.event.id in told:
                by_event[item.event.id].append(Outcome())
        messages = self.messages(sink, [i for i in items if i.event.id not in told])
        held: Outcome | None = None
        sent, found = 0, len(by_event)
        for message in messages:
            if message.key in keys:
                outcomes[message.key] = Outcome()
                found += 1
                continue
            if held is not None or not self.is_leader():
                # The sink asked us to wait (or we lost leadership): the rest waits too.
                outcomes[message.key] = held or Outcome("leadership lost", retryable=True)
                continue
            outcome, thread = send(notifier, sink, message)
            outcomes[message.key] = outcome
            sent += 1
            if outcome.error is None and thread is not None and self.threads is not None:
                remember(self.threads, sink, message, thread, events=by_id, now=self.clock())
            if outcome.error is not None and outcome.retry_after is not None:
                held = outcome
        if found:
            log.info("already delivered, not sent again: %d", found, extra={"sink": sink})
        for message in messages:
            for event_id in message.event_ids:
                by_event[event_id].append(outcomes[message.key])
        of_items = [(item, by_event.get(item.event.id, [])) for item in items]
        counts = record_all(self.store, self.policy, of_items, self.clock())
        return DrainReport(
            sink,
            claimed=report.claimed,
            delivered=report.delivered + counts["delivered"],
            retried=report.retried + counts["retried"],
            dead=report.dead + counts["dead"],
            lost=report.lost + counts["lost"],
            messages=report.messages + sent,
            recalled=report.recalled + found,
        )

    def _threads_of(self, sink: str, items: Sequence[OutboxItem]) -> frozenset[ChatThread]:
        """The threads `items` would reply in: where an earlier attempt may have replied."""
        if self.threads is None or not isinstance(self.notifiers.get(sink), Threading):
            return frozenset()
        return frozenset(replies(self.threads, sink, [item.event for item in items]).values())
