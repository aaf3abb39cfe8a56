"""Contract tests: the real slack-sdk (through SlackNotifier) and our DingTalk client against
the fake chat services, which check tokens, channels, Block Kit limits and DingTalk's HMAC
signature, and answer throttling, quota, outages and bad configuration in the wire forms.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from kubedrift.errors import DeliveryError
from kubedrift.model.threads import ChatThread
from kubedrift.notifiers.base import Mentions, Message, message_key
from kubedrift.notifiers.dingtalk import DingTalkConfig, DingTalkNotifier, markdown, sign
from kubedrift.notifiers.registry import NOTIFIERS
from kubedrift.notifiers.slack import SlackConfig, SlackNotifier
from kubedrift.sim.dingtalk import DingTalkFakeServer
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer

BOT_TOKEN = "xoxb-test"
WEBHOOK_PATH = "/services/T0001/B0001/sim"
DING_TOKEN = "ding-access-token-0123456789"
DING_SECRET = "SECsimulated-signing-secret"
# A fixed wall clock 25 s into a minute: the throttling answer's retry_after is then known.
NOW = 1_770_000_025.0


def _message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "key": message_key("cluster", "en", ["e1"]),
        "kind": "cluster",
        "locale": "en",
        "severity": "high",
        "title": "[HIGH] pay-prod-1: 1 new drift",
        "context": "Cluster pay-prod-1 (ack, cn-hangzhou) · owner team-payments-sre",
        "lines": (
            "**HIGH** control plane 1.29.3 is 2 minors behind the target >=1.31 & <1.33",
            "↳ Fix: 1. upgrade the control plane 1.29.3 → 1.30.1",
        ),
        "link": "https://kubedrift.example.com/clusters/ack%2Fcn-hangzhou%2Fc-pay1",
        "link_label": "View cluster",
        "clusters": ("ack/cn-hangzhou/c-pay1",),
        "event_ids": ("e1",),
    }
    return Message.model_validate(fields | overrides)


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackFakeServer]:
    server = SlackFakeServer()
    with server.running():
        yield server


@pytest.fixture
def fresh_slack(slack: SlackFakeServer) -> SlackFakeServer:
    slack.reset()
    slack.messages.clear()
    slack.history.clear()
    slack.channels = frozenset({"#k8s-upgrades"})
    return slack


def _bot(server: SlackFakeServer, channel: str = "#k8s-upgrades") -> SlackNotifier:
    config = SlackConfig(
        name="slack-platform",
        token_env="SLACK_BOT_TOKEN",
        channel=channel,
        base_url=f"{server.url}/api/",
        timeout=2,
    )
    return SlackNotifier(config, {"SLACK_BOT_TOKEN": BOT_TOKEN})


def _hook(server: SlackFakeServer, path: str = WEBHOOK_PATH) -> SlackNotifier:
    config = SlackConfig(name="slack-hook", webhook_url_env="SLACK_WEBHOOK_URL", timeout=2)
    return SlackNotifier(config, {"SLACK_WEBHOOK_URL": f"{server.url}{path}"})


def test_registry_names_both_notifiers() -> None:
    assert NOTIFIERS.names() == ["dingtalk", "slack"]
    assert NOTIFIERS.get("slack") is SlackNotifier
    assert NOTIFIERS.get("dingtalk") is DingTalkNotifier


def test_slack_bot_posts_blocks_with_a_text_fallback(fresh_slack: SlackFakeServer) -> None:
    _bot(fresh_slack).send(_message())
    (request,) = fresh_slack.calls("chat.postMessage")
    assert request.header("authorization") == f"Bearer {BOT_TOKEN}"
    (posted,) = fresh_slack.messages
    assert posted["channel"] == "#k8s-upgrades"
    assert posted["text"].startswith("[HIGH] pay-prod-1: 1 new drift\n")
    kinds = [b["type"] for b in posted["blocks"]]
    assert kinds == ["header", "context", "section", "context"]
    section = posted["blocks"][2]["text"]["text"]
    # mrkdwn: bold with single stars, & < > escaped, the remedy indented under its item.
    assert section.startswith("• *HIGH* control plane 1.29.3 is 2 minors behind the target ")
    assert "&gt;=1.31 &amp; &lt;1.33" in section
    assert "\n\u2003\u2003↳ Fix: 1. upgrade" in section
    assert (
        "<https://kubedrift.example.com/clusters/ack%2Fcn-hangzhou%2Fc-pay1|View cluster>"
        in (posted["blocks"][3]["elements"][0]["text"])
    )


def test_slack_long_messages_stay_within_block_kit_limits(fresh_slack: SlackFakeServer) -> None:
    lines = tuple(f"**LOW** finding {i} " + "x" * 250 for i in range(40))
    _bot(fresh_slack).send(_message(title="T" * 400, lines=lines))
    (posted,) = fresh_slack.messages  # the fake refuses blocks over Slack's limits
    assert len(posted["blocks"][0]["text"]["text"]) == 150
    assert sum(b["text"]["text"].count("• ") for b in posted["blocks"][2:-1]) == 40


def test_slack_429_is_retryable_after_retry_after(fresh_slack: SlackFakeServer) -> None:
    fresh_slack.faults.add(Fault(kind="throttle", retry_after=7))
    with pytest.raises(DeliveryError) as caught:
        _bot(fresh_slack).send(_message())
    assert caught.value.retryable
    assert caught.value.retry_after == 7.0
    assert "ratelimited" in str(caught.value)
    # The notifier itself never retries: the outbox does.
    assert len(fresh_slack.calls("chat.postMessage")) == 1
    assert fresh_slack.messages == []


@pytest.mark.parametrize(
    ("fault", "retryable", "said"),
    [
        ("server_error", True, "HTTP 503"),
        ("auth", False, "invalid_auth"),
        ("not_found", False, "channel_not_found"),
    ],
)
def test_slack_errors_are_mapped(
    fresh_slack: SlackFakeServer, fault: Any, retryable: bool, said: str
) -> None:
    fresh_slack.faults.add(Fault(kind=fault))
    with pytest.raises(DeliveryError) as caught:
        _bot(fresh_slack).send(_message())
    assert caught.value.retryable is retryable
    assert said in str(caught.value)


def test_slack_unknown_channel_is_not_retryable(fresh_slack: SlackFakeServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        _bot(fresh_slack, channel="#nowhere").send(_message())
    assert not caught.value.retryable
    assert "channel_not_found" in str(caught.value)


def test_slack_unreachable_is_retryable() -> None:
    server = SlackFakeServer()
    with server.running():
        url = server.url
    # Stopped: nothing listens on the port any more.
    config = SlackConfig(name="s", token_env="T", channel="#c", base_url=f"{url}/api/")
    with pytest.raises(DeliveryError) as caught:
        SlackNotifier(config, {"T": BOT_TOKEN}).send(_message())
    assert caught.value.retryable


def test_slack_post_returns_the_thread_and_replies_go_in_it(
    fresh_slack: SlackFakeServer,
) -> None:
    bot = _bot(fresh_slack)
    opening = bot.post(_message())
    assert opening is not None and opening.channel == "#k8s-upgrades"
    (_, ts, _) = fresh_slack.history[0]
    assert opening.ts == ts
    resolved = _message(key=message_key("cluster", "en", ["e2"]), event_ids=("e2",))
    assert bot.post(resolved.model_copy(update={"reply_to": opening})) == opening
    escalated = _message(key=message_key("cluster", "en", ["e3"]), event_ids=("e3",))
    bot.post(escalated.model_copy(update={"reply_to": opening, "broadcast": True}))
    first, reply, broadcast = fresh_slack.messages
    assert "thread_ts" not in first
    assert (reply["thread_ts"], reply["reply_broadcast"]) == (opening.ts, False)
    assert (broadcast["thread_ts"], broadcast["reply_broadcast"]) == (opening.ts, True)
    # Threads are one level deep: the reply's own ts is not a thread to reply in.
    assert [ts for _, ts, body in fresh_slack.history if "thread_ts" not in body] == [opening.ts]


def test_slack_recall_reads_the_threads_a_retry_would_reply_in(
    fresh_slack: SlackFakeServer,
) -> None:
    bot = _bot(fresh_slack)
    since = datetime.now(UTC)
    opening = bot.post(_message())
    assert opening is not None
    reply = _message(key=message_key("cluster", "en", ["e2"]), event_ids=("e2",))
    bot.post(reply.model_copy(update={"reply_to": opening}))
    opening_key = _message().key
    # The channel's history holds the opening message only: a reply is not in it.
    assert bot.sent_since(since) == (frozenset({opening_key}), frozenset({"e1"}))
    keys, events = bot.sent_since(since, [opening]) or (frozenset(), frozenset())
    assert keys == {opening_key, reply.key} and events == {"e1", "e2"}
    # A thread whose parent is gone holds nothing of ours; the channel still answers.
    gone = ChatThread(channel="#k8s-upgrades", ts="1770000000.000100")
    assert bot.sent_since(since, [gone]) == (frozenset({opening_key}), frozenset({"e1"}))


def test_slack_recall_cannot_tell_during_an_outage(fresh_slack: SlackFakeServer) -> None:
    bot = _bot(fresh_slack)
    opening = bot.post(_message())
    assert opening is not None
    fresh_slack.faults.add(Fault(kind="server_error", operation="conversations.replies"))
    assert bot.sent_since(datetime.now(UTC), [opening]) is None


@pytest.mark.parametrize(
    ("thread_ts", "error"),
    [("1770000000.000100", "thread_not_found"), ("soon", "invalid_thread_ts")],
)
def test_slack_reply_to_a_gone_thread_is_posted_in_the_channel(
    fresh_slack: SlackFakeServer, caplog: pytest.LogCaptureFixture, thread_ts: str, error: str
) -> None:
    gone = ChatThread(channel="#k8s-upgrades", ts=thread_ts)
    with caplog.at_level(logging.WARNING, logger="kubedrift.notifiers.slack"):
        thread = _bot(fresh_slack).post(_message(reply_to=gone, broadcast=True))
    # The fake refused the reply (as Slack does), and the message went out on its own.
    assert len(fresh_slack.calls("chat.postMessage")) == 2
    (posted,) = fresh_slack.messages
    assert "thread_ts" not in posted and "reply_broadcast" not in posted
    assert thread is not None and thread.ts != thread_ts
    assert any(r.__dict__.get("error") == error for r in caplog.records)


def test_slack_fake_refuses_a_reply_in_another_channel(fresh_slack: SlackFakeServer) -> None:
    fresh_slack.channels = frozenset({"#k8s-upgrades", "#elsewhere"})
    opening = _bot(fresh_slack).post(_message())
    assert opening is not None
    elsewhere = ChatThread(channel="#elsewhere", ts=opening.ts)
    _bot(fresh_slack).post(_message(reply_to=elsewhere))
    assert [b.get("thread_ts") for b in fresh_slack.messages] == [None, None]


def test_slack_webhook_cannot_thread(fresh_slack: SlackFakeServer) -> None:
    thread = ChatThread(channel="#k8s-upgrades", ts="1770000000.000100")
    assert _hook(fresh_slack).post(_message(reply_to=thread)) is None
    (posted,) = fresh_slack.messages
    assert "thread_ts" not in posted


def test_slack_webhook_delivers(fresh_slack: SlackFakeServer) -> None:
    _hook(fresh_slack).send(_message())
    (posted,) = fresh_slack.messages
    assert posted["webhook"] == WEBHOOK_PATH
    assert posted["blocks"][0]["text"]["text"] == "[HIGH] pay-prod-1: 1 new drift"


@pytest.mark.parametrize(
    ("fault", "retryable", "after", "said"),
    [
        ("throttle", True, 3.0, "HTTP 429 rate_limited"),
        ("server_error", True, None, "HTTP 503"),
        ("auth", False, None, "HTTP 403 invalid_token"),
    ],
)
def test_slack_webhook_errors_are_mapped(
    fresh_slack: SlackFakeServer, fault: Any, retryable: bool, after: float | None, said: str
) -> None:
    fresh_slack.faults.add(Fault(kind=fault, retry_after=3))
    with pytest.raises(DeliveryError) as caught:
        _hook(fresh_slack).send(_message())
    assert (caught.value.retryable, caught.value.retry_after) == (retryable, after)
    assert said in str(caught.value)


def test_slack_missing_secret_names_the_variable() -> None:
    config = SlackConfig(name="s", token_env="SLACK_BOT_TOKEN", channel="#c")
    with pytest.raises(DeliveryError, match="SLACK_BOT_TOKEN") as caught:
        SlackNotifier(config, {}).send(_message())
    assert not caught.value.retryable


def test_slack_config_needs_exactly_one_mode() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        SlackConfig(name="s")
    with pytest.raises(ValueError, match="needs a channel"):
        SlackConfig(name="s", token_env="T")
    with pytest.raises(ValueError, match="extra"):
        SlackConfig.model_validate({"name": "s", "webhook_url_env": "W", "token": "xoxb-1"})


class Clock:
    """The wall clock both the client and the fake robot read: moved by the test."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def robot() -> Iterator[tuple[DingTalkFakeServer, Clock]]:
    clock = Clock()
    server = DingTalkFakeServer(
        robots={DING_TOKEN: DING_SECRET, "unsigned-token": None}, keyword="kubedrift", clock=clock
    )
    with server.running():
        yield server, clock


def _ding(
    server: DingTalkFakeServer,
    clock: Clock,
    *,
    token: str = DING_TOKEN,
    secret: str | None = DING_SECRET,
    **settings: Any,
) -> DingTalkNotifier:
    env = {"DINGTALK_TOKEN": token}
    if secret is not None:
        env["DINGTALK_SECRET"] = secret
    config = DingTalkConfig.model_validate(
        {
            "name": "dingtalk-payments",
            "access_token_env": "DINGTALK_TOKEN",
            "secret_env": "DINGTALK_SECRET" if secret is not None else None,
            "endpoint": f"{server.url}/robot/send",
            "keyword": "kubedrift",
            "timeout": 2,
            **settings,
        }
    )
    return DingTalkNotifier(config, env, clock=clock)


def test_sign_matches_dingtalks_recipe() -> None:
    # Computed independently with openssl:
    # printf '1700000000000\nSECabc' | openssl dgst -sha256 -hmac SECabc -binary | base64
    assert sign("SECabc", 1_700_000_000_000) == "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM="


def test_dingtalk_delivers_signed_markdown(robot: tuple[DingTalkFakeServer, Clock]) -> None:
    server, clock = robot
    _ding(server, clock).send(_message(locale="zh-CN", title="【高】pay-prod-1：新增漂移 1 项"))
    (request,) = server.calls()
    assert request.query["timestamp"] == str(int(NOW * 1000))
    assert request.path == "/robot/send"
    # The fake recomputed the signature from the decoded query and accepted it.
    assert request.query["sign"] == sign(DING_SECRET, int(NOW * 1000))
    (sent,) = server.messages
    assert sent["msgtype"] == "markdown"
    assert sent["markdown"]["title"] == "kubedrift 【高】pay-prod-1：新增漂移 1 项"
    text = sent["markdown"]["text"]
    assert text.startswith("#### kubedrift 【高】pay-prod-1：新增漂移 1 项\n\n")
    assert "\n\n- **HIGH** control plane" in text
    assert "\n\n　↳ Fix: 1. upgrade" in text
    assert text.endswith(
        "[View cluster](https://kubedrift.example.com/clusters/ack%2Fcn-hangzhou%2Fc-pay1)"
    )
    assert json.loads(request.body)["markdown"]["text"] == text  # UTF-8, not \\u escapes
    assert "【高】".encode() in request.body


def test_dingtalk_mentions_owners_by_mobile_and_user_id(
    robot: tuple[DingTalkFakeServer, Clock],
) -> None:
    server, clock = robot
    mentions = Mentions(mobiles=("13800000000",), user_ids=("manager4711",))
    _ding(server, clock).send(_message(mentions=mentions))
    (sent,) = server.messages
    assert sent["at"] == {
        "atMobiles": ["13800000000"],
        "atUserIds": ["manager4711"],
        "isAtAll": False,
    }
    assert sent["markdown"]["text"].endswith("\n\n@13800000000 @manager4711")
    # The robot notified both: each is in `at` and named by `@handle` in the text.
    assert server.mentions == [frozenset({"13800000000", "manager4711"})]


def test_dingtalk_at_all_and_no_mentions(robot: tuple[DingTalkFakeServer, Clock]) -> None:
    server, clock = robot
    _ding(server, clock).send(_message(mentions=Mentions(all=True)))
    _ding(server, clock).send(_message())
    assert server.messages[0]["at"]["isAtAll"] is True
    assert "at" not in server.messages[1]
    assert server.mentions == [frozenset({"all"}), frozenset()]


def test_fake_robot_notifies_only_handles_named_in_the_text(
    robot: tuple[DingTalkFakeServer, Clock],
) -> None:
    # What the real robot does with an `at` list whose handles the text lacks: nothing.
    server, clock = robot
    body = markdown(_message(), "kubedrift") | {"at": {"atMobiles": ["13900000000"]}}
    url = _ding(server, clock)._url()
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=2) as response:
        assert json.loads(response.read())["errcode"] == 0
    assert server.mentions == [frozenset()]


def test_dingtalk_whole_webhook_url_in_the_variable(
    robot: tuple[DingTalkFakeServer, Clock],
) -> None:
    server, clock = robot
    url = f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}"
    _ding(server, clock, token=url).send(_message())
    assert len(server.messages) == 1


def test_dingtalk_unsigned_robot(robot: tuple[DingTalkFakeServer, Clock]) -> None:
    server, clock = robot
    _ding(server, clock, token="unsigned-token", secret=None).send(_message())
    (request,) = server.calls()
    assert set(request.query) == {"access_token"}


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"secret": "SECwrong"}, "sign not match"),
        ({"secret": None}, "sign not match"),  # the robot is signed; the config is not
        ({"keyword": None}, "keywords not in content"),
    ],
)
def test_dingtalk_310000_is_configuration_never_retried(
    robot: tuple[DingTalkFakeServer, Clock], change: dict[str, Any], said: str
) -> None:
    server, clock = robot
    # No link: the link's host name would carry the keyword.
    with pytest.raises(DeliveryError) as caught:
        _ding(server, clock, **change).send(_message(link=None))
    assert not caught.value.retryable
    assert caught.value.retry_after is None
    assert f"errcode 310000 ({said})" in str(caught.value)
    assert "check secret_env and keyword" in str(caught.value)


def test_dingtalk_stale_timestamp_is_refused(robot: tuple[DingTalkFakeServer, Clock]) -> None:
    server, clock = robot
    notifier = _ding(server, clock)
    server.clock = Clock(NOW + 3601)  # the robot's clock is an hour and a second ahead
    with pytest.raises(DeliveryError, match="timestamp is invalid"):
        notifier.send(_message())


def test_dingtalk_20_a_minute_then_130101_until_the_minute_turns(
    robot: tuple[DingTalkFakeServer, Clock],
) -> None:
    server, clock = robot
    notifier = _ding(server, clock)
    for _ in range(20):
        notifier.send(_message())
    with pytest.raises(DeliveryError) as caught:
        notifier.send(_message())
    assert caught.value.retryable
    # 25 s into the minute: wait for the next one, plus a second of margin.
    assert caught.value.retry_after == pytest.approx(36.0)
    assert "errcode 130101" in str(caught.value)
    clock.now += 60
    notifier.send(_message())
    assert len(server.messages) == 21


def test_dingtalk_90030_quota_is_dead_lettered(robot: tuple[DingTalkFakeServer, Clock]) -> None:
    server, clock = robot
    server.quota = 1
    notifier = _ding(server, clock)
    notifier.send(_message())
    with pytest.raises(DeliveryError) as caught:
        notifier.send(_message())
    assert not caught.value.retryable
    assert "errcode 90030" in str(caught.value)
    assert "dead-letter" in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "retryable", "said"),
    [
        (Fault(kind="server_error"), True, "HTTP 502"),
        (Fault(kind="malformed"), True, "unreadable answer"),
        (Fault(kind="timeout", hang_seconds=1.5), True, "timed out"),
        (Fault(kind="not_found"), False, "errcode 300001"),
    ],
)
def test_dingtalk_outages_and_unknown_codes(
    robot: tuple[DingTalkFakeServer, Clock], fault: Fault, retryable: bool, said: str
) -> None:
    server, clock = robot
    server.faults.add(fault)
    with pytest.raises(DeliveryError) as caught:
        _ding(server, clock, timeout=0.5).send(_message())
    assert caught.value.retryable is retryable
    assert said in str(caught.value)
    if fault.kind == "timeout":
        # Let the hanging handler finish before the server stops (else its socket leaks).
        time.sleep(fault.hang_seconds)


def test_no_secret_in_errors_or_logs(
    robot: tuple[DingTalkFakeServer, Clock],
    fresh_slack: SlackFakeServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, clock = robot
    caplog.set_level(logging.DEBUG)
    secrets = [
        DING_TOKEN,
        DING_SECRET,
        BOT_TOKEN,
        WEBHOOK_PATH,
        urllib.parse.quote(DING_SECRET),
    ]
    errors: list[BaseException] = []
    attempts = [
        (lambda: server.faults.add(Fault(kind="server_error")), _ding(server, clock)),
        (lambda: server.faults.add(Fault(kind="auth")), _ding(server, clock)),
        (lambda: None, _ding(server, clock, secret="SECwrong")),
        (lambda: fresh_slack.faults.add(Fault(kind="throttle")), _hook(fresh_slack)),
        (lambda: fresh_slack.faults.add(Fault(kind="auth")), _hook(fresh_slack)),
        (lambda: fresh_slack.faults.add(Fault(kind="server_error")), _bot(fresh_slack)),
        (lambda: None, _hook(fresh_slack, path="/services/T0001/B0001/wrong")),
    ]
    for arrange, notifier in attempts:
        arrange()
        with pytest.raises(DeliveryError) as caught:
            notifier.send(_message())
        errors.append(caught.value)
    _ding(server, clock).send(_message())  # and a success, logged at INFO
    _hook(fresh_slack).send(_message())
    told = [str(e) for e in errors] + [repr(e) for e in errors]
    told += [repr(e.__cause__) for e in errors] + [repr(e.__context__) for e in errors]
    told += [r.getMessage() for r in caplog.records]
    assert len(caplog.records) >= 2
    for secret in secrets:
        leaks = [t for t in told if secret in t]
        assert leaks == [], f"{secret!r} leaked"
