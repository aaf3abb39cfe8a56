from __future__ import annotations

import pytest

from kubedrift.collectors.gate import Gate, RetryPolicy, TokenBucket
from kubedrift.errors import CollectError
from tests.virtual_time import VirtualTime


def test_bucket_allows_burst_then_paces_at_rate() -> None:
    t = VirtualTime()
    bucket = TokenBucket(rate=20, burst=20, clock=t.clock, sleep=t.sleep)
    for _ in range(120):
        bucket.acquire()
    # 20 free in the burst, 100 more at 20/s.
    assert t.now == pytest.approx(5.0, rel=1e-6)


def test_penalty_makes_the_next_caller_wait() -> None:
    t = VirtualTime()
    bucket = TokenBucket(rate=10, burst=10, clock=t.clock, sleep=t.sleep)
    bucket.penalise(2.0)
    bucket.acquire()
    assert t.now == pytest.approx(2.1, rel=1e-6)


def _failing(times: int, reason: str, *, retryable: bool = True, retry_after: float | None = None):
    calls = {"n": 0}

    def call() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise CollectError("boom", reason=reason, retryable=retryable, retry_after=retry_after)
        return "ok"

    return call, calls


def test_retryable_errors_are_retried_then_succeed() -> None:
    t = VirtualTime()
    gate = Gate(100, RetryPolicy(retries=3), clock=t.clock, sleep=t.sleep, seed=1)
    call, calls = _failing(2, "server")
    assert gate("DescribeClusters", call, region="ap-guangzhou") == "ok"
    assert calls["n"] == 3
    assert gate.stats.retries == 2
    assert len([s for s in t.sleeps if s > 0.011]) <= 2


def test_gives_up_after_the_retry_budget() -> None:
    t = VirtualTime()
    gate = Gate(100, RetryPolicy(retries=2), clock=t.clock, sleep=t.sleep, seed=1)
    call, calls = _failing(10, "timeout")
    with pytest.raises(CollectError, match="boom"):
        gate("DescribeClusters", call)
    assert calls["n"] == 3


def test_non_retryable_errors_fail_at_once() -> None:
    t = VirtualTime()
    gate = Gate(100, RetryPolicy(retries=5), clock=t.clock, sleep=t.sleep)
    call, calls = _failing(1, "auth", retryable=False)
    with pytest.raises(CollectError):
        gate("DescribeClusters", call)
    assert calls["n"] == 1
    assert t.now == 0


def test_throttling_waits_at_least_retry_after() -> None:
    t = VirtualTime()
    gate = Gate(100, RetryPolicy(retries=3, base_delay=0.01), clock=t.clock, sleep=t.sleep)
    call, _ = _failing(1, "throttled", retry_after=3.0)
    assert gate("DescribeClusters", call) == "ok"
    assert t.now >= 3.0
    assert gate.stats.throttled == 1


def test_regions_have_separate_buckets() -> None:
    t = VirtualTime()
    gate = Gate(5, RetryPolicy(), clock=t.clock, sleep=t.sleep)
    gate("A", lambda: None, region="cn-hangzhou")
    gate("A", lambda: None, region="cn-shanghai")
    assert t.now == 0  # each region spent only its own token
    gate("A", lambda: None, region="cn-hangzhou")
    assert t.now == pytest.approx(0.2)


def test_gate_never_exceeds_the_rate_in_any_second() -> None:
    t = VirtualTime()
    gate = Gate(18, RetryPolicy(), clock=t.clock, sleep=t.sleep)
    stamps = []
    for _ in range(200):
        gate("A", lambda: stamps.append(t.now), region="ap-guangzhou")
    worst = max(sum(1 for s in stamps if start <= s < start + 1.0) for start in stamps)
    assert worst <= 19


def test_consecutive_throttles_each_wait_their_retry_after() -> None:
    t = VirtualTime()
    gate = Gate(100, RetryPolicy(retries=3, base_delay=0.01), clock=t.clock, sleep=t.sleep)
    call, _ = _failing(2, "throttled", retry_after=3.0)
    assert gate("DescribeClusters", call) == "ok"
    assert t.now >= 6.0
    assert len([s for s in t.sleeps if s >= 3.0]) == 2
