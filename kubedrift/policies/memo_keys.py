"""Keys for the run's memo tables."""

from __future__ import annotations

from typing import Any


class HashedKey:
    """A hashable value whose hash is computed once: a cluster's shape is a large nested
    tuple, looked up several times per cluster (tuples do not keep their hash)."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: tuple[Any, ...]) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HashedKey):
            return NotImplemented
        return self._hash == other._hash and self.value == other.value
