"""Measure how long `kubedrift --help` takes to start, against the 0.3 s budget.

Usage: .venv/bin/python bench/cli_startup.py [--runs N]
Prints the median and 90th percentile wall time of fresh interpreter runs and the
ratio of the median to the budget (goal: well under 1.0).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

BUDGET_SECONDS = 0.3


def time_once(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    baseline = [time_once([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    runs = [time_once([sys.executable, "-m", "kubedrift", "--help"]) for _ in range(args.runs)]
    runs.sort()
    median = statistics.median(runs)
    p90 = runs[int(0.9 * (len(runs) - 1))]
    print(f"runs: {args.runs}")
    print(f"bare interpreter median: {statistics.median(baseline) * 1000:.1f} ms")
    print(f"kubedrift --help median: {median * 1000:.1f} ms, p90: {p90 * 1000:.1f} ms")
    print(f"ratio to the {BUDGET_SECONDS:.1f} s budget: {median / BUDGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
