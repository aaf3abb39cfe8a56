"""Corrupted data files give one clear line per problem (loaded by path, nothing patched)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kubedrift.calendar import CalendarDataError, load_calendar_files, load_provider_file
from kubedrift.errors import ExitCode

GOOD = textwrap.dedent(
    """\
    schema: 1
    provider: ack
    title: test
    policy: test
    sources:
      s1: {title: t, url: "https://example.invalid/", retrieved: 2026-11-26}
    minors:
      - minor: "1.30"
        released: {date: 2024-06, source: s1}
        end_of_support: {date: 2026-06-30, source: s1}
    """
)


def write(tmp_path: Path, text: str, name: str = "ack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    (window,) = load_provider_file(write(tmp_path, GOOD))
    assert window.released.precision == "month"
    assert window.released.value is not None and window.released.value.day == 30
    assert window.end_of_support.source.id == "s1"


BROKEN = [
    # (what is wrong, replace this, with this, expected message fragment)
    ("yaml syntax", "title: test", "title: [test", "expected YAML, found a syntax error"),
    ("unknown key", "title: test", "title: test\nowner: me", "owner: Extra inputs are not"),
    ("bad provider", "provider: ack", "provider: eks", "provider: Input should be"),
    ("bad minor", 'minor: "1.30"', "minor: 1.3", "minors[0].minor:"),
    ("month 13", "date: 2024-06,", "date: 2024-13,", "expected a month 01-12"),
    (
        "bad date",
        "date: 2026-06-30,",
        "date: 2026-06-31,",
        "minors[0].end_of_support.date: expected a date YYYY-MM-DD or a month YYYY-MM, found "
        "'2026-06-31'",
    ),
    (
        "bad retrieved date",
        "retrieved: 2026-11-26",
        "retrieved: 2026-11-31",
        "sources.s1.retrieved: Input should be a valid date",
    ),
    (
        "unknown source",
        "end_of_support: {date: 2026-06-30, source: s1}",
        "end_of_support: {date: 2026-06-30, source: s2}",
        "minors[0].end_of_support.source: expected a source id defined under `sources` (s1)",
    ),
    (
        "end before release",
        "end_of_support: {date: 2026-06-30",
        "end_of_support: {date: 2023-06-30",
        "minors[0]: released (2024-06-30) must be before end_of_support (2023-06-30)",
    ),
    (
        "unknown date without a note",
        "end_of_support: {date: 2026-06-30, source: s1}",
        "end_of_support: {date: null, source: s1}",
        "minors[0].end_of_support: an unknown date (value: null) needs a note",
    ),
    (
        "estimate without rule",
        "end_of_support: {date: 2026-06-30, source: s1}",
        "end_of_support: {date: 2026-06-30, source: s1, estimated: true}",
        "an estimated date needs the rule",
    ),
    (
        "source without https",
        'url: "https://example.invalid/"',
        'url: "example.invalid"',
        "sources.s1.url: String should match pattern",
    ),
    ("no minors", "minors:\n  - minor", "minors: []\nx:\n  - minor", "minors: Tuple should have"),
]


@pytest.mark.parametrize(("case", "old", "new", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file(tmp_path: Path, case: str, old: str, new: str, message: str) -> None:
    assert old in GOOD, case
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CalendarDataError) as info:
        load_provider_file(path)
    text = str(info.value)
    assert message in text
    assert text.startswith(str(path))
    assert info.value.exit_code is ExitCode.USAGE


def test_duplicate_minor(tmp_path: Path) -> None:
    entry = GOOD[GOOD.index("  - minor") :]
    with pytest.raises(CalendarDataError, match=r"minors\[1\]\.minor: expected each minor once"):
        load_provider_file(write(tmp_path, GOOD + entry))


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("source: s1}", "source: nope}")
    with pytest.raises(CalendarDataError) as info:
        load_provider_file(write(tmp_path, text))
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), ("- a\n- b\n", "expected a mapping with `minors`, found list")],
)
def test_unreadable_or_not_a_mapping(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "ack.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarDataError, match=message):
        load_provider_file(path)


def test_one_file_per_provider(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.yaml")
    second = write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(CalendarDataError, match="expected one file per provider"):
        load_calendar_files([first, second])
    assert load_calendar_files([first]).minors("ack") == ("1.30",)
