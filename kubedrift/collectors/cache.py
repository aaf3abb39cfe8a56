"""Answers a collector shares between its calls for a while (per collector instance).

Used for provider catalogues that every cluster of a region asks for, such as the versions
ACK offers: one fetch per key at a time, others wait for it; failures are kept for at most
a minute so a broken catalogue is not asked again by every cluster of the cycle.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kubedrift.errors import CollectError

T = TypeVar("T")


class TtlCache:
    """Answers kept for `ttl` seconds; failures for at most a minute. One fetch per key at once."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[object, threading.Lock] = {}
        self._values: dict[object, tuple[float, Any, CollectError | None]] = {}

    def get(self, key: object, fetch: Callable[[], T]) -> T:
        with self._lock:
            key_lock = self._keys.setdefault(key, threading.Lock())
        with key_lock:  # concurrent collects of one region wait for the first fetch
            held = self._values.get(key)
            if held is not None and held[0] > self._clock():
                if held[2] is not None:
                    raise held[2]
                value: T = held[1]
                return value
            try:
                value = fetch()
            except CollectError as exc:
                self._values[key] = (self._clock() + min(self._ttl, 60.0), None, exc)
                raise
            self._values[key] = (self._clock() + self._ttl, value, None)
            return value
