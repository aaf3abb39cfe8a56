"""SIGKILL at 50 random points of the running daemon's lives (kubedrift/sim/crash.py), in
five runs of ten so each stays well inside the per-test timeout: no notification lost, none
doubled. Each life is killed 0-1.2 s after it logged "daemon started": mid-scan, between a
save and its dispatch, or mid-send. tests/e2e/test_crash.py is the shorter run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.sim.crash import run

pytestmark = pytest.mark.slow

RUNS, TRIALS = 5, 10  # 50 kills in all


@pytest.mark.parametrize("seed", range(RUNS))
def test_sigkills_lose_and_double_nothing(seed: int, tmp_path: Path) -> None:
    report = run(tmp_path / "crash", trials=TRIALS, seed=seed, life=(0.0, 1.2), after_start=True)
    assert len(report.kills_after) == TRIALS
    assert report.events > 0 and report.messages > 0  # the lives had something to tell
    assert report.lost == [], f"events never told: {report.lost}"
    # Thread replies too: the recall reads the threads a retry would reply in.
    assert report.doubled == {}, f"events told more than once: {report.doubled}"
    assert (report.dead, report.pending) == (0, 0)
