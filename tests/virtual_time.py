"""Virtual time for the gate: a clock that only moves when someone sleeps, so retries,
back-off and rate limits run instantly and their waits can be read back (`sleeps`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubedrift.collectors.gate import Gate, RetryPolicy


@dataclass
class VirtualTime:
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def gate(self, retries: int, *, rate: float = 100, seed: int | None = None) -> Gate:
        """A source's gate on this time: `retries` with a 50 ms base delay, `rate` calls/s."""
        policy = RetryPolicy(retries=retries, base_delay=0.05)
        return Gate(rate, policy, clock=self.clock, sleep=self.sleep, seed=seed)
