"""The shipped calendar data: loads, validates, every date sourced, dates ordered."""

from __future__ import annotations

from datetime import date

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.calendar.estimates import TKE_RULE_MONTHS, add_months
from kubedrift.model.support import SupportDate, SupportWindow, last_day_of_month

MILESTONES = ("released", "end_of_creation", "end_of_support", "end_of_maintenance")


def all_windows() -> list[SupportWindow]:
    cal = load_calendar()
    return [w for p in ("upstream", "ack", "tke") for w in cal.windows(p)]


def milestones(window: SupportWindow) -> list[tuple[str, SupportDate]]:
    found = [(name, getattr(window, name)) for name in MILESTONES]
    return [(name, d) for name, d in found if d is not None]


def test_every_provider_has_data() -> None:
    cal = load_calendar()
    assert cal.providers() == ("upstream", "ack", "tke")
    assert load_calendar() is cal  # cached


def test_upstream_covers_every_minor_from_1_19_to_1_37() -> None:
    assert load_calendar().minors("upstream") == tuple(f"1.{n}" for n in range(19, 38))


def test_upstream_dates_are_all_published_day_precise_facts() -> None:
    for window in load_calendar().windows("upstream"):
        for name, milestone in milestones(window):
            assert milestone.value is not None, (window.minor, name)
            assert milestone.precision == "day" and not milestone.estimated, (window.minor, name)
        assert window.latest_patch is not None
        assert window.latest_patch.version.startswith(window.minor + ".")


@pytest.mark.parametrize("window", all_windows(), ids=lambda w: f"{w.provider}-{w.minor}")
def test_every_date_has_a_source_and_an_explanation_when_not_a_plain_fact(
    window: SupportWindow,
) -> None:
    for name, milestone in milestones(window):
        assert milestone.source.url.startswith("https://"), name
        assert milestone.source.retrieved <= date(2026, 11, 26), name
        if milestone.value is None:
            assert milestone.note, name
        if milestone.estimated:
            assert milestone.rule, name
        if milestone.precision == "month" and milestone.value is not None:
            v = milestone.value
            assert v == last_day_of_month(v.year, v.month), name
        for other in milestone.other_readings:
            assert other.source.url.startswith("https://")
            # an other reading is kept only where the sources disagree
            assert other.value != milestone.value, name


@pytest.mark.parametrize("window", all_windows(), ids=lambda w: f"{w.provider}-{w.minor}")
def test_dates_are_ordered(window: SupportWindow) -> None:
    released = window.released.value
    end = window.end_of_support.value
    final = window.end_of_maintenance.value if window.end_of_maintenance else end
    if released and end:
        assert released < end
    if end and final:
        assert end <= final
    if window.end_of_creation and window.end_of_creation.value and end:
        assert window.end_of_creation.value <= end


def test_ack_offers_only_even_minors_before_1_31() -> None:
    minors = [int(m.split(".")[1]) for m in load_calendar().minors("ack")]
    assert all(m % 2 == 0 for m in minors if m < 31)
    assert {31, 32, 33, 34, 35} <= set(minors)


def test_ack_has_no_separate_maintenance_phase() -> None:
    assert all(w.end_of_maintenance is None for w in load_calendar().windows("ack"))


@pytest.mark.parametrize("window", load_calendar().windows("tke"), ids=lambda w: w.minor)
def test_tke_estimates_follow_the_published_rule(window: SupportWindow) -> None:
    upstream = load_calendar().window("upstream", window.minor)
    assert upstream is not None and upstream.released.value is not None
    assert window.minor_number % 2 == 0
    for name, milestone in milestones(window):
        assert milestone.estimated, name
        expected = add_months(upstream.released.value, TKE_RULE_MONTHS[name])
        assert milestone.value == expected, name
        assert upstream.released.value.isoformat() in (milestone.rule or "")


def test_known_disagreements_are_recorded() -> None:
    cal = load_calendar()
    w128 = cal.window("upstream", "1.28")
    assert w128 is not None and w128.end_of_maintenance is not None
    assert w128.end_of_maintenance.value == date(2024, 10, 22)
    assert [o.value for o in w128.end_of_maintenance.other_readings] == [date(2024, 10, 28)]
    assert w128.end_of_maintenance.other_readings[0].source.id == "eold"
