"""The weekly report in chat: a Slack file upload with the summary as its comment, and a
DingTalk markdown summary linking to the page the daemon serves.

Both reuse the notifiers' clients (`notifiers.slack.upload_file`, the signed
`DingTalkNotifier`), so tokens, signatures and error mapping are the alerts' own.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubedrift.errors import DeliveryError
from kubedrift.notifiers.base import Message, message_key, required_env
from kubedrift.report.config import DingTalkReportSink, SlackReportSink
from kubedrift.report.document import WeeklyDocument
from kubedrift.report.i18n import Phrases


class SlackSender:
    def __init__(self, sink: SlackReportSink, locale: str, environ: Mapping[str, str]) -> None:
        self.name = sink.name
        self.sink, self.locale, self._environ = sink, locale, environ

    def send(self, document: WeeklyDocument) -> None:
        from kubedrift.notifiers.slack import upload_file

        token = required_env(self._environ, self.sink.token_env, "bot token", self.name)
        summary = document.summary(self.locale)
        attachment = document.attachment(self.locale)
        comment = summary.text()
        if link := document.link(self.locale):
            comment += f"\n{Phrases(self.locale)('summary.link')}: {link}"
        upload_file(
            sink=f"slack {self.name}",
            token=token,
            channel=self.sink.channel,
            filename=attachment.filename,
            content=attachment.content,
            title=f"{summary.title} · {summary.window}",
            comment=comment,
            timeout=self.sink.timeout,
            base_url=self.sink.base_url,
        )


class DingTalkSender:
    def __init__(self, sink: DingTalkReportSink, locale: str, environ: Mapping[str, str]) -> None:
        self.name = sink.name
        self.sink, self.locale, self._environ = sink, locale, environ

    def send(self, document: WeeklyDocument) -> None:
        from kubedrift.notifiers.dingtalk import DingTalkConfig, DingTalkNotifier

        config = DingTalkConfig(
            name=self.name,
            access_token_env=self.sink.access_token_env,
            secret_env=self.sink.secret_env,
            endpoint=self.sink.endpoint,
            keyword=self.sink.keyword,
            locale="zh-CN" if self.locale == "zh-CN" else "en",
            timeout=min(self.sink.timeout, 120),
        )
        link = document.link(self.locale)
        if link is None:
            # Without a link the summary would point nowhere; this is settings, not a blip.
            raise DeliveryError(
                f"dingtalk {self.name}: report.public_url is not set, so the summary cannot "
                "link to the full report",
                retryable=False,
            )
        summary = document.summary(self.locale)
        message = Message(
            key=message_key("digest", self.locale, [document.period]),
            kind="digest",
            locale=config.default_locale,
            severity="info",
            title=f"{summary.title} · {summary.window}",
            lines=summary.lines,
            link=link,
            link_label=Phrases(self.locale)("summary.link"),
            event_ids=(document.period,),
        )
        DingTalkNotifier(config, self._environ).send(message)
