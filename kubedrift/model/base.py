"""The base every kubedrift data model derives from: frozen, strict about unknown keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """An immutable value; unknown fields are an error, so typos never pass silently."""

    model_config = ConfigDict(frozen=True, extra="forbid")
