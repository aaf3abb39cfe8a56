"""The daemon's weekly report job: render last week's report from the store and deliver it to
every `report.sinks` entry, once per week, on the leader only.

`run()` is the crontab's job: it records a pending delivery per sink for the week that just
ended (idempotent: a restart in the same week finds them recorded and sends nothing twice),
then sends what is due. `retry(fired_at)` (the retry job, also run at start) records the week
of the crontab's latest time if nobody did (a missed crontab time), and sends pending
deliveries whose next attempt has come: a failure is logged and tried again with a growing delay; a
permanent failure, or one lasting past `give_up_after`, marks the delivery dead and is logged
as an error. Nothing is dropped silently. The week is the last whole Monday-to-Sunday week
in `report.timezone` before the job runs, whatever the crontab's day.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Literal, get_args

from prometheus_client import CollectorRegistry, Counter

from kubedrift.calendar import ReleaseCalendar
from kubedrift.errors import DeliveryError
from kubedrift.model.plan import VersionPlan
from kubedrift.report.config import ReportSettings
from kubedrift.report.deliver import ReportSender, build_senders
from kubedrift.report.document import WeeklyDocument, period_of
from kubedrift.store.repo import Store
from kubedrift.store.reports_repo import ReportDeliveries, ReportDelivery

log = logging.getLogger(__name__)

SendOutcome = Literal["delivered", "retry", "dead"]
MAX_RETRY_DELAY = timedelta(hours=6)
PAGE_TTL = 300.0


@dataclass(frozen=True)
class Sent:
    """What one attempt did."""

    period: str
    sink: str
    outcome: SendOutcome
    error: str | None = None


class WeeklyReports:
    """Everything the weekly job needs, wired by the daemon from the settings."""

    def __init__(
        self,
        settings: ReportSettings,
        store: Store,
        *,
        plan: Callable[[], VersionPlan | None],
        calendar: ReleaseCalendar,
        clock: Callable[[], datetime],
        is_leader: Callable[[], bool],
        environ: Mapping[str, str],
        senders: Mapping[str, ReportSender] | None = None,
        monotonic: Callable[[], float] = monotonic,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.deliveries = ReportDeliveries(store)
        self._store, self._plan, self._calendar = store, plan, calendar
        self._clock, self._is_leader = clock, is_leader
        self.senders = dict(senders) if senders is not None else build_senders(settings, environ)
        self._sending = threading.Lock()
        self._sends = Counter(
            "kubedrift_report_sends",
            "Weekly report send attempts by sink and outcome (delivered, retry, dead).",
            ["sink", "outcome"],
            registry=registry,
        )
        # Every sink's series start at 0: `increase()` then sees the first dead send (a
        # series born at 1 shows none), which the KubedriftReportSendsDead alert relies on.
        for sink in self.senders:
            for outcome in get_args(SendOutcome):
                self._sends.labels(sink=sink, outcome=outcome)
        self._pages: dict[tuple[str, str], tuple[float, str]] = {}
        self._pages_lock = threading.Lock()
        self._monotonic = monotonic  # ages the kept page

    def week_of(self, moment: datetime) -> tuple[date, datetime, datetime]:
        """(first day, since, until) of the last whole week (Monday to Sunday, local) before
        `moment`: the same week whichever day of the next week the job runs."""
        zone = self.settings.zone
        today = moment.astimezone(zone).date()
        last = today - timedelta(days=today.weekday())  # this week's Monday: `until`
        first = last - timedelta(days=7)
        since = datetime.combine(first, time(), tzinfo=zone)
        until = datetime.combine(last, time(), tzinfo=zone)
        return first, since, until

    def run(self) -> list[Sent]:
        """The crontab's job: record this week's deliveries, then send what is due."""
        return self.retry(fired_at=self._clock())

    def retry(self, fired_at: datetime | None = None) -> list[Sent]:
        """Record the week of `fired_at` (the crontab's latest time, if it has passed) unless
        it is recorded, then send every pending delivery whose next attempt is due.

        The retry job passes the crontab's latest time too: a week whose crontab time was
        missed (the daemon down, another replica leading then) is sent late, not never.
        """
        if not self._is_leader():
            return []
        # The crontab job and the retry job may start together: one sends at a time.
        with self._sending:
            now = self._clock()
            if fired_at is not None:
                self._record_week(fired_at, now)
            sent: list[Sent] = []
            documents: dict[str, WeeklyDocument] = {}
            for delivery in self.deliveries.due(now):
                if delivery.period not in documents:
                    documents[delivery.period] = self.document(delivery.since, delivery.until, now)
                sent.append(self._attempt(delivery, documents[delivery.period], now))
            return sent

    def _record_week(self, fired_at: datetime, now: datetime) -> None:
        first, since, until = self.week_of(fired_at)
        if self.deliveries.of_period(period_of(first)):
            return
        self.deliveries.schedule(period_of(first), since, until, self.senders, now)
        log.info("weekly report recorded", extra={"period": period_of(first)})

    def document(self, since: datetime, until: datetime, now: datetime) -> WeeklyDocument:
        """The report of [since, until), rendered lazily by whoever sends it."""
        from kubedrift.report.data import build_weekly_report
        from kubedrift.report.rows import read_rows

        rows = read_rows(self._store, since, until)
        report = build_weekly_report(
            rows, since=since, until=until, now=now, plan=self._plan(), calendar=self._calendar
        )
        return WeeklyDocument(
            report,
            since.astimezone(self.settings.zone).date(),
            prefer_pdf=self.settings.format == "pdf",
            public_url=self.settings.public_url,
        )

    def html(self, first_day: date | None, locale: str) -> str | None:
        """The page of the week starting `first_day` (None: the newest recorded), or None
        when no such week was recorded. A page is kept `PAGE_TTL` seconds: rendering takes
        about a second of CPU, and anyone reaching the HTTP API may ask for it."""
        if first_day is None:
            found = self.deliveries.latest()
        else:
            rows = self.deliveries.of_period(period_of(first_day))
            found = rows[0] if rows else None
        if found is None:
            return None
        key = (found.period, locale)
        with self._pages_lock:
            kept = self._pages.get(key)
            if kept is not None and self._monotonic() - kept[0] < PAGE_TTL:
                return kept[1]
            page = self.document(found.since, found.until, self._clock()).html(locale)
            self._pages = {key: (self._monotonic(), page)}  # one page kept: the last asked
        return page

    def _attempt(self, delivery: ReportDelivery, document: WeeklyDocument, now: datetime) -> Sent:
        fields = {"period": delivery.period, "sink": delivery.sink}
        sender = self.senders.get(delivery.sink)
        try:
            if sender is None:
                raise DeliveryError("the sink is no longer in report.sinks", retryable=False)
            sender.send(document)
        except DeliveryError as exc:
            return self._failed(delivery, now, str(exc), exc.retryable, exc.retry_after)
        except Exception as exc:  # the per-delivery boundary: one sink never stops the others
            log.exception("weekly report send crashed", extra=fields)
            return self._failed(delivery, now, f"{type(exc).__name__}: {exc}", True, None)
        self.deliveries.delivered(delivery.id, now)
        log.info("weekly report delivered", extra=fields)
        return self._sent(Sent(delivery.period, delivery.sink, "delivered"))

    def _failed(
        self,
        delivery: ReportDelivery,
        now: datetime,
        error: str,
        retryable: bool,
        retry_after: float | None,
    ) -> Sent:
        fields = {"period": delivery.period, "sink": delivery.sink, "error": error}
        give_up = delivery.created_at + timedelta(seconds=self.settings.give_up_after)
        retry_at = None
        if retryable:
            backoff = timedelta(seconds=self.settings.retry_interval) * 2**delivery.attempts
            wait = max(min(backoff, MAX_RETRY_DELAY), timedelta(seconds=retry_after or 0))
            if now + wait <= give_up:
                retry_at = now + wait
        self.deliveries.failed(delivery.id, now, error, retry_at=retry_at)
        if retry_at is None:
            log.error("weekly report not delivered; giving up", extra=fields)
            return self._sent(Sent(delivery.period, delivery.sink, "dead", error))
        log.warning(
            "weekly report send failed; will retry", extra=fields | {"at": retry_at.isoformat()}
        )
        return self._sent(Sent(delivery.period, delivery.sink, "retry", error))

    def _sent(self, sent: Sent) -> Sent:
        self._sends.labels(sink=sent.sink, outcome=sent.outcome).inc()
        return sent
