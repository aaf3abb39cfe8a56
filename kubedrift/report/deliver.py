"""Where the weekly report goes: one `ReportSender` per `report.sinks` entry.

A sender delivers one week's `WeeklyDocument` in its sink's language or raises
`DeliveryError` (`retryable` says whether the weekly job should try again). Senders never
retry on their own: the job records every attempt in the store, so a send is tried exactly as
often as it records. Chat senders live in `deliver_chat`, email in `deliver_email`; both are
imported only when the settings use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from kubedrift.report.config import ReportSettings, ReportSink
from kubedrift.report.document import WeeklyDocument


class ReportSender(Protocol):
    name: str

    def send(self, document: WeeklyDocument) -> None:
        """Deliver the week's report; raise DeliveryError(retryable=..., retry_after=...)."""


def build_senders(settings: ReportSettings, environ: Mapping[str, str]) -> dict[str, ReportSender]:
    """A sender per configured sink, by name; secrets are read from `environ` when sending."""
    return {sink.name: build_sender(sink, settings.locale, environ) for sink in settings.sinks}


def build_sender(sink: ReportSink, locale: str, environ: Mapping[str, str]) -> ReportSender:
    from kubedrift.report.config import EmailReportSink, SlackReportSink

    if isinstance(sink, EmailReportSink):
        from kubedrift.report.deliver_email import EmailSender

        return EmailSender(sink, sink.locale or locale, environ)
    from kubedrift.report.deliver_chat import DingTalkSender, SlackSender

    if isinstance(sink, SlackReportSink):
        return SlackSender(sink, sink.locale or locale, environ)
    return DingTalkSender(sink, sink.locale or locale, environ)
