"""Render calendar windows for people (a fixed-width table) and for scripts (JSON-ready dicts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from kubedrift.calendar.lookup import ReleaseCalendar, SupportPhase
from kubedrift.model.support import SupportDate, SupportWindow

_MILESTONES = ("released", "end_of_creation", "end_of_support", "end_of_maintenance")
_HEADERS = ("MINOR", "RELEASED", "END OF SUPPORT", "END OF MAINTENANCE", "LATEST PATCH", "STATUS")


def format_date(milestone: SupportDate | None) -> str:
    """`2026-08-26`, `2024-06` (month only), `~2026-07-17 (est.)`, `unknown` or `-` (none)."""
    if milestone is None:
        return "-"
    if milestone.value is None:
        return "unknown"
    text = (
        milestone.value.strftime("%Y-%m")
        if milestone.precision == "month"
        else milestone.value.isoformat()
    )
    return f"~{text} (est.)" if milestone.estimated else text


def status(
    calendar: ReleaseCalendar, window: SupportWindow, today: date, use_estimates: bool
) -> str:
    phase = calendar.phase(window.provider, window.minor, today, use_estimates=use_estimates)
    if phase is SupportPhase.SUPPORTED:
        days = calendar.days_until_end_of_support(
            window.provider, window.minor, today, use_estimates=use_estimates
        )
        return f"supported ({days}d left)"
    if phase is SupportPhase.MAINTENANCE:
        days = calendar.days_until_end_of_support(
            window.provider, window.minor, today, final=True, use_estimates=use_estimates
        )
        return f"maintenance ({days}d left)"
    return {
        SupportPhase.ENDED: "PAST END OF SUPPORT",
        SupportPhase.NOT_RELEASED: "not released",
        SupportPhase.UNKNOWN: "unknown",
    }[phase]


def _sources(window: SupportWindow) -> str:
    ids: list[str] = []
    for name in _MILESTONES:
        milestone: SupportDate | None = getattr(window, name)
        if milestone is not None and milestone.source.id not in ids:
            ids.append(milestone.source.id)
    if window.latest_patch is not None and window.latest_patch.source.id not in ids:
        ids.append(window.latest_patch.source.id)
    return ", ".join(ids)


def table(
    calendar: ReleaseCalendar,
    windows: Sequence[SupportWindow],
    today: date,
    *,
    sources: bool = False,
    use_estimates: bool = False,
) -> str:
    headers = _HEADERS + (("SOURCES",) if sources else ())
    rows = []
    for window in reversed(windows):
        row = (
            window.minor,
            format_date(window.released),
            format_date(window.end_of_support),
            format_date(window.end_of_maintenance),
            window.latest_patch.version if window.latest_patch else "-",
            status(calendar, window, today, use_estimates),
        ) + ((_sources(window),) if sources else ())
        rows.append(row)
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [headers, *rows]
    ]
    return "\n".join(lines)


def as_json(
    calendar: ReleaseCalendar, windows: Sequence[SupportWindow], today: date, use_estimates: bool
) -> list[dict[str, Any]]:
    out = []
    for window in reversed(windows):
        item = window.model_dump(mode="json")
        item["phase"] = calendar.phase(
            window.provider, window.minor, today, use_estimates=use_estimates
        ).value
        item["is_supported"] = calendar.is_supported(
            window.provider, window.minor, today, use_estimates=use_estimates
        )
        item["days_until_end_of_support"] = calendar.days_until_end_of_support(
            window.provider, window.minor, today, use_estimates=use_estimates
        )
        out.append(item)
    return out
