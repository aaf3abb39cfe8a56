"""pydantic v2 core schemas for value types written as strings (versions, minors, constraints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic_core import core_schema

T = TypeVar("T")


def string_value_schema(
    cls: type[T], parse: Callable[[str], T], render: Callable[[T], str]
) -> core_schema.CoreSchema:
    """Accept an instance of `cls` or a string `parse` accepts; serialise with `render`.

    In JSON mode only strings are accepted, so the JSON Schema is `{"type": "string"}`. A parse
    error (a `ValueError`) becomes a pydantic validation error carrying its message.
    """
    from_string = core_schema.no_info_after_validator_function(parse, core_schema.str_schema())
    return core_schema.json_or_python_schema(
        json_schema=from_string,
        python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_string]),
        serialization=core_schema.plain_serializer_function_ser_schema(render, when_used="always"),
    )
