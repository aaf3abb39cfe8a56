"""Scan a large simulated fleet through the real collectors under a provider rate limit.

Usage: .venv/bin/python bench/scan.py [--clusters 1000] [--accounts 3] [--latency 0.05]
                                      [--limit 20] [--concurrency 64] [--sample 60]

The fleet spreads ACK clusters over 4 regions and TKE clusters over 3, in `accounts` cloud
accounts (one ACK and one TKE source each). The fake ACK and TKE servers run in their own
process (as a cloud would: they must not share this process's interpreter lock), add
`latency` to every call and throttle beyond `limit` calls per second per account and region,
as the providers do.

Prints the wall time, the rate-limit floor (the busiest bucket's calls / limit: no scan can
be faster), the ratio of the wall time to it (goal <= 1.25), and the speed-up over a
sequential scan (goal >= 15x). The sequential time is measured on a `sample` of clusters
(one call at a time: sources one after another, one cluster at a time) and scaled by the
number of calls, so the benchmark stays in minutes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kubedrift.collectors.build import open_sources
from kubedrift.collectors.runner import collect_all, collect_source
from kubedrift.model.inventory import Collected
from kubedrift.sim.fleet import generate_fleet
from kubedrift.sim.harness import SimulatedFleet


@dataclass(frozen=True)
class Run:
    wall: float
    calls_per_bucket: Counter[str]
    collected: int
    failed: int


def serve(
    clusters: int, accounts: int, latency: float, limit: int | None, pipe: Connection
) -> None:
    """Child process: run the fakes, hand back their endpoints, report calls when told."""
    with SimulatedFleet(
        generate_fleet(clusters, accounts=accounts), latency=latency, rate_limit=limit
    ) as sim:
        pipe.send(sim.endpoints)
        pipe.recv()  # the scan is over
        counts: Counter[str] = Counter()
        for server in (sim.ack, sim.tke):
            for request in server.calls():
                counts[f"{server.name}/{server.rate_limit_key(request)}"] += 1
        pipe.send(counts)


def scan(
    clusters: int,
    *,
    accounts: int,
    latency: float,
    limit: int | None,
    max_rps: float,
    concurrency: int,
    sequential: bool = False,
) -> Run:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=serve, args=(clusters, accounts, latency, limit, child), daemon=True
    )
    server.start()
    try:
        endpoints = parent.recv()
        configs = endpoints.configs("bench", max_rps=max_rps, max_concurrency=concurrency)
        started = time.perf_counter()
        with open_sources(configs, endpoints.environ) as sources:
            if sequential:
                results = [r for source in sources for r in collect_source(source)]
            else:
                results = collect_all(sources)
        wall = time.perf_counter() - started
        parent.send("done")
        counts: Counter[str] = parent.recv()
    finally:
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    collected = sum(isinstance(r, Collected) for r in results)
    return Run(wall, counts, collected, len(results) - collected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--sample", type=int, default=60)
    args = parser.parse_args()

    # One call under the provider's quota: the gate's one-call burst then never trips it.
    max_rps = max(1.0, args.limit - 1.0)
    run = scan(
        args.clusters,
        accounts=args.accounts,
        latency=args.latency,
        limit=args.limit,
        max_rps=max_rps,
        concurrency=args.concurrency,
    )
    calls = sum(run.calls_per_bucket.values())
    busiest, busiest_calls = run.calls_per_bucket.most_common(1)[0]
    floor = busiest_calls / args.limit
    print(f"clusters: {args.clusters} ({run.collected} collected, {run.failed} failed)")
    print(
        f"API calls: {calls} over {len(run.calls_per_bucket)} rate-limit buckets "
        f"(account x region); busiest {busiest}: {busiest_calls}"
    )
    print(f"wall time: {run.wall:.1f} s")
    print(f"rate-limit floor: {floor:.1f} s (busiest bucket's calls / {args.limit} per s)")
    print(f"ratio to the floor: {run.wall / floor:.2f} (goal <= 1.25)")

    sample = scan(
        args.sample,
        accounts=args.accounts,
        latency=args.latency,
        limit=None,
        max_rps=1000.0,
        concurrency=1,
        sequential=True,
    )
    per_call = sample.wall / sum(sample.calls_per_bucket.values())
    sequential = per_call * calls
    print(
        f"sequential: {per_call * 1000:.1f} ms per call measured on {args.sample} clusters "
        f"-> {sequential:.0f} s for this fleet"
    )
    print(f"speed-up over sequential: {sequential / run.wall:.1f}x (goal >= 15x)")


if __name__ == "__main__":
    main()
