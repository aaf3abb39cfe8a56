"""The reminder job: turn what stays open at high or critical into `drift.reminder` events.

Run before each outbox drain, at most once a `period` (a minute: a reminder is late by at
most that), on the leader only. It reads the open states, asks `notifiers.reminders.due`
which reminders are due under the routes, and saves them with their outbox rows in one
transaction. Their ids are deterministic, so a pass repeated after a crash, or by a new
leader, adds nothing: no reminder is doubled, none is lost (the next pass makes it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Protocol

from kubedrift.model.events import DriftEvent, DriftState
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.reminders import REMIND_FROM, due, repeating
from kubedrift.notifiers.routing import Routes

log = logging.getLogger(__name__)

PERIOD = 60.0


class ReminderStore(Protocol):
    def open_states(self) -> tuple[DriftState, ...]: ...
    def save_events(
        self,
        events: Sequence[DriftEvent],
        sinks: Callable[[DriftEvent], Iterable[str]],
        now: datetime,
    ) -> tuple[int, int]: ...


class ReminderJob:
    """Makes the due reminders; see the module docstring."""

    def __init__(
        self,
        store: ReminderStore,
        routes: Routes,
        context: Callable[[Iterable[str]], NotifyContext],
        clock: Callable[[], datetime],
        *,
        is_leader: Callable[[], bool] = lambda: True,
        period: float = PERIOD,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.routes, self.context, self.clock = store, routes, context, clock
        self.is_leader, self.period, self.monotonic = is_leader, period, monotonic
        self.active = repeating(routes)
        self._last: float | None = None

    def run(self) -> int:
        """One pass when due; returns the reminder events added."""
        if not self.active or not self.is_leader():
            return 0
        started = self.monotonic()
        if self._last is not None and started - self._last < self.period:
            return 0
        self._last = started
        try:
            return self._pass()
        except Exception:  # the job's boundary: a failed pass must not stop the deliveries
            log.exception("reminder pass failed; the next one makes what is due")
            return 0

    def _pass(self) -> int:
        now = self.clock()
        states = [s for s in self.store.open_states() if s.severity >= REMIND_FROM]
        if not states:
            return 0
        context = self.context({state.key.cluster for state in states})
        reminders = due(states, context, self.routes, now)
        if not reminders:
            return 0
        sinks = {reminder.event.id: reminder.sinks for reminder in reminders}
        added, rows = self.store.save_events(
            [reminder.event for reminder in reminders], lambda event: sinks[event.id], now
        )
        if added:
            log.info("reminders due: %d", added, extra={"outbox_rows": rows})
        return added
