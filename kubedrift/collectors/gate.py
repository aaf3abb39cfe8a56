"""Rate limiting and retries for provider calls: a token bucket per (source, region).

Clouds throttle per account and region (TKE: about 20 requests/s for most read APIs; ACK
publishes no number), so every call of a source in one region draws from one bucket. A
throttled or failed-but-retryable call is retried with full-jitter exponential back-off,
waiting at least as long as the provider's `Retry-After` when it gave one. The clock and
the sleep are injected so tests and benchmarks control time without patching.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kubedrift.errors import CollectError

T = TypeVar("T")


@dataclass
class TokenBucket:
    """Allows `rate` calls per second on average with bursts of up to `burst`."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _tokens: float = field(init=False)
    _updated: float = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._tokens = self.burst
        self._updated = self.clock()

    def acquire(self) -> None:
        """Take one token, sleeping (outside the lock) until it is ours.

        The token is reserved at once and the balance may go negative: each caller
        sleeps exactly its share of the deficit, with no polling loop.
        """
        with self._lock:
            self._refill()
            self._tokens -= 1
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self.sleep(wait)

    def penalise(self, seconds: float) -> None:
        """The provider throttled us: drain the bucket so every caller backs off together."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, -seconds * self.rate)

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now


@dataclass
class RetryPolicy:
    retries: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, attempt: int, rng: random.Random, at_least: float | None) -> float:
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        chosen = rng.uniform(0, ceiling)
        return max(chosen, at_least or 0.0)


@dataclass
class GateStats:
    calls: int = 0
    retries: int = 0
    throttled: int = 0


class Gate:
    """The `ApiGate` of one source: buckets per region, one retry policy."""

    def __init__(
        self,
        max_rps: float,
        retry: RetryPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        self._max_rps = max_rps
        self._retry = retry
        self._clock = clock
        self._sleep = sleep
        # Back-off jitter, not a secret: seeded so tests are reproducible.
        self._rng = random.Random(seed)  # nosec B311
        self._buckets: dict[str | None, TokenBucket] = {}
        self._lock = threading.Lock()
        self.stats = GateStats()

    def _bucket(self, region: str | None) -> TokenBucket:
        with self._lock:
            bucket = self._buckets.get(region)
            if bucket is None:
                bucket = TokenBucket(
                    rate=self._max_rps,
                    # A burst of one keeps every one-second window at or under
                    # max_rps + 1 calls: providers count quotas per sliding second.
                    burst=1.0,
                    clock=self._clock,
                    sleep=self._sleep,
                )
                self._buckets[region] = bucket
            return bucket

    def __call__(self, operation: str, fn: Callable[[], T], *, region: str | None = None) -> T:
        bucket = self._bucket(region)
        attempt = 0
        while True:
            bucket.acquire()
            with self._lock:
                self.stats.calls += 1
            try:
                return fn()
            except CollectError as exc:
                if not exc.retryable or attempt >= self._retry.retries:
                    raise
                with self._lock:
                    self.stats.retries += 1
                    delay = self._retry.delay(attempt, self._rng, exc.retry_after)
                if exc.reason == "throttled":
                    # Everyone sharing the bucket waits, not only this caller: the next
                    # acquire() sleeps until the penalty has drained.
                    with self._lock:
                        self.stats.throttled += 1
                    bucket.penalise(delay)
                else:
                    self._sleep(delay)
                attempt += 1
