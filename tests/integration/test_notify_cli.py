"""`kubedrift notify test --route NAME`: a sample through the real notifiers to the fake
Slack and DingTalk servers; the outcome printed, the exit code, unknown routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.cli import main
from kubedrift.sim.dingtalk import DingTalkFakeServer
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer

SETTINGS = """
sources:
  - {{name: sim, type: simulated}}
notifiers:
  - name: slack-platform
    type: slack
    token_env: KD_TEST_SLACK_TOKEN
    channel: "#k8s-upgrades"
    base_url: {slack}/api/
    timeout: 2
  - name: dingtalk-payments
    type: dingtalk
    access_token_env: KD_TEST_DING_TOKEN
    secret_env: KD_TEST_DING_SECRET
    endpoint: {ding}/robot/send
    timeout: 2
routes:
  rules:
    - name: payments-pages
      owners: [team-payments-sre]
      min_severity: high
      sinks: [dingtalk-payments, slack-platform]
  default:
    sinks: [slack-platform]
  mentions:
    team-payments-sre: {{mobiles: ["13800000000"]}}
"""


@pytest.fixture
def chats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, SlackFakeServer, DingTalkFakeServer]]:
    slack = SlackFakeServer()
    ding = DingTalkFakeServer(robots={"ding-token": "SECding"})
    monkeypatch.setenv("KD_TEST_SLACK_TOKEN", "xoxb-test")
    monkeypatch.setenv("KD_TEST_DING_TOKEN", "ding-token")
    monkeypatch.setenv("KD_TEST_DING_SECRET", "SECding")
    with slack.running(), ding.running():
        config = tmp_path / "kubedrift.yaml"
        config.write_text(SETTINGS.format(slack=slack.url, ding=ding.url))
        yield config, slack, ding


def test_sends_a_sample_to_every_sink_of_the_route(
    chats: tuple[Path, SlackFakeServer, DingTalkFakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    config, slack, ding = chats
    assert main(["notify", "test", "--route", "payments-pages", "--config", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "sent   dingtalk-payments (dingtalk, zh-CN): 【高】kubedrift-notify-test：新增漂移 1 项",
        "sent   slack-platform (slack, en): [HIGH] kubedrift-notify-test: 1 new drift",
    ]
    (posted,) = slack.messages
    assert "test message of route payments-pages" in posted["text"]
    (robot,) = ding.messages
    assert robot["at"]["atMobiles"] == ["13800000000"]
    assert ding.mentions == [frozenset({"13800000000"})]


def test_a_failing_sink_is_reported_and_exits_non_zero(
    chats: tuple[Path, SlackFakeServer, DingTalkFakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    config, slack, ding = chats
    slack.faults.add(Fault(kind="auth"))
    assert main(["notify", "test", "--route", "payments-pages", "--config", str(config)]) == 3
    captured = capsys.readouterr()
    assert "sent   dingtalk-payments" in captured.out
    assert (
        "FAILED slack-platform (slack, en): slack slack-platform: HTTP 200 invalid_auth "
        "(not retryable)" in captured.err
    )
    assert len(ding.messages) == 1 and slack.messages == []


def test_the_default_route_is_named_default(
    chats: tuple[Path, SlackFakeServer, DingTalkFakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    config, slack, _ = chats
    assert main(["notify", "test", "--route", "default", "--config", str(config)]) == 0
    assert len(slack.messages) == 1


def test_an_unknown_route_lists_the_known_ones(
    chats: tuple[Path, SlackFakeServer, DingTalkFakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    config, slack, ding = chats
    assert main(["notify", "test", "--route", "payments", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}: no route named 'payments'; known routes: payments-pages, default" in err
    assert slack.messages == [] and ding.messages == []


def test_a_missing_settings_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["notify", "test", "--route", "default"]) == 2
    assert "kubedrift.yaml" in capsys.readouterr().err
