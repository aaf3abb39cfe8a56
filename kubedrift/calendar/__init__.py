"""The release calendar: upstream, ACK and TKE support windows per Kubernetes minor.

The data ships as package files (`kubedrift/calendar/data/*.yaml`), every date with its source;
`docs/calendar.md` says where each set comes from and how to refresh it.

    from kubedrift.calendar import load_calendar
    cal = load_calendar()
    cal.is_supported("ack", "1.30", today)          # True / False / None (unknown)
    cal.days_until_end_of_support("tke", version, today, use_estimates=True)
"""

from __future__ import annotations

from kubedrift.calendar.loader import (
    CalendarDataError,
    load_calendar,
    load_calendar_files,
    load_provider_file,
)
from kubedrift.calendar.lookup import (
    HasMinor,
    InvalidMinorError,
    MinorLike,
    ReleaseCalendar,
    SupportPhase,
    calendar_provider_for,
    minor_key,
)

__all__ = [
    "CalendarDataError",
    "HasMinor",
    "InvalidMinorError",
    "MinorLike",
    "ReleaseCalendar",
    "SupportPhase",
    "calendar_provider_for",
    "load_calendar",
    "load_calendar_files",
    "load_provider_file",
    "minor_key",
]
