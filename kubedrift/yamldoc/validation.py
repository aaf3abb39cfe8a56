"""Problems found after parsing, located in the file: pydantic's validation errors (with a
path, a line and what was expected versus found), cross-field problems without a line yet,
and entries whose `type:` names no known plugin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pydantic import BaseModel, ValidationError

from kubedrift.errors import Problem
from kubedrift.validation_messages import describe_error
from kubedrift.yamldoc.document import YamlDocument
from kubedrift.yamldoc.paths import Path, format_path, parse_path


def located(problems: Sequence[Problem], document: YamlDocument | None) -> list[Problem]:
    """`problems` with a line each: one found after parsing (a cross-field check) takes the
    line of the deepest part of its path that the file holds (line 1 when none)."""
    out = []
    for problem in problems:
        if problem.line is not None:
            out.append(problem)
            continue
        node = document.locate(parse_path(problem.path))[1] if document else None
        line, column = (node.line, node.column) if node else (1, 1)
        out.append(replace(problem, line=line, column=column))
    return out


def problems_from_validation_error(
    error: ValidationError, document: YamlDocument, model: type[BaseModel]
) -> list[Problem]:
    """One `Problem` per pydantic error: located, with a path and expected versus found."""
    details = error.errors(include_url=False)
    for detail in details:
        detail["loc"] = _without_tags(tuple(detail["loc"]), document.data)
    locs = [tuple(detail["loc"]) for detail in details]
    problems = []
    for detail, loc in zip(details, locs, strict=True):
        if any(loc[: len(bad)] == bad for bad in document.unreadable):
            continue
        # A list whose every item failed is also "too short"; the item errors say it better.
        if detail["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locs
        ):
            continue
        found_path, node = document.locate(loc)
        kind = detail["type"]
        if kind == "missing":
            shown = found_path + loc[len(found_path) : len(found_path) + 1]
        else:
            shown = found_path
        line, column = (node.line, node.column) if node else (None, None)
        # An unknown key, or a key with nothing after it, is best shown at the key itself.
        at_key = kind == "extra_forbidden" or (node is not None and node.text == "")
        if at_key and node is not None and node.key_line is not None:
            line, column = node.key_line, node.key_column
        problems.append(
            Problem(
                file=document.file,
                path=format_path(shown),
                message=describe_error(detail, node, model),
                line=line,
                column=column,
            )
        )
    return problems


def _without_tags(loc: Path, data: object) -> Path:
    """`loc` without the `type:` tags a discriminated union inserts (`sinks[0].slack.x`), so
    that it is a path in the file (`sinks[0].x`)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(data, dict) and part not in data and data.get("type") == part:
            continue
        out.append(part)
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            data = None
    return tuple(out)


def unknown_type_problems(
    document: YamlDocument, section: str, types: list[object], known: list[str]
) -> list[Problem]:
    """A problem per `<section>[i].type` naming none of `known` (sources, notifiers,
    enforcers: each entry's `type:` picks the model that validates it)."""
    problems = []
    for index, name in enumerate(types):
        if isinstance(name, str) and name not in known:
            node = document.nodes.get((section, index, "type"))
            problems.append(
                Problem(
                    document.file,
                    f"{section}[{index}].type",
                    f"expected one of {', '.join(known)}, found {name!r}",
                    node.line if node else None,
                    node.column if node else None,
                )
            )
    return problems
