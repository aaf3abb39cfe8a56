"""`MinorVersion`: a Kubernetes minor line such as `1.30`, the unit plans and upgrade paths use."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic_core import core_schema

from kubedrift.versions.errors import InvalidVersion, not_a_string
from kubedrift.versions.schema import string_value_schema

_MINOR = re.compile(r"v?([0-9]+)\.([0-9]+)")


@dataclass(frozen=True, slots=True, order=True)
class MinorVersion:
    """`major.minor`, ordered numerically (`1.9 < 1.30`); `str()` is `"1.30"`.

    Usable as a pydantic v2 field: validated from `"1.30"` (or `"v1.30"`), serialised to `"1.30"`.
    """

    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @classmethod
    def parse(cls, raw: str) -> MinorVersion:
        """Parse `"1.30"`; leading zeros are coerced as everywhere in this package."""
        if not isinstance(raw, str):
            raise InvalidVersion(not_a_string(raw))
        match = _MINOR.fullmatch(raw)
        if match is None:
            raise InvalidVersion(
                f"invalid minor version {raw!r}: expected MAJOR.MINOR such as '1.30'"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def next(self) -> MinorVersion:
        return MinorVersion(self.major, self.minor + 1)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: Callable[[Any], core_schema.CoreSchema]
    ) -> core_schema.CoreSchema:
        return string_value_schema(cls, cls.parse, str)
