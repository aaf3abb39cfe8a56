"""Fixtures: a SQLite store seeded with the known history of `seed.py`, and its report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.report.data import WeeklyReport, build_weekly_report
from kubedrift.report.rows import read_rows
from kubedrift.store import Store
from tests.integration.report.seed import NOW, PLAN, SINCE, UNTIL, seed


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("report") / "kubedrift.db"
    with Store(f"sqlite:///{path}", upgrade=True) as store:
        seed(store)
        yield store


@pytest.fixture(scope="module")
def report(seeded: Store) -> WeeklyReport:
    rows = read_rows(seeded, SINCE, UNTIL)
    return build_weekly_report(
        rows, since=SINCE, until=UNTIL, now=NOW, plan=PLAN, calendar=load_calendar()
    )
