"""Quiet hours with an injected `now`: windows past midnight in a time zone, daylight
saving, who goes through, the earliest end across routes, and the settings' errors."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from kubedrift.errors import SettingsError
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Severity
from kubedrift.notifiers.quiet import QuietHours, held_until
from kubedrift.notifiers.routing import Delivery
from kubedrift.settings import parse_settings
from tests.unit.notifiers.test_routing import SETTINGS

NIGHT = QuietHours(start=time(22), end=time(8), timezone="Asia/Shanghai")  # UTC+8, no DST


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "ends"),
    [
        (utc(2026, 3, 1, 13, 59), None),  # 21:59 in Shanghai: not yet
        (utc(2026, 3, 1, 14, 0), utc(2026, 3, 2, 0, 0)),  # 22:00: until 08:00 tomorrow
        (utc(2026, 3, 1, 17, 30), utc(2026, 3, 2, 0, 0)),  # 01:30, past midnight
        (utc(2026, 3, 1, 23, 59), utc(2026, 3, 2, 0, 0)),  # 07:59
        (utc(2026, 3, 2, 0, 0), None),  # 08:00: over
        (utc(2026, 3, 2, 4, 0), None),  # noon
    ],
)
def test_a_window_past_midnight_in_its_time_zone(now: datetime, ends: datetime | None) -> None:
    assert NIGHT.ends(now) == ends


def test_a_window_within_a_day_and_daylight_saving() -> None:
    lunch = QuietHours(start=time(12), end=time(13, 30), timezone="UTC")
    assert lunch.ends(utc(2026, 3, 1, 12, 15)) == utc(2026, 3, 1, 13, 30)
    assert lunch.ends(utc(2026, 3, 1, 13, 30)) is None
    berlin = QuietHours(start=time(22), end=time(7), timezone="Europe/Berlin")
    # The night clocks go forward (29 March 2026): 22:00 CET is 21:00 UTC, 07:00 CEST 05:00.
    assert berlin.ends(utc(2026, 3, 28, 21, 0)) == utc(2026, 3, 29, 5, 0)
    # A summer night: 22:00 CEST is 20:00 UTC.
    assert berlin.ends(utc(2026, 7, 1, 19, 59)) is None
    assert berlin.ends(utc(2026, 7, 1, 20, 0)) == utc(2026, 7, 2, 5, 0)


def event(severity: Severity) -> DriftEvent:
    return DriftEvent(
        id=f"e-{severity.value}",
        type=EventType.DRIFT_OPENED,
        at=utc(2026, 3, 1),
        cluster="ack/cn-hangzhou/c1",
        severity=severity,
        summary="s",
    )


def test_who_is_held_and_until_when() -> None:
    at_night = utc(2026, 3, 1, 16, 0)  # midnight in Shanghai
    quiet = Delivery(sinks=("s",), quiet_hours=NIGHT)
    assert held_until(event(Severity.HIGH), [quiet], at_night) == utc(2026, 3, 2, 0, 0)
    assert held_until(event(Severity.CRITICAL), [quiet], at_night) is None  # let through
    everything = Delivery(sinks=("s",), quiet_hours=NIGHT.model_copy(update={"let_through": None}))
    assert held_until(event(Severity.CRITICAL), [everything], at_night) == utc(2026, 3, 2, 0, 0)
    # A second route to the same sink without quiet hours sends it now.
    assert held_until(event(Severity.HIGH), [quiet, Delivery(sinks=("s",))], at_night) is None
    earlier = Delivery(
        sinks=("s",), quiet_hours=QuietHours(start=time(23), end=time(6), timezone="Asia/Shanghai")
    )
    assert held_until(event(Severity.LOW), [quiet, earlier], at_night) == utc(2026, 3, 1, 22, 0)
    assert held_until(event(Severity.LOW), [quiet], utc(2026, 3, 2, 4, 0)) is None
    assert held_until(event(Severity.LOW), [], at_night) is None


def test_quiet_hours_settings_load_unquoted_times_too() -> None:
    text = SETTINGS.replace(
        "    min_severity: medium\n",
        "    min_severity: medium\n"
        "    quiet_hours: {start: 22:00, end: '08:00', timezone: Asia/Shanghai}\n",
    )
    settings = parse_settings(text)
    assert settings.routes is not None and settings.routes.default is not None
    quiet = settings.routes.default.quiet_hours
    assert quiet == NIGHT
    # The owners shorthand inherits the default's quiet hours.
    (owner,) = settings.routes.all_rules()
    assert owner.quiet_hours == NIGHT


@pytest.mark.parametrize(
    ("quiet", "said"),
    [
        ("{start: '22:00', end: '08:00', timezone: Asia/Shanghia}", "expected an IANA time zone"),
        ("{start: '22:00', end: '22:00'}", "start and end must differ"),
        ("{start: '25:00', end: '08:00'}", "start"),
        ("{start: 1440, end: '08:00'}", 'expected a time of day like "22:00"'),
        ("{start: '22:00', end: '08:00', let_through: urgent}", "let_through"),
        ("{start: '22:00'}", "end"),
    ],
)
def test_quiet_hours_errors_name_the_path(quiet: str, said: str) -> None:
    text = SETTINGS.replace(
        "    min_severity: medium\n", f"    min_severity: medium\n    quiet_hours: {quiet}\n"
    )
    with pytest.raises(SettingsError, match=said) as caught:
        parse_settings(text)
    assert "routes.default.quiet_hours" in str(caught.value)
