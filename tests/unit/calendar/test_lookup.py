"""Look-ups on a small hand-made calendar, plus a few facts of the shipped one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from kubedrift.calendar import (
    InvalidMinorError,
    ReleaseCalendar,
    SupportPhase,
    calendar_provider_for,
    load_calendar,
    minor_key,
)
from kubedrift.model.support import Source, SupportDate, SupportWindow

SRC = Source(id="s", title="test", url="https://example.invalid/", retrieved=date(2026, 1, 1))


def d(value: date | None, *, estimated: bool = False) -> SupportDate:
    return SupportDate(
        value=value,
        source=SRC,
        estimated=estimated,
        rule="test rule" if estimated else None,
        note=None if value else "not published",
    )


def window(provider: str, minor: str, *dates: date | None, est: bool = False) -> SupportWindow:
    released, eos, *rest = dates
    return SupportWindow.model_validate(
        {
            "provider": provider,
            "minor": minor,
            "released": d(released, estimated=est and released is not None),
            "end_of_support": d(eos, estimated=est and eos is not None),
            "end_of_maintenance": d(rest[0], estimated=est and rest[0] is not None)
            if rest
            else None,
        }
    )


CAL = ReleaseCalendar(
    [
        window("upstream", "1.10", date(2020, 1, 1), date(2021, 1, 1), date(2021, 3, 1)),
        window("upstream", "1.11", date(2020, 5, 1), date(2021, 5, 1), None),
        window("upstream", "1.12", date(2020, 9, 1), date(2021, 9, 1), date(2021, 11, 1)),
        window("ack", "1.10", date(2020, 2, 29), date(2022, 2, 28)),
        window("ack", "1.12", None, None),
        window("tke", "1.10", date(2020, 4, 1), date(2022, 4, 1), date(2022, 7, 1), est=True),
    ]
)


@dataclass(frozen=True)
class V:
    major: int
    minor: int


Case = tuple[str, str | V, date, SupportPhase, bool | None, int | None]

PHASES: list[Case] = [
    # provider, minor, today, phase, is_supported, days to end of support
    ("upstream", "1.10", date(2019, 12, 31), SupportPhase.NOT_RELEASED, False, 367),
    ("upstream", "1.10", date(2020, 1, 1), SupportPhase.SUPPORTED, True, 366),
    ("upstream", "1.10", date(2020, 12, 31), SupportPhase.SUPPORTED, True, 1),
    ("upstream", "1.10", date(2021, 1, 1), SupportPhase.MAINTENANCE, True, 0),
    ("upstream", "1.10", date(2021, 2, 28), SupportPhase.MAINTENANCE, True, -58),
    ("upstream", "1.10", date(2021, 3, 1), SupportPhase.ENDED, False, -59),
    ("upstream", V(1, 10), date(2021, 3, 1), SupportPhase.ENDED, False, -59),
    ("upstream", "v1.10", date(2020, 6, 1), SupportPhase.SUPPORTED, True, 214),
    # end of maintenance unknown: supported until end of support, unknown after it
    ("upstream", "1.11", date(2021, 4, 30), SupportPhase.SUPPORTED, True, 1),
    ("upstream", "1.11", date(2021, 5, 1), SupportPhase.UNKNOWN, None, 0),
    # older than the oldest minor, which has ended: certainly unsupported
    ("upstream", "1.9", date(2021, 3, 1), SupportPhase.ENDED, False, None),
    ("upstream", "1.9", date(2021, 2, 1), SupportPhase.UNKNOWN, None, None),
    # a gap and a minor newer than the newest: unknown, never "fine"
    ("ack", "1.11", date(2021, 1, 1), SupportPhase.UNKNOWN, None, None),
    ("upstream", "1.13", date(2021, 1, 1), SupportPhase.UNKNOWN, None, None),
    # ACK: one end date, no maintenance phase
    ("ack", "1.10", date(2022, 2, 27), SupportPhase.SUPPORTED, True, 1),
    ("ack", "1.10", date(2022, 2, 28), SupportPhase.ENDED, False, 0),
    ("ack", "1.12", date(2021, 1, 1), SupportPhase.UNKNOWN, None, None),
    # estimates do not count unless asked for
    ("tke", "1.10", date(2021, 1, 1), SupportPhase.UNKNOWN, None, None),
    # other providers fall back to upstream
    ("eks", "1.10", date(2020, 6, 1), SupportPhase.SUPPORTED, True, 214),
    ("selfhosted", "1.12", date(2021, 12, 1), SupportPhase.ENDED, False, -91),
]


@pytest.mark.parametrize("case", PHASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_phase_support_and_days(case: Case) -> None:
    provider, minor, today, phase, supported, days = case
    assert CAL.phase(provider, minor, today) is phase
    assert CAL.is_supported(provider, minor, today) is supported
    assert CAL.days_until_end_of_support(provider, minor, today) == days


ESTIMATED = [
    (date(2020, 3, 31), SupportPhase.NOT_RELEASED, None),
    (date(2021, 1, 1), SupportPhase.SUPPORTED, 546),
    (date(2022, 5, 1), SupportPhase.MAINTENANCE, 61),
    (date(2022, 7, 1), SupportPhase.ENDED, 0),
]


@pytest.mark.parametrize(("today", "phase", "days_final"), ESTIMATED)
def test_estimates_count_when_asked(
    today: date, phase: SupportPhase, days_final: int | None
) -> None:
    assert CAL.phase("tke", "1.10", today, use_estimates=True) is phase
    if days_final is not None:
        got = CAL.days_until_end_of_support("tke", "1.10", today, final=True, use_estimates=True)
        assert got == days_final


def test_window_minors_newest() -> None:
    assert CAL.minors("upstream") == ("1.10", "1.11", "1.12")
    assert CAL.minors("gke") == CAL.minors("upstream")
    w = CAL.window("k3s", "1.12")
    assert w is not None and w.provider == "upstream"  # the fallback is visible
    assert CAL.window("ack", "1.11") is None
    newest = CAL.newest("upstream")
    assert newest is not None and newest.minor == "1.12"
    assert CAL.newest("ack") is not None
    released_by = CAL.newest("ack", date(2021, 1, 1))
    assert released_by is not None and released_by.minor == "1.10"  # 1.12 has no known release
    assert CAL.newest("upstream", date(2019, 1, 1)) is None
    assert CAL.supported_minors("upstream", date(2021, 1, 15)) == ("1.10", "1.11", "1.12")
    assert CAL.supported_minors("upstream", date(2021, 5, 15)) == ("1.12",)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("1.30", (1, 30)), ("v1.30", (1, 30)), (" 1.9 ", (1, 9)), (V(1, 31), (1, 31))],
)
def test_minor_key(given: str | V, expected: tuple[int, int]) -> None:
    assert minor_key(given) == expected


@pytest.mark.parametrize("bad", ["1.30.2", "1", "1.x", "", "one.two", "1.30-aliyun"])
def test_minor_key_rejects(bad: str) -> None:
    with pytest.raises(InvalidMinorError, match=r"expected a Kubernetes minor like '1\.30'"):
        minor_key(bad)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ack", "ack"),
        ("TKE", "tke"),
        ("upstream", "upstream"),
        ("eks", "upstream"),
        ("gke", "upstream"),
        ("k3s", "upstream"),
        ("selfhosted", "upstream"),
    ],
)
def test_calendar_provider_for(name: str, expected: str) -> None:
    assert calendar_provider_for(name) == expected


SHIPPED = [
    # facts of the shipped data on the day this calendar was assembled
    ("upstream", "1.35", date(2026, 11, 26), True, 32),
    ("upstream", "1.34", date(2026, 11, 26), False, -91),
    ("ack", "1.35", date(2026, 11, 26), True, 94),
    ("ack", "1.34", date(2026, 11, 26), False, -57),
    ("ack", "1.36", date(2026, 11, 26), None, None),
    ("tke", "1.30", date(2026, 11, 26), None, None),
]


@pytest.mark.parametrize(("provider", "minor", "today", "supported", "days"), SHIPPED)
def test_shipped_calendar(
    provider: str, minor: str, today: date, supported: bool | None, days: int | None
) -> None:
    cal = load_calendar()
    assert cal.is_supported(provider, minor, today) is supported
    assert cal.days_until_end_of_support(provider, minor, today) == days
