"""Follow-ups in threads: the dispatcher with the real store, the real Slack notifier and
the fake Slack, which checks every `thread_ts` names a top-level message of the channel."""

from __future__ import annotations

from kubedrift.daemon.dispatch import Dispatcher
from kubedrift.daemon.notify import effective_routes
from kubedrift.daemon.threads import MAX_THREADS
from kubedrift.model.findings import Severity
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.slack import SlackConfig, SlackNotifier
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import Store
from tests.integration.daemon.test_dispatch import Clock
from tests.integration.store.cycles import at, behind, cycle, inventory

SINK = "slack-ops"


def drainer(
    store: Store, slack: SlackFakeServer, clock: Clock, *, webhook: bool = False
) -> Dispatcher:
    if webhook:
        config = SlackConfig(name=SINK, webhook_url_env="HOOK", timeout=2)
        environ = {"HOOK": f"{slack.url}/services/T0001/B0001/sim"}
    else:
        config = SlackConfig(
            name=SINK, token_env="TOKEN", channel="#k8s-upgrades", base_url=f"{slack.url}/api/"
        )
        environ = {"TOKEN": "xoxb-test"}
    configs: dict[str, NotifierConfig] = {SINK: config}
    return Dispatcher(
        store,
        {SINK: SlackNotifier(config, environ)},
        configs,
        effective_routes(None, configs.values()),
        context=lambda clusters: NotifyContext(),
        clock=clock,
        threads=store,
    )


def run(store: Store, clusters: dict[str, Severity | None], n: int) -> None:
    """Cycle `n`: each cluster collected, drifting at that severity (None: not drifting)."""
    now = at(n)
    findings = [behind(c, s) for c, s in clusters.items() if s is not None]
    cycle(store, findings, [inventory(c, now) for c in clusters], now, sinks=(SINK,))


def top_level(slack: SlackFakeServer) -> list[str]:
    return [ts for _, ts, body in slack.history if "thread_ts" not in body]


def test_resolution_and_escalation_reply_in_the_opening_thread(
    store: Store, slack: SlackFakeServer
) -> None:
    clock = Clock(at(0))
    drain = drainer(store, slack, clock)
    run(store, {"c0": Severity.MEDIUM, "c1": Severity.MEDIUM}, 0)
    assert drain.drain_sink(SINK).delivered == 2
    opening = {body["text"].split(":")[0]: ts for _, ts, body in slack.history}
    assert len(opening) == 2

    clock.now = at(1)
    run(store, {"c0": Severity.HIGH, "c1": None}, 1)  # c0 escalates, c1 resolves
    report = drain.drain_sink(SINK)
    assert (report.delivered, report.messages) == (2, 2)
    replies = {body["thread_ts"]: body for body in slack.messages[2:]}
    c0 = next(ts for title, ts in opening.items() if "c0" in title)
    c1 = next(ts for title, ts in opening.items() if "c1" in title)
    assert set(replies) == {c0, c1}
    assert "escalated" in replies[c0]["text"] and replies[c0]["reply_broadcast"] is True
    assert "resolved" in replies[c1]["text"] and replies[c1]["reply_broadcast"] is False
    assert top_level(slack) == [c0, c1] or top_level(slack) == [c1, c0]

    clock.now = at(2)
    run(store, {"c0": None, "c1": None}, 2)  # c0 resolves after its escalation
    drain.drain_sink(SINK)
    assert slack.messages[-1]["thread_ts"] == c0


def test_a_fleet_wide_resolution_is_one_digest_not_a_reply_each(
    store: Store, slack: SlackFakeServer
) -> None:
    clusters = [f"c{i}" for i in range(MAX_THREADS + 1)]
    clock = Clock(at(0))
    drain = drainer(store, slack, clock)
    for i in range(len(clusters)):  # one more cluster drifts each cycle: a message each
        run(store, dict.fromkeys(clusters[: i + 1], Severity.MEDIUM), i)
        clock.now = at(i)
        drain.drain_sink(SINK)
    assert len(top_level(slack)) == len(clusters)
    clock.now = at(len(clusters))
    run(store, dict.fromkeys(clusters), len(clusters))
    report = drain.drain_sink(SINK)
    assert report.messages == 1
    assert "thread_ts" not in slack.messages[-1]
    assert f"{len(clusters)} clusters" in slack.messages[-1]["text"]


def test_webhook_mode_follow_ups_are_plain_messages(store: Store, slack: SlackFakeServer) -> None:
    clock = Clock(at(0))
    drain = drainer(store, slack, clock, webhook=True)
    run(store, {"c0": Severity.MEDIUM}, 0)
    drain.drain_sink(SINK)
    clock.now = at(1)
    run(store, {"c0": None}, 1)
    assert drain.drain_sink(SINK).delivered == 1
    assert store.threads(SINK, [behind("c0").key]) == {}
    assert [("thread_ts" in body) for body in slack.messages] == [False, False]
