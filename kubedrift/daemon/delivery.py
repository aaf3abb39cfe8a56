"""One delivery attempt and how it is recorded: `send` turns a notifier's answer into an
`Outcome`; `record_all` turns the outcomes of the messages telling each outbox row's event
into the row's new state (the delivered rows of a batch in one transaction):

- delivered: every message telling the row's event went out;
- retried at `now + backoff(attempts)`, doubling from `base_delay` up to `max_delay`, and
  never sooner than the sink's `retry_after` (a 429's `Retry-After`, DingTalk's minute);
- dead: a non-retryable error (bad token, channel gone, DingTalk quota spent), or still
  failing `dead_after` after the row was written. Dead rows stay for a human; metrics
  count them from `Store.outbox_stats()`;
- lost: the row's claim ran out and another worker took it over before this one recorded.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kubedrift.errors import DeliveryError
from kubedrift.model.threads import ChatThread
from kubedrift.notifiers.base import Message, Notifier, Threading
from kubedrift.store.records import OutboxItem

log = logging.getLogger(__name__)


class OutboxStore(Protocol):
    """What the dispatcher needs from `kubedrift.store.Store`."""

    def claim_outbox(
        self, sink: str, now: datetime, limit: int = 50, *, lease: timedelta = ...
    ) -> list[OutboxItem]: ...
    def mark_all_delivered(self, items: Sequence[OutboxItem], now: datetime) -> set[int]: ...
    def mark_failed(
        self, item: OutboxItem, now: datetime, *, error: str, retry_at: datetime | None
    ) -> bool: ...
    def hold_outbox(self, item: OutboxItem, until: datetime) -> bool: ...


@dataclass(frozen=True)
class DispatchPolicy:
    """Back-off, dead-lettering and claim sizes (`dispatch:` in the settings)."""

    batch: int = 500
    lease: timedelta = timedelta(minutes=5)
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    dead_after: timedelta = timedelta(hours=24)

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """The wait after the `attempts`-th failed attempt."""
        doubled: timedelta = self.base_delay * (2 ** min(max(attempts - 1, 0), 30))
        delay = min(self.max_delay, doubled)
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        return delay


@dataclass(frozen=True)
class Outcome:
    """How one message went: `error` None when delivered (or found already delivered)."""

    error: str | None = None
    retryable: bool = True
    retry_after: float | None = None


def record_all(
    store: OutboxStore,
    policy: DispatchPolicy,
    outcomes: Sequence[tuple[OutboxItem, list[Outcome]]],
    now: datetime,
) -> Counter[str]:
    """Record each row's outcome from those of the messages telling its event; how many rows
    were "delivered", "retried", "dead", or "lost" (the claim ran out and another worker took
    the row over). The delivered rows are recorded together, in one transaction."""
    counts: Counter[str] = Counter()
    delivered = [item for item, of_item in outcomes if all(o.error is None for o in of_item)]
    if delivered:
        recorded = store.mark_all_delivered(delivered, now)
        for item in delivered:
            counts["delivered" if item.id in recorded else _lost(item)] += 1
    for item, of_item in outcomes:
        failed = [o for o in of_item if o.error is not None]
        if failed:
            counts[_record_failure(store, policy, item, failed, now)] += 1
    return counts


def _record_failure(
    store: OutboxStore,
    policy: DispatchPolicy,
    item: OutboxItem,
    failed: list[Outcome],
    now: datetime,
) -> str:
    """ "retried" or "dead" as `failed` (the failed messages telling the row) say; "lost"."""
    fields = {"sink": item.sink, "event_id": item.event.id, "attempts": item.attempts}
    error = "; ".join(dict.fromkeys(o.error or "" for o in failed))
    age = now - item.created_at
    if any(not o.retryable for o in failed) or age >= policy.dead_after:
        why = "not retryable" if any(not o.retryable for o in failed) else f"after {age}"
        if not store.mark_failed(item, now, error=error, retry_at=None):
            return _lost(item)
        log.error("dead letter (%s): %s", why, error, extra=fields)
        return "dead"
    after = max((o.retry_after or 0.0 for o in failed), default=0.0) or None
    retry_at = now + policy.backoff(item.attempts, after)
    if not store.mark_failed(item, now, error=error, retry_at=retry_at):
        return _lost(item)
    log.warning("delivery failed, retry at %s: %s", retry_at.isoformat(), error, extra=fields)
    return "retried"


def send(notifier: Notifier, sink: str, message: Message) -> tuple[Outcome, ChatThread | None]:
    """Send one message; its outcome, and the thread it opened when the notifier threads."""
    thread: ChatThread | None = None
    try:
        if isinstance(notifier, Threading):
            thread = notifier.post(message)
        else:
            notifier.send(message)
    except DeliveryError as exc:
        return Outcome(str(exc), retryable=exc.retryable, retry_after=exc.retry_after), None
    except Exception as exc:  # the per-delivery boundary: one bad sink stops nothing else
        log.exception("notifier raised", extra={"sink": sink, "key": message.key})
        return Outcome(f"{type(exc).__name__}: {exc}", retryable=True), None
    return Outcome(), thread


def _lost(item: OutboxItem) -> str:
    log.warning(
        "outbox claim lost (lease ran out, another worker took the row over)",
        extra={"sink": item.sink, "event_id": item.event.id},
    )
    return "lost"
