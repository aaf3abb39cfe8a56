"""The shape of one calendar data file (`data/<provider>.yaml`), as written by hand.

Dates name their source by id; `kubedrift.calendar.loader` resolves the ids and builds the
`SupportWindow` models. A date is `YYYY-MM-DD`, or `YYYY-MM` when the source names only a month.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from kubedrift.model.base import Frozen
from kubedrift.model.support import CalendarProvider, last_day_of_month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _parse_when(raw: object) -> object:
    """`YYYY-MM` becomes a ("month", last day) pair; anything else is left to pydantic."""
    if isinstance(raw, str) and (m := _MONTH.match(raw)):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"expected a month 01-12, found {raw!r}")
        return MonthDate(value=last_day_of_month(year, month))
    if isinstance(raw, date):
        return DayDate(value=raw)
    if isinstance(raw, str):
        try:
            return DayDate(value=date.fromisoformat(raw))
        except ValueError:
            raise ValueError(
                f"expected a date YYYY-MM-DD or a month YYYY-MM, found {raw!r}"
            ) from None
    return raw


class DayDate(Frozen):
    precision: Literal["day"] = "day"
    value: date


class MonthDate(Frozen):
    precision: Literal["month"] = "month"
    value: date


When = Annotated[DayDate | MonthDate | None, BeforeValidator(_parse_when)]
MinorStr = Annotated[str, Field(pattern=r"^\d+\.\d+$")]


class SourceEntry(Frozen):
    title: str
    url: str = Field(pattern=r"^https://")
    retrieved: date
    snapshot: str | None = None


class OtherReadingEntry(Frozen):
    date: When
    source: str
    note: str | None = None


class DateEntry(Frozen):
    date: When
    source: str
    estimated: bool = False
    rule: str | None = None
    note: str | None = None
    other_readings: tuple[OtherReadingEntry, ...] = ()


class PatchEntry(Frozen):
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    released: date | None = None
    source: str
    note: str | None = None


class MinorEntry(Frozen):
    minor: MinorStr
    released: DateEntry
    end_of_support: DateEntry
    end_of_maintenance: DateEntry | None = None
    end_of_creation: DateEntry | None = None
    latest_patch: PatchEntry | None = None
    notes: tuple[str, ...] = ()


class CalendarFile(Frozen):
    schema_: Literal[1] = Field(alias="schema")
    provider: CalendarProvider
    title: str
    policy: str
    sources: dict[str, SourceEntry] = Field(min_length=1)
    minors: tuple[MinorEntry, ...] = Field(min_length=1)
