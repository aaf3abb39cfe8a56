"""The crash test: `kubedrift daemon` killed with SIGKILL at 8 random moments from its spawn
(start-up included) on the simulated fleet with a fake Slack, restarted each time; at the end
every stored event was told exactly once (kubedrift/sim/crash.py has the harness;
tests/reliability/test_sigkill.py kills 50 running daemons; bench/crash.py runs more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.sim.crash import run

pytestmark = pytest.mark.slow


def test_sigkill_at_random_points_loses_and_doubles_nothing(tmp_path: Path) -> None:
    report = run(tmp_path / "crash", trials=8, seed=20261126)
    assert len(report.kills_after) == 8
    assert report.events > 0 and report.messages > 0  # the trials had something to tell
    assert report.lost == [], f"events never told: {report.lost}"
    # Thread replies too: the recall reads the threads a retry would reply in.
    assert report.doubled == {}, f"events told more than once: {report.doubled}"
    assert (report.dead, report.pending) == (0, 0)
