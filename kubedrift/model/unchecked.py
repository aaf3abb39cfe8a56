"""Models built from values known to be valid, without pydantic's validation (hot paths)."""

from __future__ import annotations

from collections.abc import Callable
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
    set_dict, set_fields, set_extra, set_private = _SLOTS
    set_dict(instance, values)
    set_fields(instance, fields_set(model))
    set_extra(instance, None)
    set_private(instance, None)
    return instance


def fields_set(model: type[BaseModel]) -> set[str]:
    # Shared per model: frozen models never change it, and model_copy makes a new one.
    fields_set = _FIELDS_SET.get(model)
    if fields_set is None:
        fields_set = _FIELDS_SET[model] = set(model.model_fields)
    return fields_set


def model_slot_setters() -> tuple[Callable[[Any, Any], None], ...]:
    """Setters of a model instance's `__dict__`, fields set, extra and private slots.

    What `object.__setattr__(instance, name, value)` does for each, without looking the name
    up on every call (the engine stamps some 10^5 findings per fleet-wide run).
    """
    slots = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    return tuple(BaseModel.__dict__[name].__set__ for name in slots)


_SLOTS = model_slot_setters()
