"""How far a Docker Engine or Mesos version is from a target, in release lines, and when its
line's maintenance ends: the figures the `platform-*` rules and the metrics share (pure,
over the packaged platform calendars).
"""

from __future__ import annotations

from datetime import date

from kubedrift.calendar.platforms import ReleaseLine, platform_calendar
from kubedrift.versions import KubeVersion, admits, parse_version


def _own(line: ReleaseLine, version: KubeVersion) -> tuple[int, ...]:
    return (version.major, version.minor)[: len(line.parts)]


def admitted_lines(platform: str, target: str) -> list[ReleaseLine]:
    """The calendar's lines, oldest first, whose latest release `target` admits."""
    calendar = platform_calendar(platform)
    if calendar is None:
        return []
    return [
        line
        for line in calendar.ordered()
        if line.latest_patch and admits(target, line.latest_patch)
    ]


def lines_behind(platform: str, version: KubeVersion, target: str) -> int:
    """Release lines `version` trails the oldest line `target` admits by; 0 when it is at or
    past it; 1 when the calendar cannot tell (no admitted line listed)."""
    calendar = platform_calendar(platform)
    admitted = admitted_lines(platform, target)
    if calendar is None or not admitted:
        return 1
    first = admitted[0]
    if first.holds(version) or first.parts < _own(first, version):
        return 0
    return max(1, calendar.lines_between(version, parse_version(first.latest_patch or "0.0.0")))


def ahead(platform: str, version: KubeVersion, target: str) -> bool:
    """True when every line `target` admits is older than `version`'s."""
    admitted = admitted_lines(platform, target)
    return bool(admitted) and all(line.parts < _own(line, version) for line in admitted)


def end_of_maintenance(platform: str, version: KubeVersion) -> date | None:
    """The last day of maintenance of `version`'s line, when a source gives it."""
    calendar = platform_calendar(platform)
    line = calendar.line_of(version) if calendar is not None else None
    return line.end_of_maintenance if isinstance(line, ReleaseLine) else None
