"""Reading the JSON answers of forges and trackers, every field checked.

A proxy, an older GitHub Enterprise or a changed API can answer 200 with JSON of another
shape. Read with `raw["number"]`, that ends a whole `kubedrift propose` run with a bare
`KeyError`; read here, it is a `DeliveryError` naming the service, the call and the field
("GitHub answered POST /repos/acme/infra/pulls with JSON lacking 'number'"), which fails that
one cluster's proposal like any other forge error. Values are never quoted in a message: an
answer may echo the request's credentials.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubedrift.errors import DeliveryError


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a JSON object" if isinstance(value, dict) else "a value of another kind"


@dataclass(frozen=True)
class Call:
    """One request: which service was asked what (the query string left out)."""

    service: str
    method: str
    path: str

    def wrong(self, what: str) -> DeliveryError:
        # Not retryable: the same endpoint will answer the same shape until `api` is fixed.
        return DeliveryError(
            f"{self.service} answered {self.method} {self.path.split('?')[0]} with {what}; "
            f"check that `api` is {self.service}'s REST API",
            retryable=False,
        )


@dataclass(frozen=True)
class Answer:
    """The decoded body of one call (None when it was empty)."""

    call: Call
    data: Any

    def object(self) -> Fields:
        if not isinstance(self.data, dict):
            raise self.call.wrong(f"{_kind(self.data)} where a JSON object was expected")
        return Fields(self.call, self.data)

    def items(self) -> list[Fields]:
        """A listing: a list of objects (an empty body is an empty list)."""
        if self.data is None:
            return []
        if not isinstance(self.data, list):
            raise self.call.wrong(f"{_kind(self.data)} where a list was expected")
        return list(_objects(self.call, self.data, ""))


def _objects(call: Call, values: list[Any], where: str) -> Iterator[Fields]:
    for index, value in enumerate(values):
        at = f"{where}[{index}]"
        if not isinstance(value, dict):
            raise call.wrong(f"JSON whose {at or 'item'!r} is {_kind(value)}, not an object")
        yield Fields(call, value, f"{at}.")


@dataclass(frozen=True)
class Fields:
    """One JSON object of an answer; `at` is where it sits (`head.`, `[2].`)."""

    call: Call
    data: dict[str, Any]
    at: str = ""

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def _required(self, key: str) -> Any:
        value = self.data.get(key)
        if value is None:
            raise self.call.wrong(f"JSON lacking {self.at + key!r}")
        return value

    def _not(self, key: str, value: object, expected: str) -> DeliveryError:
        return self.call.wrong(f"JSON whose {self.at + key!r} is {_kind(value)}, not {expected}")

    def integer(self, key: str) -> int:
        value = self._required(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise self._not(key, value, "a whole number")

    def string(self, key: str) -> str:
        """A required identifier: text, or a number (Jira ids are either)."""
        value = self._required(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
        raise self._not(key, value, "text")

    def text(self, key: str) -> str:
        """Optional text ("" when absent or null)."""
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        raise self._not(key, value, "text")

    def object(self, key: str) -> Fields:
        value = self._required(key)
        if not isinstance(value, dict):
            raise self._not(key, value, "a JSON object")
        return Fields(self.call, value, f"{self.at}{key}.")

    def optional_object(self, key: str) -> Fields:
        """The object under `key`, or an empty one when absent or null."""
        return self.object(key) if self.data.get(key) is not None else Fields(self.call, {})

    def items(self, key: str) -> list[Fields]:
        """The list of objects under `key` (empty when absent or null)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._not(key, value, "a list")
        return list(_objects(self.call, value, self.at + key))
