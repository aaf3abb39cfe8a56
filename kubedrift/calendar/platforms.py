"""Release lines of Docker Engine (Swarm clusters) and Apache Mesos, with their maintenance
status: the package data `data/docker_engine.yaml` and `data/mesos.yaml`.

A release line is a major (`29`) or a major.minor (`26.1`, `1.11`); a version belongs to the
most specific line that names it. Versions older than every listed line fall under the file's
`older_than` entry. The data is read once (`platform_calendar`, cached); a bad file raises
`CalendarDataError` naming the file and the path inside it. Every status names its sources.
"""

from __future__ import annotations

import functools
from datetime import date
from importlib import resources
from typing import Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from kubedrift.errors import InvalidFileError, Problem
from kubedrift.model.base import Frozen
from kubedrift.versions import KubeVersion

Status = Literal["maintained", "security", "unmaintained", "retired"]
FILES = {"swarm": "docker_engine.yaml", "mesos": "mesos.yaml"}


class PlatformCalendarError(InvalidFileError):
    """A platform calendar file is unreadable or does not match its schema."""


class SourceRef(Frozen):
    title: str
    url: str
    retrieved: date
    snapshot: str | None = None


class ReleaseLine(Frozen):
    line: str = Field(pattern=r"^\d+(\.\d+)?$")
    first_release: date | None = None
    latest_patch: str | None = None
    latest_patch_date: date | None = None
    status: Status
    status_since: date | None = None
    end_of_maintenance: date | None = Field(
        default=None, description="last day of maintenance; null when no source gives it"
    )
    end_note: str | None = None
    sources: tuple[str, ...] = Field(min_length=1)

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.line.split("."))

    def holds(self, version: KubeVersion) -> bool:
        own = (version.major, version.minor)[: len(self.parts)]
        return own == self.parts


class OlderThan(Frozen):
    line: str
    status: Status
    note: str
    sources: tuple[str, ...] = Field(min_length=1)


class Retired(Frozen):
    date: date | None
    note: str
    sources: tuple[str, ...] = Field(min_length=1)


class PlatformCalendar(Frozen):
    schema_: int = Field(alias="schema", ge=1, le=1)
    platform: Literal["swarm", "mesos"]
    product: str
    policy: str
    sources: dict[str, SourceRef] = Field(min_length=1)
    lines: tuple[ReleaseLine, ...] = Field(min_length=1)
    older_than: OlderThan
    retired: Retired | None = None

    @model_validator(mode="after")
    def _sources_known(self) -> PlatformCalendar:
        named = [s for line in self.lines for s in line.sources] + list(self.older_than.sources)
        named += list(self.retired.sources) if self.retired else []
        unknown = sorted({s for s in named if s not in self.sources})
        if unknown:
            raise ValueError(f"unknown source keys: {', '.join(unknown)}")
        return self

    def line_of(self, version: KubeVersion) -> ReleaseLine | OlderThan | None:
        """The most specific line holding `version`; `older_than` below every line; None for
        a version newer than anything listed (not yet in the data)."""
        holding = [line for line in self.lines if line.holds(version)]
        if holding:
            return max(holding, key=lambda line: len(line.parts))
        oldest = min(self.lines, key=lambda line: line.parts)
        if (version.major, version.minor)[: len(oldest.parts)] < oldest.parts:
            return self.older_than
        return None

    def ordered(self) -> tuple[ReleaseLine, ...]:
        """The lines oldest first."""
        return tuple(sorted(self.lines, key=lambda line: line.parts))

    def lines_between(self, older: KubeVersion, newer: KubeVersion) -> int:
        """How many listed lines `older` trails `newer` by (0 when they share a line)."""
        start, end = self.line_of(older), self.line_of(newer)
        order = self.ordered()
        if not isinstance(start, ReleaseLine) or not isinstance(end, ReleaseLine):
            newer_lines = [
                line for line in order if _after(line, older) and not _after(line, newer)
            ]
            return len(newer_lines)
        return max(0, order.index(end) - order.index(start))


def _after(line: ReleaseLine, version: KubeVersion) -> bool:
    return line.parts > (version.major, version.minor)[: len(line.parts)]


def load_platform_file(name: str, text: str) -> PlatformCalendar:
    """Parse one platform calendar file's text."""
    try:
        data = yaml.safe_load(text)
        return PlatformCalendar.model_validate(data)
    except yaml.YAMLError as exc:
        raise PlatformCalendarError([Problem(name, "", f"not valid YAML: {exc}")]) from exc
    except ValidationError as exc:
        problems = [
            Problem(name, ".".join(str(p) for p in error["loc"]), error["msg"])
            for error in exc.errors()
        ]
        raise PlatformCalendarError(problems) from exc


@functools.cache
def platform_calendar(platform: str) -> PlatformCalendar | None:
    """The packaged calendar of `platform` (`swarm`, `mesos`); None for other platforms."""
    name = FILES.get(platform)
    if name is None:
        return None
    text = resources.files("kubedrift.calendar").joinpath("data", name).read_text("utf-8")
    return load_platform_file(f"kubedrift/calendar/data/{name}", text)


def platform_rows(calendar: PlatformCalendar) -> list[dict[str, object]]:
    """The calendar's lines, newest first, as plain data (`kubedrift calendar --platform`)."""
    rows: list[dict[str, object]] = []
    for line in reversed(calendar.ordered()):
        rows.append(
            {
                "line": line.line,
                "first_release": line.first_release.isoformat() if line.first_release else None,
                "latest_patch": line.latest_patch,
                "status": line.status,
                "end_of_maintenance": (
                    line.end_of_maintenance.isoformat() if line.end_of_maintenance else None
                ),
                "note": line.end_note,
                "sources": list(line.sources),
            }
        )
    older = calendar.older_than
    rows.append(
        {"line": f"< {older.line}", "first_release": None, "latest_patch": None,
         "status": older.status, "end_of_maintenance": None, "note": older.note,
         "sources": list(older.sources)}
    )  # fmt: skip
    return rows


def platform_table(calendar: PlatformCalendar, *, sources: bool = False) -> str:
    """The calendar as a text table; `unknown` where no source gives the date."""
    header = ["LINE", "FIRST RELEASE", "LATEST", "STATUS", "END OF MAINTENANCE"]
    if sources:
        header.append("SOURCES")
    body = []
    for row in platform_rows(calendar):
        cells = [
            str(row["line"]),
            str(row["first_release"] or "-"),
            str(row["latest_patch"] or "-"),
            str(row["status"]),
            str(row["end_of_maintenance"] or "unknown"),
        ]
        if sources:
            cells.append(", ".join(str(s) for s in row["sources"]))  # type: ignore[attr-defined]
        body.append(cells)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *body]
    ]
    return "\n".join(lines)
