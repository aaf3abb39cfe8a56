"""Models built from values known to be valid, without pydantic's validation (hot paths)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

_M = TypeVar("_M", bound=BaseModel)
_FIELDS_SET: dict[type[BaseModel], set[str]] = {}


def unchecked(model: type[_M], values: dict[str, Any]) -> _M:
    """An instance of `model` from a complete set of field values, without validation.

    What `model_construct` does, minus its per-field default handling: a fleet-wide run makes
    tens of thousands of findings and steps from values that are already valid (validated
    inventories, the plan, the rules' and planner's own strings). Every field must be given;
    tests check the results equal the validated models.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", fields_set(model))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


def fields_set(model: type[BaseModel]) -> set[str]:
    # Shared per model: frozen models never change it, and model_copy makes a new one.
    fields_set = _FIELDS_SET.get(model)
    if fields_set is None:
        fields_set = _FIELDS_SET[model] = set(model.model_fields)
    return fields_set
