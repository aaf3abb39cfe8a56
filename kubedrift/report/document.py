"""One week's report as the sinks take it: rendered once per locale and form, on first use.

A sink asks for what it sends: the HTML page, the attachment (the PDF, or the HTML page when
weasyprint or a CJK font is missing: a report late for a missing font helps nobody, so the
fallback is logged, not fatal), the chat summary and the link to the page the daemon serves.
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar, cast

from kubedrift.report.data.models import WeeklyReport
from kubedrift.report.summary import Summary, summarize

log = logging.getLogger(__name__)

WEEKLY_PATH = "/v1/reports/weekly"
T = TypeVar("T")


def period_of(first_day: date) -> str:
    """The idempotency key of the week starting on `first_day` (in the report's zone)."""
    return f"weekly/{first_day.isoformat()}"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str  # "application/pdf" or "text/html"

    @property
    def maintype(self) -> str:
        return self.mime.split("/", 1)[0]

    @property
    def subtype(self) -> str:
        return self.mime.split("/", 1)[1]


@dataclass
class WeeklyDocument:
    """`report` for the week starting `first_day`; renders are cached (thread-safe)."""

    report: WeeklyReport
    first_day: date
    prefer_pdf: bool = True
    public_url: str | None = None
    _cache: dict[tuple[str, str], object] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def period(self) -> str:
        return period_of(self.first_day)

    def html(self, locale: str) -> str:
        from kubedrift.report.html import render_html

        return self._once(("html", locale), lambda: render_html(self.report, locale))

    def summary(self, locale: str) -> Summary:
        return self._once(("summary", locale), lambda: summarize(self.report, locale))

    def link(self, locale: str) -> str | None:
        """The daemon's page for this week, when `public_url` says where the daemon is."""
        if self.public_url is None:
            return None
        query = urllib.parse.urlencode({"locale": locale})
        base = self.public_url.rstrip("/")
        return f"{base}{WEEKLY_PATH}/{self.first_day.isoformat()}?{query}"

    def attachment(self, locale: str) -> Attachment:
        return self._once(("attachment", locale), lambda: self._attachment(locale))

    def _attachment(self, locale: str) -> Attachment:
        name = f"kubedrift-weekly-{self.first_day.isoformat()}-{locale}"
        html = self.html(locale)
        if self.prefer_pdf:
            from kubedrift.report.pdf import PdfUnavailableError, render_pdf

            try:
                pdf = render_pdf(html, needs_cjk=locale == "zh-CN")
            except PdfUnavailableError as exc:
                log.warning("sending the HTML report instead of a PDF: %s", exc)
            else:
                return Attachment(f"{name}.pdf", pdf, "application/pdf")
        return Attachment(f"{name}.html", html.encode("utf-8"), "text/html")

    def _once(self, key: tuple[str, str], make: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return cast("T", self._cache[key])
