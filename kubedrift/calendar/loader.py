"""Read and validate the calendar data files into a `ReleaseCalendar`.

The package data is read once (`load_calendar`, cached); `load_calendar_files` takes explicit
paths so a test, or a user with a refreshed copy, can load other files. Anything wrong in a
file is a `CalendarDataError` naming the file, the path inside it and what was expected.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from kubedrift.calendar.lookup import ReleaseCalendar
from kubedrift.calendar.schema import CalendarFile, DateEntry, MinorEntry, PatchEntry
from kubedrift.errors import InvalidFileError, Problem
from kubedrift.model.support import (
    OtherReading,
    PatchInfo,
    Source,
    SupportDate,
    SupportWindow,
)

PACKAGE_FILES = ("upstream.yaml", "ack.yaml", "tke.yaml")


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported with its path."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CalendarDataError(InvalidFileError):
    """A calendar data file is unreadable or does not match the calendar schema."""


def _loc(parts: Iterable[int | str]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(msg: str, kind: str, found: object) -> str:
    if kind == "missing":
        return "field required"
    msg = msg.removeprefix("Value error, ")
    if isinstance(found, str | int | float | bool) or found is None:
        return f"{msg}, found {found!r}"
    return f"{msg}, found a {type(found).__name__}"


class _Builder:
    """Turns one validated file into windows, collecting every problem instead of the first."""

    def __init__(self, path: Path, data: CalendarFile) -> None:
        self.path = path
        self.data = data
        self.problems: list[Problem] = []
        self.sources = {
            key: Source(id=key, **entry.model_dump()) for key, entry in data.sources.items()
        }

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(file=str(self.path), path=where, message=message))

    def source(self, key: str, where: str) -> Source | None:
        found = self.sources.get(key)
        if found is None:
            known = ", ".join(sorted(self.sources))
            self.problem(
                where, f"expected a source id defined under `sources` ({known}), found {key!r}"
            )
        return found

    def date(self, entry: DateEntry, where: str) -> SupportDate | None:
        source = self.source(entry.source, f"{where}.source")
        readings = []
        for i, other in enumerate(entry.other_readings):
            other_source = self.source(other.source, f"{where}.other_readings[{i}].source")
            if other_source is not None:
                readings.append(
                    OtherReading(
                        value=other.date.value if other.date is not None else None,
                        precision=other.date.precision if other.date is not None else "day",
                        source=other_source,
                        note=other.note,
                    )
                )
        if source is None:
            return None
        try:
            return SupportDate(
                value=entry.date.value if entry.date is not None else None,
                precision=entry.date.precision if entry.date is not None else "day",
                source=source,
                estimated=entry.estimated,
                rule=entry.rule,
                note=entry.note,
                other_readings=tuple(readings),
            )
        except ValidationError as exc:
            for err in exc.errors():
                self.problem(where, err["msg"].removeprefix("Value error, "))
            return None

    def patch(self, entry: PatchEntry, where: str) -> PatchInfo | None:
        source = self.source(entry.source, f"{where}.source")
        if source is None:
            return None
        return PatchInfo(
            version=entry.version, released=entry.released, source=source, note=entry.note
        )

    def window(self, entry: MinorEntry, where: str) -> SupportWindow | None:
        released = self.date(entry.released, f"{where}.released")
        end_of_support = self.date(entry.end_of_support, f"{where}.end_of_support")
        optional = {}
        for name in ("end_of_maintenance", "end_of_creation"):
            raw = getattr(entry, name)
            optional[name] = None if raw is None else self.date(raw, f"{where}.{name}")
            if raw is not None and optional[name] is None:
                return None
        patch = (
            None
            if entry.latest_patch is None
            else self.patch(entry.latest_patch, f"{where}.latest_patch")
        )
        if released is None or end_of_support is None:
            return None
        try:
            return SupportWindow(
                provider=self.data.provider,
                minor=entry.minor,
                released=released,
                end_of_support=end_of_support,
                end_of_maintenance=optional["end_of_maintenance"],
                end_of_creation=optional["end_of_creation"],
                latest_patch=patch,
                notes=entry.notes,
            )
        except ValidationError as exc:
            for err in exc.errors():
                self.problem(where, err["msg"].removeprefix("Value error, "))
            return None

    def windows(self) -> tuple[SupportWindow, ...]:
        seen: set[str] = set()
        built = []
        for i, entry in enumerate(self.data.minors):
            where = f"minors[{i}]"
            if entry.minor in seen:
                self.problem(
                    f"{where}.minor", f"expected each minor once, found {entry.minor!r} again"
                )
            seen.add(entry.minor)
            window = self.window(entry, where)
            if window is not None:
                built.append(window)
        return tuple(built)


def load_provider_file(path: Path) -> tuple[SupportWindow, ...]:
    """The windows of one data file; raises `CalendarDataError` listing every problem."""
    try:
        # _Loader subclasses yaml.SafeLoader (it only keeps dates as text).
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # nosec B506
    except OSError as exc:
        raise CalendarDataError(
            [Problem(file=str(path), path="", message=f"cannot read: {exc.strerror}")]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CalendarDataError(
            [
                Problem(
                    file=str(path),
                    path="",
                    message=f"expected YAML, found a syntax error: {getattr(exc, 'problem', exc)}",
                    line=mark.line + 1 if mark is not None else None,
                    column=mark.column + 1 if mark is not None else None,
                )
            ]
        ) from exc
    if not isinstance(raw, dict):
        raise CalendarDataError(
            [
                Problem(
                    file=str(path),
                    path="",
                    message=f"expected a mapping with `minors`, found {type(raw).__name__}",
                )
            ]
        )
    try:
        data = CalendarFile.model_validate(raw)
    except ValidationError as exc:
        raise CalendarDataError(
            [
                Problem(
                    file=str(path),
                    path=_loc(err["loc"]),
                    message=_message(err["msg"], err["type"], err.get("input")),
                )
                for err in exc.errors()
            ]
        ) from exc
    builder = _Builder(path, data)
    windows = builder.windows()
    if builder.problems:
        raise CalendarDataError(builder.problems)
    return windows


def load_calendar_files(paths: Sequence[Path]) -> ReleaseCalendar:
    """A calendar from explicit data files, one per provider."""
    windows: list[SupportWindow] = []
    providers: dict[str, Path] = {}
    for path in paths:
        loaded = load_provider_file(path)
        for window in loaded[:1]:
            if window.provider in providers:
                raise CalendarDataError(
                    [
                        Problem(
                            file=str(path),
                            path="provider",
                            message=(
                                f"expected one file per provider, found {window.provider!r} "
                                f"already loaded from {providers[window.provider]}"
                            ),
                        )
                    ]
                )
            providers[window.provider] = path
        windows.extend(loaded)
    return ReleaseCalendar(windows)


@functools.cache
def load_calendar() -> ReleaseCalendar:
    """The calendar shipped with kubedrift (package data), read and validated once."""
    data = resources.files("kubedrift.calendar").joinpath("data")
    with resources.as_file(data) as directory:
        return load_calendar_files([Path(directory) / name for name in PACKAGE_FILES])
