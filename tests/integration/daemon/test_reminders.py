"""Reminders end to end with an injected clock: the job saves due reminders into the real
store, the dispatcher sends them to the fake Slack (in the opening message's thread, also
shown in the channel); a repeated pass, a restarted job or a second replica adds nothing."""

from __future__ import annotations

from datetime import timedelta

from kubedrift.daemon.dispatch import Dispatcher
from kubedrift.daemon.reminders import ReminderJob
from kubedrift.model.findings import Severity
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.routing import Routes
from kubedrift.notifiers.slack import SlackConfig, SlackNotifier
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus, Store
from tests.integration.daemon.test_dispatch import Clock
from tests.integration.store.cycles import at, behind, cycle, inventory

SINK = "slack-ops"
ROUTES = Routes.model_validate({"default": {"sinks": [SINK], "repeat_interval": "4h"}})


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def parts(
    store: Store, slack: SlackFakeServer, clock: Clock, ticks: Ticks
) -> tuple[ReminderJob, Dispatcher]:
    config = SlackConfig(
        name=SINK, token_env="TOKEN", channel="#k8s-upgrades", base_url=f"{slack.url}/api/"
    )
    configs: dict[str, NotifierConfig] = {SINK: config}

    def context(clusters: object) -> NotifyContext:
        return NotifyContext()

    job = ReminderJob(store, ROUTES, context, clock, monotonic=ticks)
    drain = Dispatcher(
        store,
        {SINK: SlackNotifier(config, {"TOKEN": "xoxb-test"})},
        configs,
        ROUTES,
        context=context,
        clock=clock,
        threads=store,
    )
    return job, drain


def test_what_stays_open_is_reminded_once_per_interval_in_its_thread(
    store: Store, slack: SlackFakeServer
) -> None:
    clock = Clock(at(0))
    ticks = Ticks()
    job, drain = parts(store, slack, clock, ticks)
    drifts = {"c0": Severity.HIGH, "c1": Severity.MEDIUM}  # c1 is below high: no reminders
    cycle(
        store,
        [behind(c, s) for c, s in drifts.items()],
        [inventory(c, at(0)) for c in drifts],
        at(0),
        sinks=(SINK,),
    )
    assert job.run() == 0  # nothing due yet
    drain.drain_sink(SINK)
    (opening,) = [ts for _, ts, body in slack.history if "c0" in body["text"]]

    clock.advance(hours=4)
    ticks.now += 60
    assert job.run() == 1
    report = drain.drain_sink(SINK)
    assert (report.delivered, report.messages) == (1, 1)
    reminder = slack.messages[-1]
    assert reminder["text"].startswith("[HIGH] tke/ap-shanghai/c0: 1 still open")
    assert (reminder["thread_ts"], reminder["reply_broadcast"]) == (opening, True)

    # The same moment again: a later pass, a restarted daemon, a second replica.
    ticks.now += 60
    assert job.run() == 0
    restarted, _ = parts(store, slack, clock, Ticks())
    assert restarted.run() == 0
    assert drain.drain_sink(SINK).claimed == 0
    assert len(slack.messages) == 3

    clock.advance(hours=3, minutes=59)
    ticks.now += 60
    assert job.run() == 0
    clock.advance(minutes=1)
    ticks.now += 60
    assert job.run() == 1
    assert drain.drain_sink(SINK).delivered == 1
    stats = {s.status: s.count for s in store.outbox_stats()}
    assert stats == {OutboxStatus.DELIVERED: 4}


def test_a_pass_runs_at_most_once_a_period(store: Store, slack: SlackFakeServer) -> None:
    clock = Clock(at(0))
    ticks = Ticks()
    job, _ = parts(store, slack, clock, ticks)
    now = at(0)
    cycle(store, [behind("c0", Severity.CRITICAL)], [inventory("c0", now)], now, sinks=(SINK,))
    assert job.run() == 0
    clock.advance(hours=4)
    ticks.now += 59
    assert job.run() == 0  # too soon after the last pass: not even looked at
    ticks.now += 1
    assert job.run() == 1


def test_no_reminder_after_the_finding_resolved(store: Store, slack: SlackFakeServer) -> None:
    clock = Clock(at(0))
    ticks = Ticks()
    job, _ = parts(store, slack, clock, ticks)
    cycle(store, [behind("c0", Severity.HIGH)], [inventory("c0", at(0))], at(0), sinks=(SINK,))
    cycle(store, [], [inventory("c0", at(1))], at(1), sinks=(SINK,))  # resolved
    clock.now = at(0) + timedelta(hours=5)
    assert job.run() == 0
