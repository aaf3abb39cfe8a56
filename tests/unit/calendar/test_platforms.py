"""The Docker Engine and Mesos release-line data: every line sourced, look-ups by version."""

from __future__ import annotations

import json

import pytest

from kubedrift.calendar.platforms import (
    OlderThan,
    PlatformCalendarError,
    load_platform_file,
    platform_calendar,
)
from kubedrift.versions import parse_version


@pytest.mark.parametrize(
    ("version", "line", "status"),
    [
        ("29.7.2", "29", "maintained"),
        ("28.5.2", "28", "unmaintained"),
        ("26.1.4", "26.1", "unmaintained"),
        ("26.0.2", "26.0", "unmaintained"),
        ("25.0.17", "25.0", "maintained"),
        ("20.10.24+dfsg1", "20.10", "unmaintained"),
        ("19.03.15", "23.0", "unmaintained"),  # older than every line: `older_than`
    ],
)
def test_docker_engine_lines(version: str, line: str, status: str) -> None:
    found = platform_calendar("swarm").line_of(parse_version(version))  # type: ignore[union-attr]
    assert found is not None and (found.line, found.status) == (line, status)


def test_every_mesos_line_is_retired_and_newer_is_unknown() -> None:
    calendar = platform_calendar("mesos")
    assert calendar is not None and calendar.retired is not None
    assert calendar.retired.date is None  # not invented: the data says it is not recorded
    assert {line.status for line in calendar.lines} == {"retired"}
    assert isinstance(calendar.line_of(parse_version("1.2.0")), OlderThan)
    assert calendar.line_of(parse_version("1.12.0")) is None
    assert calendar.lines_between(parse_version("1.9.0"), parse_version("1.11.0")) == 2


def test_kubernetes_has_no_platform_calendar() -> None:
    assert platform_calendar("kubernetes") is None


def test_a_line_naming_an_unknown_source_is_refused() -> None:
    text = """
schema: 1
platform: mesos
product: Apache Mesos
policy: p
sources: {a: {title: t, url: "https://x", retrieved: 2026-01-01}}
lines: [{line: "1.11", status: retired, sources: [b]}]
older_than: {line: "1.11", status: retired, note: n, sources: [a]}
"""
    with pytest.raises(PlatformCalendarError, match="unknown source keys: b"):
        load_platform_file("mesos.yaml", text)


def test_calendar_command_prints_the_platform_lines(capsys: pytest.CaptureFixture[str]) -> None:
    from kubedrift.cli import main

    assert main(["calendar", "--platform", "swarm", "--sources"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Docker Engine (swarm)\nLINE")
    assert "26.1    2024-04-22     26.1.5    unmaintained  2025-02-17" in out
    assert main(["calendar", "--platform", "mesos", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lines"][0]["line"] == "1.11" and doc["lines"][-1]["line"] == "< 1.4"
