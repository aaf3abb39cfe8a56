"""Warnings about a valid plan: expired or expiring waivers, groups that can never match,
waves no group uses. They never make a plan invalid; `kubedrift plan validate` prints them.
"""

from __future__ import annotations

from datetime import date

from kubedrift.errors import Problem
from kubedrift.policies.planfile import PlanDocument
from kubedrift.yamldoc import Path, format_path

EXPIRING_SOON_DAYS = 14


def plan_warnings(
    document: PlanDocument, today: date, *, expiring_days: int = EXPIRING_SOON_DAYS
) -> list[Problem]:
    """Every warning for the plan, in file order; `today` decides which waivers expired."""
    plan = document.plan
    found: list[tuple[Path, str]] = []
    for index, waiver in enumerate(plan.waivers):
        label = f"waiver {waiver.id or waiver.rule!r} (owner: {waiver.owner})"
        left = (waiver.expires - today).days
        if left < 0:
            found.append(
                (
                    ("waivers", index, "expires"),
                    f"{label} expired on {waiver.expires.isoformat()}: the findings it "
                    "covered are reported again; renew it or remove it",
                )
            )
        elif left <= expiring_days:
            found.append(
                (
                    ("waivers", index, "expires"),
                    f"{label} expires in {left} day(s), on {waiver.expires.isoformat()}",
                )
            )
        if waiver.selector.group is None and waiver.selector.is_catch_all:
            found.append(
                (("waivers", index, "selector"), f"{label} covers every cluster in the fleet")
            )
    for later, group in enumerate(plan.groups):
        for earlier in range(later):
            first = plan.groups[earlier]
            if first.selector.covers(group.selector):
                message = (
                    f"group {group.name!r} can never match: groups[{earlier}] {first.name!r} "
                    "comes first and selects every cluster it would (the first match wins)"
                )
                found.append((("groups", later), message))
                break
    used = {group.wave for group in plan.groups}
    for index, wave in enumerate(plan.waves):
        if wave.name not in used:
            found.append((("waves", index), f"no group is in wave {wave.name!r}"))
    return sorted(
        (_problem(document, path, message) for path, message in found),
        key=lambda p: (p.line or 0, p.column or 0),
    )


def _problem(document: PlanDocument, path: Path, message: str) -> Problem:
    _, node = document.document.locate(path)
    return Problem(
        file=document.file,
        path=format_path(path),
        message=message,
        line=node.line if node else None,
        column=node.column if node else None,
    )
