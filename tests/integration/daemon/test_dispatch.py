"""The outbox dispatcher against a real store and the fake Slack, through the real notifier.

Each test saves one or two cycles' events with the store's own `reconcile` + `save_cycle`,
then drains with an injected clock: outages, 429s, dead letters, a crash between a send and
its record, and grouping of a cycle's rows into the messages `render` makes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from kubedrift.daemon.delivery import DispatchPolicy
from kubedrift.daemon.dispatch import Dispatcher
from kubedrift.daemon.notify import effective_routes
from kubedrift.notifiers.base import Notifier, NotifierConfig
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.slack import METADATA_EVENT, SlackConfig, SlackNotifier
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxItem, OutboxStatus, Store
from tests.integration.store.cycles import at, behind, cycle, inventory

SINK = "slack-ops"
TOKEN = "xoxb-test"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def bot(server: SlackFakeServer, name: str = SINK) -> SlackNotifier:
    config = SlackConfig(
        name=name,
        token_env="SLACK_BOT_TOKEN",
        channel="#k8s-upgrades",
        base_url=f"{server.url}/api/",
        timeout=2,
    )
    return SlackNotifier(config, {"SLACK_BOT_TOKEN": TOKEN})


def dispatcher(
    store: Any, notifier: Notifier, clock: Clock, policy: DispatchPolicy | None = None
) -> Dispatcher:
    configs: dict[str, NotifierConfig] = {SINK: notifier.config}  # type: ignore[attr-defined]
    return Dispatcher(
        store,
        {SINK: notifier},
        configs,
        effective_routes(None, configs.values()),
        context=lambda clusters: NotifyContext(),
        clock=clock,
        policy=policy,
    )


def save(store: Store, clusters: int, cycle_no: int = 0, also: int = 0) -> set[str]:
    """A cycle where clusters c{also}.. open a drift (c0.. stay as they were); event ids."""
    ids = [f"c{i}" for i in range(also + clusters)]
    now = at(cycle_no)
    result, _ = cycle(
        store, [behind(c) for c in ids], [inventory(c, now) for c in ids], now, sinks=(SINK,)
    )
    return {e.id for e in result.events}


def keys(server: SlackFakeServer) -> Counter[str]:
    """How many times each message key reached the channel."""
    found: Counter[str] = Counter()
    for body in server.messages:
        metadata = body.get("metadata") or {}
        assert metadata.get("event_type") == METADATA_EVENT
        found[metadata["event_payload"]["key"]] += 1
    return found


def status(store: Store) -> dict[OutboxStatus, int]:
    return {s.status: s.count for s in store.outbox_stats() if s.sink == SINK}


def test_an_outage_delays_the_messages_and_recovery_delivers_each_once(
    store: Store, slack: SlackFakeServer
) -> None:
    save(store, 3)
    clock = Clock(at(0))
    drain = dispatcher(store, bot(slack), clock)
    slack.faults.add(Fault(kind="server_error", times=None))

    first = drain.drain_sink(SINK)
    assert (first.claimed, first.retried, first.delivered) == (3, 3, 0)
    assert slack.messages == []
    assert drain.drain_sink(SINK).claimed == 0  # backing off: not due yet

    slack.faults.clear()
    clock.advance(seconds=31)
    second = drain.drain_sink(SINK)
    assert (second.claimed, second.delivered, second.messages) == (3, 3, 3)
    assert sorted(keys(slack).values()) == [1, 1, 1]
    clock.advance(hours=2)
    assert drain.drain_sink(SINK).claimed == 0
    assert status(store) == {OutboxStatus.DELIVERED: 3}


def test_a_429_is_waited_out_for_retry_after_and_holds_the_rest_of_the_batch(
    store: Store, slack: SlackFakeServer
) -> None:
    save(store, 3)
    clock = Clock(at(0))
    drain = dispatcher(store, bot(slack), clock)
    slack.faults.add(Fault(kind="throttle", retry_after=120, times=1))

    first = drain.drain_sink(SINK)
    assert (first.retried, first.messages) == (3, 1)  # one call, the other two held back
    clock.advance(seconds=119)
    assert drain.drain_sink(SINK).claimed == 0  # the base back-off (30 s) is not enough
    clock.advance(seconds=2)
    assert drain.drain_sink(SINK).delivered == 3
    assert sorted(keys(slack).values()) == [1, 1, 1]


def test_non_retryable_errors_dead_letter_at_once(
    store: Store, slack: SlackFakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    save(store, 2)
    drain = dispatcher(store, bot(slack), Clock(at(0)))
    slack.faults.add(Fault(kind="auth", times=None))
    with caplog.at_level(logging.ERROR, logger="kubedrift.daemon.dispatch"):
        report = drain.drain_sink(SINK)
    assert report.dead == 2
    assert status(store) == {OutboxStatus.DEAD: 2}
    assert sum("dead letter (not retryable)" in r.message for r in caplog.records) == 2


def test_a_sink_down_longer_than_dead_after_is_dead_lettered(
    store: Store, slack: SlackFakeServer
) -> None:
    save(store, 1)
    clock = Clock(at(0))
    policy = DispatchPolicy(base_delay=timedelta(minutes=10), dead_after=timedelta(hours=1))
    drain = dispatcher(store, bot(slack), clock, policy)
    slack.faults.add(Fault(kind="server_error", times=None))
    outcomes = []
    for _ in range(12):
        report = drain.drain_sink(SINK)
        outcomes += ["retried"] * report.retried + ["dead"] * report.dead
        clock.advance(minutes=10)
    # 10, 20, 40 minutes of back-off: attempts at 0, 10, 30 and 70 min; the last is dead.
    assert outcomes == ["retried", "retried", "retried", "dead"]
    assert status(store) == {OutboxStatus.DEAD: 1}


class CrashingStore:
    """The real store, except that recording a delivery after the first `records` "kills"
    the worker."""

    def __init__(self, store: Store, records: int = 0) -> None:
        self.store, self.records = store, records

    def claim_outbox(
        self, sink: str, now: datetime, limit: int = 50, *, lease: timedelta
    ) -> list[OutboxItem]:
        return self.store.claim_outbox(sink, now, limit, lease=lease)

    def mark_all_delivered(self, items: Sequence[OutboxItem], now: datetime) -> set[int]:
        # Row by row, so a test can kill the worker with a part of a batch recorded: what a
        # claim lost half-way through leaves as well.
        recorded: set[int] = set()
        for item in items:
            if self.records <= 0:
                raise SystemExit("killed between the send and its record")
            self.records -= 1
            recorded |= self.store.mark_all_delivered([item], now)
        return recorded

    def mark_failed(
        self, item: OutboxItem, now: datetime, *, error: str, retry_at: datetime | None
    ) -> bool:
        return self.store.mark_failed(item, now, error=error, retry_at=retry_at)


def test_a_worker_killed_after_sending_is_not_doubled_by_the_next(
    store: Store, slack: SlackFakeServer
) -> None:
    save(store, 2)
    clock = Clock(at(0))
    with pytest.raises(SystemExit):
        dispatcher(CrashingStore(store), bot(slack), clock).drain_sink(SINK)
    assert len(slack.messages) == 2  # both went out; neither was recorded

    drain = dispatcher(store, bot(slack), clock)
    assert drain.drain_sink(SINK).claimed == 0  # still leased to the dead worker
    clock.advance(minutes=5, seconds=1)
    report = drain.drain_sink(SINK)
    assert (report.claimed, report.recalled, report.messages, report.delivered) == (2, 2, 0, 2)
    assert sorted(keys(slack).values()) == [1, 1]


def test_a_cycles_rows_are_told_together_and_cycles_apart(
    store: Store, slack: SlackFakeServer
) -> None:
    first = save(store, 7)  # more than digest_after clusters: one digest
    second = save(store, 1, cycle_no=1, also=7)
    report = dispatcher(store, bot(slack), Clock(at(1))).drain_sink(SINK)
    assert (report.claimed, report.messages, report.delivered) == (8, 2, 8)
    digest, single = slack.messages
    assert "7 clusters" in digest["text"]
    assert "c7" in single["text"]
    assert first.isdisjoint(second)


def told(server: SlackFakeServer) -> Counter[str]:
    """How many times each event id reached the channel."""
    return Counter(
        e for body in server.messages for e in body["metadata"]["event_payload"]["events"]
    )


def test_a_worker_killed_halfway_through_recording_a_message_is_not_doubled(
    store: Store, slack: SlackFakeServer
) -> None:
    save(store, 1)  # c0 opens a drift
    now = at(1)
    # c0's control plane moves on: a version change and the resolution, one message.
    cycle(store, [], [inventory("c0", now, cp="1.30.1")], now, sinks=(SINK,))
    clock = Clock(now)
    with pytest.raises(SystemExit):  # two of the three rows recorded, then killed
        dispatcher(CrashingStore(store, records=2), bot(slack), clock).drain_sink(SINK)
    assert len(slack.messages) == 2

    clock.advance(minutes=5, seconds=1)
    report = dispatcher(store, bot(slack), clock).drain_sink(SINK)
    # The row left alone would make a message with another key: found by its event id.
    assert (report.claimed, report.recalled, report.messages) == (1, 1, 0)
    assert len(slack.messages) == 2 and set(told(slack).values()) == {1}
    assert status(store) == {OutboxStatus.DELIVERED: 3}
