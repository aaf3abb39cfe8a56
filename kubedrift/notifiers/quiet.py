"""Quiet hours: a route's nightly window in which its non-urgent messages wait.

```yaml
quiet_hours: {start: "22:00", end: "08:00", timezone: Asia/Shanghai, let_through: critical}
```

The window is read in its time zone (daylight saving included) and may run past midnight.
An event whose routes to a sink are all quiet at the moment is *held*, not dropped: its
outbox row waits until the earliest of those windows ends, then goes out like any other.
Events at or above `let_through` (default `critical`; `null` holds everything) go out at
once. Pure: `now` is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, field_validator, model_validator

from kubedrift.model.base import Frozen
from kubedrift.model.events import DriftEvent
from kubedrift.model.findings import Severity
from kubedrift.notifiers.base import event_severity


def _clock(value: object) -> object:
    # YAML 1.1 reads an unquoted 22:00 as the base-60 number 1320: take it back as 22:00.
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value < 24 * 60:
            raise ValueError(f'expected a time of day like "22:00", found the number {value}')
        return time(value // 60, value % 60)
    return value


Clock = Annotated[time, BeforeValidator(_clock)]


class QuietHours(Frozen):
    """A daily window, local to `timezone`, in which a route holds its messages."""

    start: Clock = Field(description='start of the window, "HH:MM" local time')
    end: Clock = Field(description='end of the window, "HH:MM" local time (may be next day)')
    timezone: str = Field(default="UTC", description="IANA time zone, like Asia/Shanghai")
    let_through: Severity | None = Field(
        default=Severity.CRITICAL, description="at or above this, send anyway; null: hold all"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA time zone like Asia/Shanghai or UTC, found {value!r}"
            ) from None
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("start and end must differ (an empty window holds nothing)")
        return self

    def ends(self, now: datetime) -> datetime | None:
        """When the window `now` falls in ends (UTC); None when `now` is outside it."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        today = local.date()
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            inside = self.start <= clock < self.end
            end_day = today
        elif clock >= self.start:  # the window runs past midnight: we are before it
            inside, end_day = True, today + timedelta(days=1)
        else:
            inside, end_day = clock < self.end, today
        if not inside:
            return None
        return datetime.combine(end_day, self.end, tzinfo=zone).astimezone(UTC)


class Quietable(Protocol):
    @property
    def quiet_hours(self) -> QuietHours | None: ...


def held_until(
    event: DriftEvent, deliveries: Iterable[Quietable], now: datetime
) -> datetime | None:
    """Until when `event` waits, given the deliveries that send it to one sink: only when
    every one of them is in quiet hours now (and the event is below its `let_through`);
    then until the earliest of their windows ends."""
    ends: list[datetime] = []
    severity = event_severity(event)
    for delivery in deliveries:
        quiet = delivery.quiet_hours
        end = quiet.ends(now) if quiet is not None else None
        if quiet is None or end is None:
            return None
        if quiet.let_through is not None and severity >= quiet.let_through:
            return None
        ends.append(end)
    return min(ends) if ends else None
