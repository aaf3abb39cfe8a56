"""Month arithmetic and TKE's published lifecycle rule, used to derive (never to invent) dates.

TKE publishes its lifecycle as a rule: GA about 3 months after upstream releases an even
minor, EOM 18 months after GA, EOFS 6 months after EOM, EOS 3 months after EOFS (27 months
in all). Dates derived from it are stored with `estimated: true` and the rule spelled out.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Final

# Months after the upstream release of the minor, per TKE milestone.
TKE_RULE_MONTHS: Final[dict[str, int]] = {
    "released": 3,
    "end_of_creation": 3 + 18,
    "end_of_support": 3 + 18 + 6,
    "end_of_maintenance": 3 + 18 + 6 + 3,
}

TKE_RULE_TEXT: Final[dict[str, str]] = {
    "released": "GA = upstream release + 3 months",
    "end_of_creation": "EOM = GA + 18 months = upstream release + 21 months",
    "end_of_support": "EOFS = EOM + 6 months = upstream release + 27 months",
    "end_of_maintenance": "EOS = EOFS + 3 months = upstream release + 30 months",
}


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, the day clamped to the target month's length."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def tke_estimate(upstream_release: date, milestone: str) -> date:
    return add_months(upstream_release, TKE_RULE_MONTHS[milestone])
