"""What a fake server does instead of answering: scripted faults, consumed by the requests
they match, and a provider-side rate limit that turns excess calls into throttling."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

# `wrong_shape` and `missing_fields`: a 200 whose JSON is not what the API documents (the REST
# fakes of forges and trackers answer them; see `sim.forge.wrong_answer`).
FaultKind = Literal[
    "throttle",
    "server_error",
    "timeout",
    "malformed",
    "auth",
    "not_found",
    "wrong_shape",
    "missing_fields",
]


@dataclass
class Fault:
    """A scripted failure. `operation` / `target` narrow it; `times=None` means forever.

    `skip` lets that many matching requests through first: a listing that fails on its
    second page is `skip=1`.
    """

    kind: FaultKind
    operation: str | None = None
    target: str | None = None
    times: int | None = 1
    retry_after: float | None = None
    hang_seconds: float = 5.0
    skip: int = 0

    def matches(self, operation: str, target: str | None) -> bool:
        if self.operation is not None and self.operation != operation:
            return False
        return self.target is None or self.target == target


class FaultPlan:
    """Thread-safe queue of faults consumed by matching requests."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, operation: str, target: str | None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(operation, target):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


class SlidingWindowLimit:
    """Provider-side quota: at most `per_second` calls in any one-second window per key."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float) -> bool:
        with self._lock:
            window = self._calls.setdefault(key, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.per_second:
                return False
            window.append(now)
            return True
