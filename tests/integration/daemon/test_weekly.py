"""The daemon's weekly report job, wired from a settings file: a real store filled by a real
cycle over the simulated fleet, the real senders against the fake Slack (file upload) and
DingTalk (signed) servers, an injected clock. Once per week, across restarts; failures retried
or given up loudly; leader only; the page served over HTTP; the crontab in the scheduler."""

from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from starlette.testclient import TestClient

from kubedrift.commands.daemon import _secrets
from kubedrift.daemon.app import Daemon
from kubedrift.daemon.config import ScheduleSettings
from kubedrift.daemon.scheduler import (
    REPORT_JOB,
    REPORT_RETRY_JOB,
    ReportJobs,
    Scheduler,
    cron_trigger,
    last_fire,
)
from kubedrift.errors import SettingsError
from kubedrift.settings import load_settings, parse_settings
from kubedrift.sim.dingtalk import DingTalkFakeServer
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus

pytestmark = pytest.mark.integration

PLAN = Path(__file__).resolve().parents[3] / "kubedrift" / "sim" / "data" / "plan.yaml"
CHANNEL = "C0WEEKLY01"
DING_TOKEN, DING_SECRET = "ding-weekly", "SECweekly"
ENV = {"SLACK_BOT_TOKEN": "xoxb-test", "DING_TOKEN": DING_TOKEN, "DING_SECRET": DING_SECRET}
SCANNED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
# Monday 2026-11-30 09:00 in Shanghai: the crontab's moment; the week is Nov 23-29 (local).
SENT = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
PERIOD = "weekly/2026-11-23"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def slack() -> Iterator[SlackFakeServer]:
    server = SlackFakeServer(channels=frozenset({CHANNEL}))
    with server.running():
        yield server


@pytest.fixture
def robot() -> Iterator[DingTalkFakeServer]:
    server = DingTalkFakeServer(robots={DING_TOKEN: DING_SECRET})
    with server.running():
        yield server


def _settings(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer, **report: Any
) -> Path:
    (tmp_path / "plan.yaml").write_text(PLAN.read_text())
    block = {
        "schedule": "0 9 * * mon",
        "timezone": "Asia/Shanghai",
        "locale": "zh-CN",
        "format": "html",
        "public_url": "https://kubedrift.example.com",
        "retry_interval": "10m",
        "give_up_after": "1d",
        "sinks": [
            {"type": "slack", "name": "slack-weekly", "token_env": "SLACK_BOT_TOKEN",
             "channel": CHANNEL, "base_url": f"{slack.url}/api/", "locale": "en", "timeout": 5},
            {"type": "dingtalk", "name": "ding-weekly", "access_token_env": "DING_TOKEN",
             "secret_env": "DING_SECRET", "endpoint": f"{robot.url}/robot/send", "timeout": 5},
        ],
    } | report  # fmt: skip
    settings = {
        "sources": [{"name": "simulated", "type": "simulated"}],
        "plan": "plan.yaml",
        "store": {"url": f"sqlite:///{tmp_path / 'kubedrift.sqlite'}"},
        "report": block,
    }
    path = tmp_path / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True))
    return path


def _delivery(daemon: Daemon, sink: str) -> Any:
    assert daemon.reports is not None
    return next(d for d in daemon.reports.deliveries.of_period(PERIOD) if d.sink == sink)


def _daemon(path: Path, clock: Clock, environ: dict[str, str] = ENV, **options: Any) -> Daemon:
    return Daemon(load_settings(path), environ=environ, clock=clock, **options)


def test_the_week_is_sent_once_to_every_sink_even_across_a_restart(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    path = _settings(tmp_path, slack, robot)
    clock = Clock(SCANNED)
    with _daemon(path, clock) as daemon:
        assert daemon.run_once().collected > 0
        assert daemon.reports is not None
        _first, since, until = daemon.reports.week_of(SENT)
        shanghai = ZoneInfo("Asia/Shanghai")
        assert (since, until) == (
            datetime(2026, 11, 23, tzinfo=shanghai),
            datetime(2026, 11, 30, tzinfo=shanghai),
        )
        clock.now = SENT
        sent = daemon.reports.run()
        assert sorted((s.sink, s.outcome) for s in sent) == [
            ("ding-weekly", "delivered"),
            ("slack-weekly", "delivered"),
        ]
        assert daemon.reports.run() == []  # the crontab firing again the same week
    (shared,) = slack.files.shared
    assert shared["files"][0]["filename"] == "kubedrift-weekly-2026-11-23-en.html"
    assert "Compliance this week" in shared["initial_comment"]  # the sink's own locale
    (ding,) = robot.messages
    assert "本周合规率" in ding["markdown"]["text"]
    assert "/v1/reports/weekly/2026-11-23?locale=zh-CN" in ding["markdown"]["text"]
    # A restart later that week: the deliveries are in the store, nothing is sent twice.
    clock.now = SENT + timedelta(hours=30)
    with _daemon(path, clock) as restarted:
        assert restarted.reports is not None
        assert restarted.reports.run() == [] and restarted.reports.retry() == []
        recorded = restarted.reports.deliveries.of_period(PERIOD)
        assert [(d.sink, d.status, d.attempts) for d in recorded] == [
            ("ding-weekly", OutboxStatus.DELIVERED, 1),
            ("slack-weekly", OutboxStatus.DELIVERED, 1),
        ]
        # The next week is a new period.
        clock.now = SENT + timedelta(days=7)
        assert len(restarted.reports.run()) == 2
    assert len(slack.files.shared) == 2 and len(robot.messages) == 2


def test_a_failed_send_is_retried_after_its_delay_and_the_others_go_out(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    clock = Clock(SENT)
    robot.faults.add(Fault("server_error"))
    with _daemon(_settings(tmp_path, slack, robot), clock) as daemon:
        assert daemon.reports is not None
        outcomes = {s.sink: s.outcome for s in daemon.reports.run()}
        assert outcomes == {"ding-weekly": "retry", "slack-weekly": "delivered"}
        assert daemon.reports.retry() == []  # not due yet
        clock.now = SENT + timedelta(minutes=10)
        (again,) = daemon.reports.retry()
        assert (again.sink, again.outcome) == ("ding-weekly", "delivered")
        ding = _delivery(daemon, "ding-weekly")
        assert (ding.status, ding.attempts) == (OutboxStatus.DELIVERED, 2)
        metrics = TestClient(daemon.app()).get("/metrics").text
    for outcome, sink in (("retry", "ding-weekly"), ("delivered", "ding-weekly"),
                          ("delivered", "slack-weekly")):  # fmt: skip
        assert f'kubedrift_report_sends_total{{outcome="{outcome}",sink="{sink}"}} 1.0' in metrics
    # Never dead, yet there from 0: the alert's increase() sees a sink's first dead send.
    for sink in ("ding-weekly", "slack-weekly"):
        assert f'kubedrift_report_sends_total{{outcome="dead",sink="{sink}"}} 0.0' in metrics
    assert len(robot.messages) == 1 and len(slack.files.shared) == 1


def test_a_permanent_failure_is_given_up_loudly_and_kept_in_the_store(
    tmp_path: Path,
    slack: SlackFakeServer,
    robot: DingTalkFakeServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock(SENT)
    environ = ENV | {"DING_SECRET": "SECwrong"}
    with _daemon(_settings(tmp_path, slack, robot), clock, environ) as daemon:
        assert daemon.reports is not None
        with caplog.at_level(logging.ERROR, logger="kubedrift.daemon.weekly"):
            outcomes = {s.sink: s.outcome for s in daemon.reports.run()}
        assert outcomes == {"ding-weekly": "dead", "slack-weekly": "delivered"}
        assert any("giving up" in r.getMessage() for r in caplog.records)
        clock.now = SENT + timedelta(hours=2)
        assert daemon.reports.retry() == []
        ding = _delivery(daemon, "ding-weekly")
        assert ding.status is OutboxStatus.DEAD and "310000" in (ding.last_error or "")


def test_a_missed_crontab_time_is_caught_up_by_the_retry_job(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    # The daemon was down at Monday 09:00 and starts on Wednesday: the retry job, told the
    # crontab's latest time, records that week and sends it; later runs find it recorded.
    clock = Clock(SENT + timedelta(days=2))
    with _daemon(_settings(tmp_path, slack, robot), clock) as daemon:
        assert daemon.reports is not None
        assert daemon.reports.retry() == []  # no crontab time known: nothing to catch up
        caught_up = daemon.reports.retry(fired_at=SENT)
        assert sorted(s.outcome for s in caught_up) == ["delivered", "delivered"]
        assert {d.period for d in caught_up} == {PERIOD}
        assert daemon.reports.retry(fired_at=SENT) == [] and daemon.reports.run() == []
    assert len(slack.files.shared) == 1 and len(robot.messages) == 1


def test_the_crontab_latest_time_is_found_in_its_zone() -> None:
    monday_nine = cron_trigger("0 9 * * mon", "Asia/Shanghai")
    wednesday = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    found = last_fire(monday_nine, wednesday, within=timedelta(days=7))
    assert found == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert last_fire(monday_nine, wednesday, within=timedelta(days=1)) is None
    assert last_fire(monday_nine, SENT, within=timedelta(days=7)) == SENT  # exactly at it


def test_the_report_sinks_secrets_are_masked_in_the_daemon_logs(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    settings = load_settings(_settings(tmp_path, slack, robot))
    assert set(_secrets(settings, ENV)) == {"xoxb-test", DING_TOKEN, DING_SECRET}


def test_only_the_leader_sends(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    path = _settings(tmp_path, slack, robot)
    with _daemon(path, Clock(SENT), is_leader=lambda: False) as follower:
        assert follower.reports is not None
        assert follower.reports.run() == [] and follower.reports.retry(SENT) == []
        assert follower.reports.deliveries.of_period(PERIOD) == ()
    assert slack.calls() == [] and robot.calls() == []


def test_the_daemon_serves_the_weekly_page(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    clock = Clock(SCANNED)
    ticks = [0.0]
    path = _settings(tmp_path, slack, robot)
    with _daemon(path, clock, monotonic=lambda: ticks[0]) as daemon:
        daemon.run_once()
        client = TestClient(daemon.app())
        assert client.get("/v1/reports/weekly/latest").status_code == 404  # nothing sent yet
        assert daemon.reports is not None
        clock.now = SENT
        daemon.reports.run()
        latest = client.get("/v1/reports/weekly/latest", params={"locale": "zh-CN"})
        assert latest.status_code == 200 and latest.headers["content-type"].startswith("text/html")
        assert "Kubernetes 版本合规周报" in latest.text and "<svg" in latest.text
        dated = client.get("/v1/reports/weekly/2026-11-23")
        assert dated.status_code == 200 and "Weekly Kubernetes version compliance" in dated.text
        # A page is kept 5 minutes (rendering costs a second of CPU), then made again.
        clock.now = SENT + timedelta(hours=1)
        assert client.get("/v1/reports/weekly/2026-11-23").text == dated.text
        ticks[0] += 301
        again = client.get("/v1/reports/weekly/2026-11-23").text
        assert again != dated.text and "2026-11-30 02:00" in again  # its generation time
        assert client.get("/v1/reports/weekly/2026-11-16").status_code == 404
        assert client.get("/v1/reports/weekly/yesterday").status_code == 400
        assert client.get("/v1/reports/weekly/latest?locale=fr").status_code == 400


@pytest.mark.slow
def test_the_serving_daemon_sends_a_missed_week_at_start_and_serves_it(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    # The real scheduler and clock: the crontab's latest time has passed (it is weekly), so
    # the retry job run at start records that week and sends it; the page is then served.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = _settings(tmp_path, slack, robot)
    document = yaml.safe_load(path.read_text())
    document |= {"http": {"listen": f"127.0.0.1:{port}"}, "schedule": {"jitter": 0}}
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    stop = threading.Event()
    with Daemon(load_settings(path), environ=ENV) as daemon:
        assert daemon.reports is not None
        serving = threading.Thread(target=daemon.serve, args=(stop,), daemon=True)
        serving.start()
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (slack.files.shared and robot.messages):
                time.sleep(0.2)
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/v1/reports/weekly/latest", timeout=30
            ) as page:
                html = page.read().decode()
        finally:
            stop.set()
            serving.join(timeout=30)
        fired = last_fire(
            cron_trigger("0 9 * * mon", "Asia/Shanghai"),
            datetime.now(UTC),
            within=timedelta(days=7),
        )
        assert fired is not None
        first, _since, _until = daemon.reports.week_of(fired)
        recorded = daemon.reports.deliveries.of_period(f"weekly/{first.isoformat()}")
    assert [(d.sink, d.status) for d in recorded] == [
        ("ding-weekly", OutboxStatus.DELIVERED),
        ("slack-weekly", OutboxStatus.DELIVERED),
    ]
    assert len(slack.files.shared) == 1 and len(robot.messages) == 1
    assert "Kubernetes" in html and "<svg" in html


def test_the_scheduler_runs_the_report_on_its_crontab_in_its_zone() -> None:
    ran: list[str] = []
    report = ReportJobs(
        run=lambda: ran.append("run"),
        retry=lambda fired_at: ran.append(f"retry {fired_at}"),
        crontab="0 9 * * mon",
        timezone="Asia/Shanghai",
        retry_interval=600,
    )
    scheduler = Scheduler(
        ScheduleSettings(), [], run_source=lambda _name: None, check_plan=None, report=report,
        first_run=datetime.now(UTC) + timedelta(days=30),
    )  # fmt: skip
    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler.jobs()}
    finally:
        scheduler.stop(timeout=5)
    weekly = jobs[REPORT_JOB]
    assert weekly.crontab == "0 9 * * mon" and weekly.max_instances == 1 and weekly.coalesce
    assert weekly.next_run is not None
    local = weekly.next_run.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
    assert timedelta(0) < weekly.next_run - datetime.now(UTC) <= timedelta(days=7)
    assert jobs[REPORT_RETRY_JOB].interval == 600


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ({"schedule": "0 9 * *"}, "expected a crontab like '0 9 * * mon'"),
        ({"schedule": "0 25 * * *"}, "higher than the maximum"),
        ({"timezone": "Mars/Olympus"}, "expected an IANA time zone"),
        ({"public_url": None}, "a dingtalk sink links to the full report: set public_url"),
        ({"format": "docx"}, "report.format"),
        ({"sinks": []}, "report.sinks"),
    ],
)
def test_bad_report_settings_name_the_problem(
    tmp_path: Path,
    slack: SlackFakeServer,
    robot: DingTalkFakeServer,
    report: dict[str, Any],
    expected: str,
) -> None:
    text = _settings(tmp_path, slack, robot, **report).read_text()
    with pytest.raises(SettingsError, match="report") as bad:
        parse_settings(text, "kubedrift.yaml")
    assert expected in str(bad.value)


def test_a_slack_report_sink_needs_a_channel_id(
    tmp_path: Path, slack: SlackFakeServer, robot: DingTalkFakeServer
) -> None:
    text = _settings(tmp_path, slack, robot).read_text().replace(CHANNEL, "'#k8s-upgrades'")
    with pytest.raises(SettingsError, match=r"report\.sinks\[0\]") as bad:
        parse_settings(text, "kubedrift.yaml")
    assert "expected a channel id like C0123456789" in str(bad.value)
