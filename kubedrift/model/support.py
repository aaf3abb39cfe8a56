"""How long a provider supports a Kubernetes minor: `SupportWindow` and the dated facts in it.

Every date carries the `Source` it was read from. A date no source publishes is `value=None`
with a `note` saying so; a date derived from a published rule is `estimated=True` with the
`rule`. Nothing here reads the clock: callers pass `today`.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import date
from typing import Literal

from pydantic import model_validator

from kubedrift.model.base import Frozen

CalendarProvider = Literal["upstream", "ack", "tke"]
Precision = Literal["day", "month"]


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class Source(Frozen):
    """Where a date was read, and when."""

    id: str
    title: str
    url: str
    retrieved: date
    snapshot: str | None = None  # commit or "page last updated ...": which copy was read


class OtherReading(Frozen):
    """A date another source gives for the same milestone, kept where the sources disagree."""

    value: date | None
    source: Source
    precision: Precision = "day"
    note: str | None = None


class SupportDate(Frozen):
    """One milestone of a support window.

    `precision="month"` means the source names only a month; `value` is then the last day of
    that month (support runs to the end of the month named, as ACK's later day-precise tables
    confirm for the months they replaced).
    """

    value: date | None
    source: Source
    precision: Precision = "day"
    estimated: bool = False
    rule: str | None = None
    note: str | None = None
    other_readings: tuple[OtherReading, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> SupportDate:
        if self.value is None:
            if not self.note:
                raise ValueError("an unknown date (value: null) needs a note saying why")
            if self.estimated:
                raise ValueError("an estimate needs a value")
        if self.estimated and not self.rule:
            raise ValueError("an estimated date needs the rule it was derived from")
        if self.rule and not self.estimated:
            raise ValueError("a rule is only given for an estimated date")
        if (
            self.value is not None
            and self.precision == "month"
            and self.value != last_day_of_month(self.value.year, self.value.month)
        ):
            raise ValueError("a month-precision date is stored as the last day of its month")
        return self

    def known(self, *, use_estimates: bool = False) -> date | None:
        """The date if it is published (or, when asked for, estimated); else None."""
        if self.value is None or (self.estimated and not use_estimates):
            return None
        return self.value


class PatchInfo(Frozen):
    """The newest patch release of a minor known to the source when it was read."""

    version: str
    released: date | None = None
    source: Source
    note: str | None = None


class SupportWindow(Frozen):
    """The support calendar of one Kubernetes minor on one provider.

    Milestones, in order: `released` (generally available on this provider),
    `end_of_creation` (no new clusters; TKE's EOM), `end_of_support` (end of standard
    support: upstream's maintenance-mode start, ACK's discontinue date, TKE's EOFS), and
    `end_of_maintenance` (nothing at all after it: upstream's end of life, TKE's EOS).
    `end_of_maintenance` is None where the provider publishes a single end date (ACK);
    `support_ends` is then `end_of_support`.
    """

    provider: CalendarProvider
    minor: str
    released: SupportDate
    end_of_support: SupportDate
    end_of_maintenance: SupportDate | None = None
    end_of_creation: SupportDate | None = None
    latest_patch: PatchInfo | None = None
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> SupportWindow:
        parts = self.minor.split(".")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"minor must look like '1.30', found {self.minor!r}")
        chain = [("released", self.released), ("end_of_support", self.end_of_support)]
        if self.end_of_maintenance is not None:
            chain.append(("end_of_maintenance", self.end_of_maintenance))
        known = [(name, d.value) for name, d in chain if d.value is not None]
        for (first, a), (second, b) in itertools.pairwise(known):
            if first == "released" and not a < b:
                raise ValueError(f"{first} ({a}) must be before {second} ({b})")
            if not a <= b:
                raise ValueError(f"{first} ({a}) must not be after {second} ({b})")
        return self

    @property
    def major_number(self) -> int:
        return int(self.minor.split(".")[0])

    @property
    def minor_number(self) -> int:
        return int(self.minor.split(".")[1])

    @property
    def key(self) -> tuple[int, int]:
        return (self.major_number, self.minor_number)

    @property
    def support_ends(self) -> SupportDate:
        """The last milestone: after it the provider supports this minor in no way."""
        return self.end_of_maintenance or self.end_of_support
