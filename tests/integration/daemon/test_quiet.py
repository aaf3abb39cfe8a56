"""Quiet hours in the dispatcher, with the real store and the fake Slack: non-critical rows
are held through the night and sent when it ends; critical ones go at once."""

from __future__ import annotations

from datetime import UTC, datetime

from kubedrift.daemon.dispatch import Dispatcher
from kubedrift.model.findings import Severity
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.routing import Routes
from kubedrift.notifiers.slack import SlackConfig, SlackNotifier
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus, Store
from tests.integration.daemon.test_dispatch import Clock
from tests.integration.store.cycles import behind, cycle, inventory

SINK = "slack-ops"
# 23:30 in Shanghai; the night ends at 08:00 local, 00:00 UTC.
NIGHT = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
MORNING = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def drainer(
    store: Store, slack: SlackFakeServer, clock: Clock, quiet: dict[str, object]
) -> Dispatcher:
    config = SlackConfig(
        name=SINK, token_env="TOKEN", channel="#k8s-upgrades", base_url=f"{slack.url}/api/"
    )
    configs: dict[str, NotifierConfig] = {SINK: config}
    routes = Routes.model_validate({"default": {"sinks": [SINK], "quiet_hours": quiet}})
    return Dispatcher(
        store,
        {SINK: SlackNotifier(config, {"TOKEN": "xoxb-test"})},
        configs,
        routes,
        context=lambda clusters: NotifyContext(),
        clock=clock,
    )


def status(store: Store) -> dict[OutboxStatus, int]:
    return {s.status: s.count for s in store.outbox_stats()}


def open_drifts(store: Store, severities: dict[str, Severity]) -> None:
    findings = [behind(c, s) for c, s in severities.items()]
    cycle(store, findings, [inventory(c, NIGHT) for c in severities], NIGHT, sinks=(SINK,))


def test_the_night_holds_all_but_critical_and_the_morning_sends_the_rest(
    store: Store, slack: SlackFakeServer
) -> None:
    quiet = {"start": "22:00", "end": "08:00", "timezone": "Asia/Shanghai"}
    clock = Clock(NIGHT)
    drain = drainer(store, slack, clock, quiet)
    open_drifts(store, {"c0": Severity.HIGH, "c1": Severity.CRITICAL, "c2": Severity.LOW})

    night = drain.drain_sink(SINK)
    assert (night.claimed, night.held, night.delivered) == (3, 2, 1)
    (sent,) = slack.messages
    assert sent["text"].startswith("[CRITICAL]")
    assert status(store) == {OutboxStatus.HELD: 2, OutboxStatus.DELIVERED: 1}

    clock.advance(hours=8, minutes=29, seconds=59)  # 07:59:59 local
    assert drain.drain_sink(SINK).claimed == 0
    clock.now = MORNING
    morning = drain.drain_sink(SINK)
    assert (morning.claimed, morning.held, morning.delivered) == (2, 0, 2)
    assert len(slack.messages) == 3
    assert status(store) == {OutboxStatus.DELIVERED: 3}


def test_let_through_null_holds_even_critical(store: Store, slack: SlackFakeServer) -> None:
    quiet = {"start": "22:00", "end": "08:00", "timezone": "Asia/Shanghai", "let_through": None}
    clock = Clock(NIGHT)
    open_drifts(store, {"c1": Severity.CRITICAL})
    assert drainer(store, slack, clock, quiet).drain_sink(SINK).held == 1
    assert slack.messages == []


def test_outside_the_window_nothing_is_held(store: Store, slack: SlackFakeServer) -> None:
    quiet = {"start": "01:00", "end": "06:00", "timezone": "Asia/Shanghai"}
    open_drifts(store, {"c0": Severity.LOW})
    report = drainer(store, slack, Clock(NIGHT), quiet).drain_sink(SINK)
    assert (report.held, report.delivered) == (0, 1)
