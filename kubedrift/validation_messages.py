"""Pydantic validation errors rewritten for people editing YAML: expected versus found.

Pydantic says "Input should be a valid string"; a platform engineer needs "expected a string,
found the number 1.30 (YAML reads it as 1.3): write it as a string: "1.30"". The wording uses
the source text of the value, so the message shows what is in the file. Unknown keys get a
"did you mean" from the keys allowed at that place, or a hint that the key belongs elsewhere
(usually a wrong indentation).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from kubedrift import env_names

if TYPE_CHECKING:
    from kubedrift.yamldoc import Node

_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date written as YYYY-MM-DD",
    "date_parsing": "a date written as YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written as YYYY-MM-DD",
    "date_from_datetime_inexact": "a date written as YYYY-MM-DD, without a time",
    "datetime_type": "a date and time (ISO 8601)",
    "datetime_parsing": "a date and time (ISO 8601)",
}

_YAML_KINDS = {
    "int": "the number",
    "float": "the number",
    "bool": "the boolean",
    "timestamp": "the date",
}


def found(node: Node | None, value: object) -> str:
    """How the value appears in the file: `'abc'`, `the number 1.30`, `a list`."""
    if node is None:
        return repr(value)
    if node.kind == "mapping":
        return "a mapping"
    if node.kind == "sequence":
        return "a list"
    if node.tag == "null":
        return "nothing (null)" if not node.text else f"{node.text} (null)"
    if node.quoted or node.tag == "str":
        return repr(node.text)
    kind = _YAML_KINDS.get(node.tag)
    return f"{kind} {node.text}" if kind else repr(node.text)


def _string_hint(node: Node | None, value: object) -> str:
    if node is None or node.kind != "scalar" or node.quoted or node.tag in ("str", "null"):
        return ""
    text = node.text or ""
    if node.tag == "float" and str(value) != text:
        return f' (YAML reads it as {value}): write it as a string: "{text}"'
    return f': write it as a string: "{text}"'


def describe_error(detail: ErrorDetails, node: Node | None, model: type[BaseModel]) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    loc = tuple(detail["loc"])
    if kind == "missing":
        return _missing(str(loc[-1]), loc[:-1], model)
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]), loc[:-1], model)
    if kind == env_names.ERROR_TYPE:
        return detail["msg"]  # the value may be a secret: never shown
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", detail["msg"]))
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected"))
        message = f"expected {expected}, found {found(node, value)}"
        choices = re.findall(r"'([^']*)'", expected)
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
        return f"{message}; did you mean {close[0]!r}?" if close else message
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, found {found(node, value)}"
        if kind == "string_type":
            message += _string_hint(node, value)
        return message
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<="}
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        return f"expected a number {sign.get(kind, '<')} {bound}, found {found(node, value)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s), found {found(node, value)}"
    if kind == "string_too_short":
        return f"expected a non-empty string, found {found(node, value)}"
    if kind == "string_pattern_mismatch":
        return f"expected text matching {ctx.get('pattern')}, found {found(node, value)}"
    return f"{detail['msg']}, found {found(node, value)}"


def _missing(key: str, parent: tuple[int | str, ...], model: type[BaseModel]) -> str:
    here = _model_at(model, parent)
    field = here.model_fields.get(key) if here is not None else None
    help_text = f": {field.description}" if field is not None and field.description else ""
    return f"missing required key {key!r}{help_text}"


def _unknown_key(key: str, parent: tuple[int | str, ...], model: type[BaseModel]) -> str:
    here = _model_at(model, parent)
    allowed = sorted(here.model_fields) if here is not None else []
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    homes = sorted({home for name, home in _all_keys(model) if name == key and home})
    if homes:
        where = " or ".join(repr(h) for h in homes)
        return f"{message} here; it belongs under {where} (check the indentation)"
    if allowed:
        return f"{message}; expected one of: {', '.join(allowed)}"
    return message


def _unwrap(annotation: Any) -> Iterator[Any]:
    """The concrete types inside Annotated / Optional / unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _unwrap(typing.get_args(annotation)[0])
    elif origin is Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            yield from _unwrap(arg)
    else:
        yield annotation


def _step(annotation: Any, part: int | str) -> Any:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            if isinstance(part, str) and part in candidate.model_fields:
                return candidate.model_fields[part].annotation
            continue
        origin = typing.get_origin(candidate)
        args = typing.get_args(candidate)
        if origin in (list, tuple, set, frozenset) and args:
            return args[0]
        if origin is dict and len(args) == 2:
            return args[1]
    return None


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    annotation: Any = model
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _all_keys(model: type[BaseModel]) -> Iterator[tuple[str, str]]:
    """(key, the key it sits under) for every model reachable from `model`."""
    seen: set[type[BaseModel]] = set()
    pending: list[tuple[type[BaseModel], str]] = [(model, "")]
    while pending:
        current, home = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, field in current.model_fields.items():
            yield name, home
            stack = [field.annotation]
            while stack:
                for candidate in _unwrap(stack.pop()):
                    if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                        pending.append((candidate, name))
                    else:
                        stack.extend(typing.get_args(candidate))
