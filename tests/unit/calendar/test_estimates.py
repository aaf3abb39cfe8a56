from __future__ import annotations

from datetime import date

import pytest

from kubedrift.calendar.estimates import add_months

CASES = [
    (date(2024, 4, 17), 3, date(2024, 7, 17)),
    (date(2024, 4, 17), 30, date(2026, 10, 17)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),  # clamped to February
    (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
    (date(2024, 12, 11), 1, date(2025, 1, 11)),  # year boundary
    (date(2024, 1, 31), 0, date(2024, 1, 31)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
]


@pytest.mark.parametrize(("start", "months", "expected"), CASES)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected
