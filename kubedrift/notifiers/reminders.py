"""Reminders: what stays open at high or critical is told again every `repeat_interval`.

For each open, announced, unwaived finding at high or above, the routes that would take its
opening (`routing.deliveries`) and have a `repeat_interval` each owe a reminder once per
interval since the finding opened: the n-th falls due at `opened_at + n * interval`. Only
the latest one due is made (a daemon that was down for a day sends one reminder, not six),
as a `drift.reminder` event whose id is derived from the finding, its opening, the route and
n: saving it twice (a crash, two replicas, the next pass) inserts nothing, so no reminder
is told twice. It goes through the outbox to that route's sinks like any event. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kubedrift.drift.ids import event_id
from kubedrift.model.events import DriftEvent, DriftState, EventType
from kubedrift.model.findings import Severity
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.routing import DEFAULT_ROUTE, Routes, Rule, deliveries

REMIND_FROM = Severity.HIGH


@dataclass(frozen=True)
class Reminder:
    """A reminder event and the sinks of the route it is due for."""

    event: DriftEvent
    sinks: tuple[str, ...]


def repeating(routes: Routes) -> bool:
    """Whether any route repeats at all (else there is nothing to look at)."""
    return any(d.repeat_interval for d in routes.named().values())


def due(
    states: Iterable[DriftState], context: NotifyContext, routes: Routes, now: datetime
) -> list[Reminder]:
    """The reminders due at `now` (the latest one per finding and route)."""
    found: list[Reminder] = []
    rules = routes.all_rules()
    for state in states:
        if (
            state.resolved_at is not None
            or state.waived_by is not None
            or not state.announced
            or state.severity < REMIND_FROM
        ):
            continue
        opening = _as_opening(state)
        for delivery in deliveries(opening, context, routes, rules):
            if delivery.repeat_interval is None:
                continue
            interval = timedelta(seconds=delivery.repeat_interval)
            n = int((now - state.opened_at) / interval)
            if n < 1:
                continue
            name = delivery.name if isinstance(delivery, Rule) else DEFAULT_ROUTE
            found.append(Reminder(_reminder(state, name, n, interval), tuple(delivery.sinks)))
    return found


def _as_opening(state: DriftState) -> DriftEvent:
    """The finding as its opening event, to ask the routes who would take it now."""
    return DriftEvent(
        id="-",
        type=EventType.DRIFT_OPENED,
        at=state.opened_at,
        cluster=state.key.cluster,
        finding=state.key,
        severity=state.severity,
        summary=state.summary,
        detail={"rule": state.key.rule, "component": state.key.component},
    )


def _reminder(state: DriftState, route: str, n: int, interval: timedelta) -> DriftEvent:
    detail = {
        "rule": state.key.rule,
        "component": state.key.component,
        "opened_at": state.opened_at.isoformat(),
        "route": route,
        "reminder": str(n),
    }
    if state.observed is not None:
        detail["observed"] = state.observed
    if state.expected is not None:
        detail["expected"] = state.expected
    return DriftEvent(
        id=event_id(EventType.DRIFT_REMINDER, f"{state.key}|{route}|{n}", state.opened_at),
        type=EventType.DRIFT_REMINDER,
        at=state.opened_at + n * interval,
        cluster=state.key.cluster,
        finding=state.key,
        severity=state.severity,
        summary=state.summary,
        detail=detail,
    )
