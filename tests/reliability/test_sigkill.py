"""SIGKILL at 20 points of the running daemon's lives (kubedrift/sim/crash.py), in two runs
of ten: no notification lost, none doubled. Half the lives are killed 0-1.2 s after they
logged "daemon started" (mid-scan, between a save and its dispatch, or mid-send, as chance
has it); the other half just after the fake Slack accepted a message and while it holds the
answer back (the send reached the chat, the outbox does not know), so the case that matters
is hit every run rather than by luck. tests/e2e/test_crash.py kills 8 lives from their spawn
(start-up included); `bench/crash.py --trials 50 --after-start` is the long run whose figures
docs/benchmarks.md gives (50 random lives took 4.5 minutes of CI here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.sim.crash import run

pytestmark = pytest.mark.slow

RUNS, TRIALS = 2, 10  # 20 kills in all, 10 of them mid-send


@pytest.mark.parametrize("seed", range(RUNS))
def test_sigkills_lose_and_double_nothing(seed: int, tmp_path: Path) -> None:
    report = run(
        tmp_path / "crash",
        trials=TRIALS,
        seed=seed,
        life=(0.0, 1.2),
        after_start=True,
        mid_send_every=2,
    )
    assert len(report.kills_after) == TRIALS
    assert report.events > 0 and report.messages > 0  # the lives had something to tell
    # A targeted life may have had nothing to send (then it died after 1.2 s); most do.
    assert report.kills_mid_send >= 1
    # A message the chat holds and the outbox does not know of: a restart must find it.
    assert report.recalled >= 1
    assert report.lost == [], f"events never told: {report.lost}"
    # Thread replies too: the recall reads the threads a retry would reply in.
    assert report.doubled == {}, f"events told more than once: {report.doubled}"
    assert (report.dead, report.pending) == (0, 0)
