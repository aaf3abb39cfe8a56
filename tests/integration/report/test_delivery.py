"""Delivering the weekly report: the real slack-sdk `files_upload_v2` against the fake Slack
Web API (three steps, the bytes checked), the signed DingTalk robot (the fake verifies the
HMAC), and SMTP through stdlib smtplib to a local aiosmtpd server (plain with a login, and
STARTTLS with a certificate the test makes)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from kubedrift.errors import DeliveryError
from kubedrift.report.config import (
    DingTalkReportSink,
    EmailReportSink,
    ReportSettings,
    SlackReportSink,
)
from kubedrift.report.data import WeeklyReport
from kubedrift.report.deliver import build_senders
from kubedrift.report.deliver_chat import DingTalkSender, SlackSender
from kubedrift.report.deliver_email import EmailSender
from kubedrift.report.document import WeeklyDocument
from kubedrift.sim.dingtalk import DingTalkFakeServer
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer

pytestmark = pytest.mark.integration

CHANNEL = "C0REPORTS1"
PUBLIC = "https://kubedrift.example.com"
LINK_ZH = f"{PUBLIC}/v1/reports/weekly/2026-03-09?locale=zh-CN"
DING_TOKEN = "ding-report-token"
DING_SECRET = "SECreport-signing-secret"
WEEK = "2026-03-09 \u2013 2026-03-15 (UTC)"


def _document(report: WeeklyReport, *, pdf: bool = False) -> WeeklyDocument:
    return WeeklyDocument(report, date(2026, 3, 9), prefer_pdf=pdf, public_url=PUBLIC)


@pytest.fixture
def slack() -> Iterator[SlackFakeServer]:
    server = SlackFakeServer(channels=frozenset({CHANNEL}))
    with server.running():
        yield server


def _slack_sender(server: SlackFakeServer, locale: str = "en", **overrides: Any) -> SlackSender:
    fields: dict[str, Any] = {
        "type": "slack",
        "name": "slack-weekly",
        "token_env": "SLACK_BOT_TOKEN",
        "channel": CHANNEL,
        "base_url": f"{server.url}/api/",
        "timeout": 5,
    }
    sink = SlackReportSink.model_validate(fields | overrides)
    return SlackSender(sink, locale, {"SLACK_BOT_TOKEN": "xoxb-test"})


def test_slack_uploads_the_pdf_in_three_steps_with_the_summary(
    slack: SlackFakeServer, report: WeeklyReport
) -> None:
    _slack_sender(slack).send(_document(report, pdf=True))
    steps = [c.path.removeprefix("/api/") for c in slack.calls()]
    assert steps[0] == "files.getUploadURLExternal"
    assert steps[1].startswith("/upload/v1/F")
    assert steps[2] == "files.completeUploadExternal"
    (shared,) = slack.files.shared
    assert shared["channel"] == CHANNEL
    (file,) = shared["files"]
    assert file["filename"] == "kubedrift-weekly-2026-03-09-en.pdf"
    assert file["content"].startswith(b"%PDF") and len(file["content"]) == file["length"]
    assert file["title"] == f"Weekly Kubernetes version compliance · {WEEK}"
    comment = shared["initial_comment"]
    assert "Compliance this week: 60.7% (previous week 50.0%, up 10.7 points)" in comment
    assert "tke/ap-shanghai/cls-old" in comment  # the oldest open drift
    assert f"Full report: {PUBLIC}/v1/reports/weekly/2026-03-09?locale=en" in comment


def test_slack_upload_in_chinese_without_pdf_sends_the_html_page(
    slack: SlackFakeServer, report: WeeklyReport
) -> None:
    _slack_sender(slack, "zh-CN").send(_document(report))
    (shared,) = slack.files.shared
    (file,) = shared["files"]
    assert file["filename"].endswith("-zh-CN.html")
    assert "Kubernetes 版本合规周报" in file["content"].decode()
    assert "本周合规率：60.7%（上周 50.0%、上升 10.7 个百分点）" in shared["initial_comment"]


def test_slack_failures_say_whether_to_retry(slack: SlackFakeServer, report: WeeklyReport) -> None:
    document = _document(report)
    with pytest.raises(DeliveryError, match="channel_not_found") as refused:
        _slack_sender(slack, channel="C0ELSEWHERE").send(document)
    assert not refused.value.retryable
    slack.faults.add(Fault("throttle", operation="files.getUploadURLExternal", retry_after=7))
    with pytest.raises(DeliveryError, match="ratelimited") as throttled:
        _slack_sender(slack).send(document)
    assert throttled.value.retryable and throttled.value.retry_after == 7
    slack.faults.add(Fault("server_error", operation="upload"))
    with pytest.raises(DeliveryError, match="upload HTTP 503") as outage:
        _slack_sender(slack).send(document)
    assert outage.value.retryable
    assert slack.files.shared == []  # nothing half-shared
    _slack_sender(slack).send(document)
    assert len(slack.files.shared) == 1


@pytest.fixture
def robot() -> Iterator[DingTalkFakeServer]:
    server = DingTalkFakeServer(robots={DING_TOKEN: DING_SECRET}, keyword="kubedrift")
    with server.running():
        yield server


def _ding_sender(server: DingTalkFakeServer, secret: str = DING_SECRET) -> DingTalkSender:
    sink = DingTalkReportSink(
        type="dingtalk",
        name="ding-weekly",
        access_token_env="DING_TOKEN",
        secret_env="DING_SECRET",
        endpoint=f"{server.url}/robot/send",
        keyword="kubedrift",
        timeout=5,
    )
    return DingTalkSender(sink, "zh-CN", {"DING_TOKEN": DING_TOKEN, "DING_SECRET": secret})


def test_dingtalk_gets_a_signed_markdown_summary_with_the_link(
    robot: DingTalkFakeServer, report: WeeklyReport
) -> None:
    _ding_sender(robot).send(_document(report))
    (sent,) = robot.messages  # accepted: the fake checked the signature and its timestamp
    markdown = sent["markdown"]
    assert markdown["title"].startswith(
        "kubedrift Kubernetes 版本合规周报 · 2026-03-09 至 2026-03-15"
    )
    text = markdown["text"]
    assert "- **本周合规率：60.7%**（上周 50.0%、上升 10.7 个百分点）" in text
    assert "tke/ap-shanghai/cls-old" in text
    assert f"[查看完整报告]({LINK_ZH})" in text
    call = robot.calls()[0]
    assert call.query["timestamp"].isdigit() and call.query["sign"]


def test_dingtalk_with_a_wrong_secret_is_refused_for_good(
    robot: DingTalkFakeServer, report: WeeklyReport
) -> None:
    with pytest.raises(DeliveryError, match="310000") as refused:
        _ding_sender(robot, secret="SECwrong").send(_document(report))
    assert not refused.value.retryable
    assert robot.messages == []


# -- email -----------------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def message(self, index: int = 0) -> EmailMessage:
        raw = self.envelopes[index].content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"ops", b"s3cret")
    # handled=False: aiosmtpd answers the refusal (535) itself.
    return AuthResult(success=ok, handled=False)


def _smtp(inbox: Inbox, **options: Any) -> Any:
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), **options)
    controller.start()
    return controller


def _mail_sender(port: int, **overrides: Any) -> EmailSender:
    fields: dict[str, Any] = {
        "type": "email",
        "name": "mail-weekly",
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "username_env": "SMTP_USER",
        "password_env": "SMTP_PASSWORD",
        "sender": "kubedrift@example.com",
        "to": ["platform@example.com", "sre@example.com"],
        "timeout": 5,
    }
    sink = EmailReportSink.model_validate(fields | overrides)
    return EmailSender(sink, "en", {"SMTP_USER": "ops", "SMTP_PASSWORD": "s3cret"})


def test_email_carries_the_html_body_and_the_pdf(report: WeeklyReport) -> None:
    inbox = Inbox()
    controller = _smtp(inbox, authenticator=_login, auth_require_tls=False)
    try:
        _mail_sender(controller.port).send(_document(report, pdf=True))
    finally:
        controller.stop()
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "kubedrift@example.com"
    assert envelope.rcpt_tos == ["platform@example.com", "sre@example.com"]
    message = inbox.message()
    assert message["Subject"] == (f"Weekly Kubernetes version compliance · {WEEK}")
    html = message.get_body(("html",))
    assert html is not None and "60.7%" in html.get_content() and "<svg" in html.get_content()
    text = message.get_body(("plain",))
    assert text is not None and "Compliance this week: 60.7%" in text.get_content()
    (attached,) = list(message.iter_attachments())
    assert attached.get_filename() == "kubedrift-weekly-2026-03-09-en.pdf"
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content().startswith(b"%PDF")


def test_email_with_a_wrong_password_is_not_retried(report: WeeklyReport) -> None:
    inbox = Inbox()
    controller = _smtp(inbox, authenticator=_login, auth_require_tls=False)
    sink = _mail_sender(controller.port)
    sender = EmailSender(sink.sink, "en", {"SMTP_USER": "ops", "SMTP_PASSWORD": "wrong"})
    try:
        with pytest.raises(DeliveryError, match="login refused") as refused:
            sender.send(_document(report))
    finally:
        controller.stop()
    assert not refused.value.retryable and inbox.envelopes == []


def test_email_server_down_is_retryable(report: WeeklyReport) -> None:
    with pytest.raises(DeliveryError, match="ConnectionRefusedError") as down:
        _mail_sender(_free_port()).send(_document(report))
    assert down.value.retryable


def test_email_over_starttls_verifies_the_server(report: WeeklyReport, tmp_path: Path) -> None:
    import ssl

    from kubedrift.sim.certs import make_pki

    pki = make_pki(tmp_path / "pki")  # a CA and a server certificate for 127.0.0.1
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    inbox = Inbox()
    controller = _smtp(
        inbox, tls_context=context, require_starttls=True, authenticator=_login, auth_required=True
    )
    try:
        untrusted = _mail_sender(controller.port, starttls=True)
        with pytest.raises(DeliveryError, match="not trusted") as refused:
            untrusted.send(_document(report))
        assert not refused.value.retryable
        trusted = _mail_sender(controller.port, starttls=True, ca_file=str(pki.ca_cert))
        trusted.send(_document(report))
    finally:
        controller.stop()
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["platform@example.com", "sre@example.com"]
    (attached,) = list(inbox.message().iter_attachments())
    assert attached.get_filename() == "kubedrift-weekly-2026-03-09-en.html"


def test_build_senders_follows_the_settings() -> None:
    settings = ReportSettings.model_validate(
        {
            "locale": "zh-CN",
            "public_url": PUBLIC,
            "sinks": [
                {"type": "slack", "name": "s", "token_env": "T", "channel": CHANNEL},
                {"type": "dingtalk", "name": "d", "access_token_env": "D", "locale": "en"},
                {"type": "email", "name": "e", "host": "mail", "sender": "a@b.c", "to": ["x@y.z"]},
            ],
        }
    )
    senders = build_senders(settings, {})
    assert [type(s).__name__ for s in senders.values()] == [
        "SlackSender",
        "DingTalkSender",
        "EmailSender",
    ]
    assert [getattr(s, "locale", None) for s in senders.values()] == ["zh-CN", "en", "zh-CN"]
