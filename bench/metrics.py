"""Benchmark: one `/metrics` scrape at 10,000 clusters, read from a seeded SQLite store.

Seeds a store as the daemon would (the synthetic fleet of bench/evaluate.py, evaluated
against examples/plan.yaml, reconciled and saved in one cycle with two notification sinks),
then times full scrapes, `StoreCollector.exposition()` (what the daemon's `/metrics` serves),
against the goal (< 250 ms): scrapes between cycles (the collector keeps the per-cluster
families while the store revision stays), first scrapes after a saved cycle that changed no
inventory (facts reused by snapshot id; figures and text made again) and first scrapes of a
new collector (everything read and figured), and first scrapes after the daemon's `warm()`
(it figures a new revision when it starts and after each saved cycle). Prints the number of
series and where a new collector's first scrape's time goes (store reads, per-cluster
figures, text rendering), and checks the text is what `generate_latest` of a registry
holding the collector writes.
Seeding is not timed.
Run: `.venv/bin/python bench/metrics.py [--clusters N] [--scrapes N] [--db FILE]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from kubedrift.calendar import load_calendar
from kubedrift.drift import reconcile
from kubedrift.metrics import StoreCollector, cluster_figures
from kubedrift.metrics.figures import FLAGGING
from kubedrift.model.inventory import Collected
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import load_plan
from kubedrift.store import Store
from kubedrift.store.metrics_read import read_metrics_view

# The same synthetic fleet as the evaluation benchmark (providers, minors, pools, add-ons).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import synthetic_fleet

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 0.250
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
SINKS = ("slack-ops", "dingtalk-oncall")


def seed(url: str, clusters: int) -> tuple[int, int]:
    """One daemon-like cycle over `clusters` clusters; returns (open states, outbox rows)."""
    rng = random.Random(20261126)
    plan = load_plan(ROOT / "examples" / "plan.yaml")
    fleet = synthetic_fleet(rng, clusters)
    findings = evaluate(plan, fleet, NOW, load_calendar(), plan_paths=False)
    with Store(url, upgrade=True) as store:
        result = reconcile(
            (),
            findings,
            [Collected(inventory=i) for i in fleet],
            NOW,
            sources=sorted({i.source for i in fleet}),
            snapshots={},
            source_states={},
        )
        saved = store.save_cycle(result, fleet, SINKS, NOW)
    return len(result.states), saved.outbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=5)
    parser.add_argument(
        "--db", type=Path, help="a SQLite file to keep the seeded store in (reused if present)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.sqlite"
        url = f"sqlite:///{path}"
        if not path.exists():
            started = time.perf_counter()
            states, outbox = seed(url, args.clusters)
            print(f"store: {states} open states, {outbox} outbox rows")
            print(f"       seeded in {time.perf_counter() - started:.1f} s (not timed)")
        plan = load_plan(ROOT / "examples" / "plan.yaml")
        calendar = load_calendar()
        # upgrade=True: a kept --db seeded by an older schema is brought to this one.
        with Store(url, upgrade=True) as store:
            collector = StoreCollector(store, lambda: plan, calendar, clock=lambda: NOW)
            body = collector.exposition()  # warm: imports, compat data, SQLite page cache
            times = []
            for _ in range(args.scrapes):
                started = time.perf_counter()
                body = collector.exposition()
                times.append(time.perf_counter() - started)
            # The first scrape after a saved cycle (or a plan change) figures the fleet again:
            # a new collector has nothing kept.
            cold = []
            for _ in range(args.scrapes):
                fresh = StoreCollector(store, lambda: plan, calendar, clock=lambda: NOW)
                started = time.perf_counter()
                fresh.exposition()
                cold.append(time.perf_counter() - started)
            # A saved cycle that changed no inventory (the usual case: a source scanned again):
            # the revision moves, the clusters' facts are reused by snapshot id, the figures
            # and the text are made again.
            after_cycle = []
            for _ in range(args.scrapes):
                empty = reconcile((), [], [], NOW, sources=(), snapshots={}, source_states={})
                store.save_cycle(empty, [], SINKS, NOW)
                started = time.perf_counter()
                collector.exposition()
                after_cycle.append(time.perf_counter() - started)
            # What the daemon serves: it calls warm() when it starts and after each saved
            # cycle (off the scrape path), so the first scrape finds the text kept.
            warmed = []
            for _ in range(args.scrapes):
                empty = reconcile((), [], [], NOW, sources=(), snapshots={}, source_states={})
                store.save_cycle(empty, [], SINKS, NOW)
                fresh = StoreCollector(store, lambda: plan, calendar, clock=lambda: NOW)
                fresh.warm()  # not timed: the daemon's start or its cycle thread pays it
                started = time.perf_counter()
                fresh.exposition()
                warmed.append(time.perf_counter() - started)
            # The same text through prometheus_client's generic writer, for comparison.
            registry = CollectorRegistry(auto_describe=True)
            registry.register(StoreCollector(store, lambda: plan, calendar, clock=lambda: NOW))
            started = time.perf_counter()
            generic = generate_latest(registry)
            generic_seconds = time.perf_counter() - started
            # Where a new collector's first scrape's time goes, measured once each.
            started = time.perf_counter()
            view = read_metrics_view(store, FLAGGING)
            read = time.perf_counter() - started
            started = time.perf_counter()
            cluster_figures(view.clusters, view.flagged, plan, calendar, NOW)
            figures = time.perf_counter() - started
    parts = {
        "store reads (read_metrics_view)": read,
        "per-cluster figures": figures,
        "families + text (the rest)": statistics.median(cold) - read - figures,
    }
    lines = body.decode().splitlines()
    series = sum(1 for line in lines if line and not line.startswith("#"))
    median = statistics.median(times)
    print(f"clusters: {len(view.clusters)}")
    print(f"series: {series} ({len(body) / 1e6:.1f} MB of text)")
    print(
        f"scrape between cycles: median {median * 1000:.0f} ms of {args.scrapes} "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})   "
        f"goal < {GOAL_SECONDS * 1000:.0f} ms   ratio {median / GOAL_SECONDS:.2f}"
    )
    print(
        f"first scrape after a cycle that changed no inventory: median "
        f"{statistics.median(after_cycle) * 1000:.0f} ms of {args.scrapes} "
        f"(min {min(after_cycle) * 1000:.0f}, max {max(after_cycle) * 1000:.0f})"
    )
    print(
        f"first scrape with nothing kept (a new daemon): median "
        f"{statistics.median(cold) * 1000:.0f} ms of {args.scrapes} "
        f"(min {min(cold) * 1000:.0f}, max {max(cold) * 1000:.0f})"
    )
    print(
        f"first scrape after the daemon's warm() (at start, after each saved cycle): median "
        f"{statistics.median(warmed) * 1000:.0f} ms of {args.scrapes} "
        f"(min {min(warmed) * 1000:.0f}, max {max(warmed) * 1000:.0f})"
    )
    for label, seconds in parts.items():
        print(f"  {label}: {seconds * 1000:.0f} ms")
    same = "same text" if generic == body else "DIFFERENT TEXT"
    print(f"generate_latest of a fresh registry: {generic_seconds * 1000:.0f} ms ({same})")
    return 0 if median < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
