"""Benchmark: what an enforcement run adds to a cycle at 10,000 clusters, before any git.

On the synthetic fleet of bench/evaluate.py and the example plan (staging, canary and
production waves), times, after the evaluation the cycle has already made: the wave gating
(`wave_report`, with a finish time for every cluster) and the choice of clusters with their
upgrade paths (`candidates`), planned only for clusters whose wave is open, and, to compare,
for every drifted cluster. The git, terraform and forge work per drifted cluster is not
timed here: it is bounded by the per-run cap, not by the fleet.
Run: `.venv/bin/python bench/waves.py [--clusters N]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kubedrift.calendar import load_calendar
from kubedrift.enforcers.propose import candidates
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import load_plan
from kubedrift.policies.waves import wave_report

# The same synthetic fleet as the evaluation benchmark (providers, minors, pools, add-ons).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import synthetic_fleet

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    args = parser.parse_args(argv)
    rng = random.Random(20261126)
    plan = load_plan(ROOT / "examples" / "plan.yaml")
    fleet = synthetic_fleet(rng, args.clusters)
    finished = {c.key: NOW - timedelta(hours=rng.randint(1, 400)) for c in fleet}
    findings = evaluate(plan, fleet, NOW, load_calendar())

    started = time.perf_counter()
    report = wave_report(plan, fleet, findings, finished, NOW)
    held = sum(1 for c in fleet if report.hold(c.key) is not None)
    gating = time.perf_counter() - started

    started = time.perf_counter()
    found = candidates(plan, fleet, findings, hold=report.hold)
    choosing = time.perf_counter() - started
    started = time.perf_counter()
    ungated = candidates(plan, fleet, findings)
    every_path = time.perf_counter() - started

    drifted = sum(1 for d in found if d.drifted)
    print(f"fleet: {len(fleet)} clusters, {len(findings)} findings (evaluated beforehand)")
    for wave in report.waves:
        state = "open" if wave.open else "held"
        size, done = len(wave.clusters), wave.at_target
        print(f"  wave {wave.name}: {size} clusters, {done} at target, {state}")
    print(f"wave gating (wave_report + hold per cluster): {gating:.2f} s, {held} clusters held")
    print(f"candidates, paths planned for the open waves only: {choosing:.2f} s, {drifted} paths")
    every = sum(1 for d in ungated if d.drifted)
    print(f"candidates, a path for every drifted cluster: {every_path:.2f} s, {every} paths")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
