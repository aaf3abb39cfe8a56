"""An hour-long chat outage in fake time: the daemon (built from its settings, clock
injected) scans the simulated fleet every 10 minutes while the fake Slack and DingTalk answer
5xx, then throttle; when they recover, every event is told once, in order per cluster, and
rows older than `dispatch.dead_after` are dead letters instead of late messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubedrift.daemon.app import Daemon
from kubedrift.settings import load_settings
from kubedrift.sim.daemon_setup import (
    PLAN,
    TOKEN,
    TOKEN_ENV,
    received,
    toggled_gpu_pool,
)
from kubedrift.sim.dingtalk import DingTalkFakeServer
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus

pytestmark = pytest.mark.slow

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ROBOT_ENV, ROBOT, SECRET_ENV, SECRET = "DT_TOKEN", "dt-robot", "DT_SECRET", "SEC-sim-secret"
VERSIONS = ("1.28.9-aliyun.1", "1.30.1-aliyun.1")
SCAN_EVERY, DRAIN_EVERY = timedelta(minutes=10), timedelta(seconds=10)
OUTAGE = timedelta(minutes=62)


@dataclass(frozen=True)
class Outcome:
    events: dict[str, tuple[str, datetime]]  # id -> (cluster or source, time)
    rows: Counter[tuple[str, OutboxStatus]]  # (sink, status) -> outbox rows


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def chats() -> Iterator[tuple[SlackFakeServer, DingTalkFakeServer]]:
    slack = SlackFakeServer()
    # DingTalk's per-minute quota counts real seconds; the whole backlog goes out in a few.
    dingtalk = DingTalkFakeServer(robots={ROBOT: SECRET}, per_minute=10_000)
    with slack.running(), dingtalk.running():
        yield slack, dingtalk


def settings_file(
    directory: Path, sim: SimulatedFleet, slack: str, dingtalk: str, **dispatch: Any
) -> Path:
    ack = next(c for c in sim.configs("ack") if c.type == "ack")
    (directory / "plan.yaml").write_text(PLAN.read_text())
    document = {
        "sources": [ack.model_dump(mode="json", exclude_none=True) | {"max_rps": 1000.0}],
        "plan": "plan.yaml",
        "store": {"url": f"sqlite:///{directory / 'kd.sqlite'}"},
        "dispatch": {"base_delay": 30, "max_delay": 300, **dispatch},
        "notifiers": [
            {
                "name": "slack-ops",
                "type": "slack",
                "token_env": TOKEN_ENV,
                "channel": "#k8s-upgrades",
                "base_url": f"{slack}/api/",
                "timeout": 2,
            },
            {
                "name": "dingtalk-ops",
                "type": "dingtalk",
                "access_token_env": ROBOT_ENV,
                "secret_env": SECRET_ENV,
                "endpoint": f"{dingtalk}/robot/send",
                "timeout": 2,
            },
        ],
    }
    path = directory / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def run_outage(
    tmp_path: Path, chats: tuple[SlackFakeServer, DingTalkFakeServer], **dispatch: Any
) -> Outcome:
    """Scans at 0, 10, ..., 50 min with the chats down until OUTAGE, then drains to the end."""
    slack, dingtalk = chats
    clock = Clock()
    with SimulatedFleet(load_fleet()) as sim:
        settings = load_settings(settings_file(tmp_path, sim, slack.url, dingtalk.url, **dispatch))
        environ = {**sim.environ, TOKEN_ENV: TOKEN, ROBOT_ENV: ROBOT, SECRET_ENV: SECRET}
        for server in (slack, dingtalk):
            server.faults.add(Fault(kind="server_error", times=None))
        with Daemon(settings, environ=environ, clock=clock) as daemon:
            scans = 0
            while clock.now - T0 < OUTAGE:
                if clock.now - T0 == scans * SCAN_EVERY and scans < 6:
                    sim.ack.fleet = toggled_gpu_pool(sim.ack.fleet, VERSIONS[scans % 2])
                    assert daemon.cycles.scan().events
                    scans += 1
                if clock.now - T0 == OUTAGE / 2:  # the second half: throttled, not down
                    for server in (slack, dingtalk):
                        server.faults.clear()
                        server.faults.add(Fault(kind="throttle", times=None, retry_after=60))
                daemon.drain_outbox()
                clock.now += DRAIN_EVERY
            assert slack.messages == [] and dingtalk.messages == []
            for server in (slack, dingtalk):
                server.faults.clear()
            for _ in range(200):  # after the outage: at most max_delay to the next attempt
                daemon.drain_outbox()
                clock.now += DRAIN_EVERY
            events = daemon.store.events(limit=100_000)
            stats = daemon.store.outbox_stats()
    return Outcome(
        {e.id: (e.cluster or f"source/{e.source}", e.at) for e in events},
        Counter({(s.sink, s.status): s.count for s in stats}),
    )


def told_in_order(slack: SlackFakeServer, events: dict[str, tuple[str, datetime]]) -> Counter[str]:
    """How often each event was told; asserts each cluster heard its events in time order."""
    told: Counter[str] = Counter()
    last_by_cluster: dict[str, datetime] = {}
    for payload in received(slack):
        for event_id in payload.get("events") or ():
            told[event_id] += 1
            cluster, at = events[event_id]
            assert at >= last_by_cluster.get(cluster, at), f"{cluster} heard {event_id} late"
            last_by_cluster[cluster] = at
    return told


def test_an_hour_down_then_everything_once_in_order(
    tmp_path: Path, chats: tuple[SlackFakeServer, DingTalkFakeServer]
) -> None:
    slack, dingtalk = chats
    outcome = run_outage(tmp_path, chats, dead_after=3 * 3600)
    told = told_in_order(slack, outcome.events)
    assert set(told) == set(outcome.events)
    assert max(told.values()) == 1
    assert len({cluster for cluster, _ in outcome.events.values()}) > 1
    rows = outcome.rows
    for sink in ("slack-ops", "dingtalk-ops"):
        assert rows[(sink, OutboxStatus.DELIVERED)] == len(outcome.events)
        assert rows[(sink, OutboxStatus.DEAD)] == rows[(sink, OutboxStatus.PENDING)] == 0
    assert dingtalk.messages  # every DingTalk row delivered (above), after the outage


def test_rows_older_than_dead_after_are_dead_letters_not_late_messages(
    tmp_path: Path, chats: tuple[SlackFakeServer, DingTalkFakeServer]
) -> None:
    slack, dingtalk = chats
    outcome = run_outage(tmp_path, chats, dead_after=45 * 60)
    told = told_in_order(slack, outcome.events)
    # Scans at 0 and 10 min: 62 and 52 minutes old when the chat came back, past 45.
    expired = {e for e, (_, at) in outcome.events.items() if at - T0 <= timedelta(minutes=10)}
    assert expired and set(told) == set(outcome.events) - expired
    assert max(told.values()) == 1
    for sink in ("slack-ops", "dingtalk-ops"):
        assert outcome.rows[(sink, OutboxStatus.DEAD)] == len(expired)
        assert outcome.rows[(sink, OutboxStatus.DELIVERED)] == len(outcome.events) - len(expired)
    assert dingtalk.messages
