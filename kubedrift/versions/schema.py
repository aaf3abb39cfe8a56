"""pydantic v2 core schemas for value types written as strings (versions, minors, constraints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic_core import core_schema

T = TypeVar("T")


def string_value_schema(
    cls: type[T], parse: Callable[[Any], T], render: Callable[[T], str]
) -> core_schema.CoreSchema:
    """Accept an instance of `cls` or a string `parse` accepts; serialise with `render`.

    In Python mode anything that is not already a `cls` goes to `parse`, so a YAML float such
    as `1.3` gets `parse`'s explanation rather than a bare "not a string". In JSON mode only
    strings are accepted, which makes the JSON Schema `{"type": "string"}`. A parse error (a
    `ValueError`) becomes a pydantic validation error carrying its message.
    """

    def from_python(value: Any) -> T:
        return value if isinstance(value, cls) else parse(value)

    return core_schema.json_or_python_schema(
        json_schema=core_schema.no_info_after_validator_function(parse, core_schema.str_schema()),
        python_schema=core_schema.no_info_plain_validator_function(from_python),
        serialization=core_schema.plain_serializer_function_ser_schema(render, when_used="always"),
    )
