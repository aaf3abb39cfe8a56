"""Benchmark: `evaluate` over 10,000 clusters x 5 node pools x 8 add-ons.

Prints the evaluation time (wall clock, and the process's CPU time for a shared machine) and
the process's peak RSS against the goals (< 1 s, < 300 MB) and the ratio to each goal; the
peak is split into what the inventories took before `evaluate` ran and what it added. The
time is also given without upgrade paths (`evaluate(..., plan_paths=False)`): the rules' share
and the planner's. The fleet is synthetic but shaped like a real one: ACK, TKE and
self-hosted clusters on several minors, some pools behind, add-ons at assorted versions, the
example plan's groups (examples/plan.yaml). Each cluster's add-on versions are drawn at
random (nearly every cluster's set is its own); `--addon-sets N` gives the clusters N shared
sets instead, to tell work per distinct shape from work per cluster. Run:
`.venv/bin/python bench/evaluate.py [--addon-sets N] [--census]`. `--census` also counts
the distinct model objects the findings are made of and times making as many with no
validation and no logic (`object.__new__` and the slot setters `model.unchecked` uses): what
the output alone costs, below which no evaluation in this model can go.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.unchecked import fields_set, model_slot_setters
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import load_plan

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.0
GOAL_MB = 300.0
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)

_KINDS = {
    "ack": ("cn-hangzhou", "cn-shanghai", "-aliyun.1"),
    "tke": ("ap-guangzhou", "ap-shanghai", "-tke.3"),
    "kubeconfig": (None, None, ""),
}
# Fleets run the few patches their providers offer, not every patch ever released.
_PATCHES = (3, 7)
_ADDONS = (
    ("coredns", "dns", ("1.9.3", "1.10.1", "1.11.1", "1.11.3")),
    ("kube-proxy", "proxy", None),
    ("calico-node", "cni", ("3.26.4", "3.28.2", "3.29.1")),
    ("terway-eniip", "cni", ("1.8.2", "1.9.1", "1.10.0")),
    ("csi-plugin", "csi", ("1.28.3", "1.30.1", "1.32.1")),
    ("ingress-nginx-controller", "ingress", ("1.8.0", "1.10.1", "1.11.0")),
    ("metrics-server", "metrics", ("0.6.4", "0.7.1")),
    ("traefik", "ingress", ("2.10.5", "2.11.0")),
)


def _cluster(
    rng: random.Random, index: int, mixes: list[tuple[str, ...]] | None = None
) -> dict[str, Any]:
    provider = rng.choice(tuple(_KINDS))
    east, west, suffix = _KINDS[provider]
    region = rng.choice((east, west)) if east else None
    minor = rng.choice((28, 29, 30, 31, 32))
    version = f"1.{minor}.{rng.choice(_PATCHES)}{suffix}"
    env = rng.choice(("production", "production", "staging"))
    name = f"{'idc' if provider == 'kubeconfig' else 'prod'}-{index:05d}"
    pools = []
    for p in range(5):
        lag = rng.choice((0, 0, 0, 1, 2))
        kubelet = f"1.{minor - lag}.{rng.choice(_PATCHES)}{suffix}"
        seen = {kubelet: rng.randint(1, 20)}
        if rng.random() < 0.1:
            seen[version] = 1
        pools.append(
            {
                "id": f"np-{p}",
                "name": f"pool-{p}",
                "kubelet_version": kubelet,
                "versions_seen": seen,
            }
        )
    addons = []
    # Each version drawn for this cluster, or one of a few add-on sets the fleet shares.
    mix = None if mixes is None else mixes[index % len(mixes)]
    for at, (name_, kind, versions) in enumerate(_ADDONS):
        if versions is None:
            chosen = version
        else:
            chosen = "v" + (rng.choice(versions) if mix is None else mix[at])
        addons.append({"name": name_, "kind": kind, "version": chosen, "running_version": chosen})
    return {
        "provider": provider,
        "source": provider,
        "id": f"c-{index:05d}",
        "name": name,
        "region": region,
        "labels": {"env": env, "team": rng.choice(("payments", "web", "data"))},
        "collected_at": NOW,
        "control_plane": {
            "version": version,
            "available_versions": [f"1.{m}.5{suffix}" for m in range(28, 34)],
            "upgradable_versions": [f"1.{minor + 1}.5{suffix}"],
        },
        "node_pools": pools,
        "addons": addons,
        "deprecated_apis": [],
    }


def synthetic_fleet(
    rng: random.Random, clusters: int, addon_sets: int = 0
) -> list[ClusterInventory]:
    """The benchmark fleet (also bench/metrics.py's and bench/waves.py's).

    `addon_sets` 0 draws every add-on version of every cluster at random (nearly every
    cluster's set is its own); N > 0 gives the clusters N add-on sets in turn, as a fleet
    that rolls out a few tested combinations does.
    """
    mixes = None
    if addon_sets > 0:
        pick = random.Random(addon_sets)  # its own generator: the rest of the fleet is unchanged
        mixes = [
            tuple("" if v is None else pick.choice(v) for _, _, v in _ADDONS)
            for _ in range(addon_sets)
        ]
    return [ClusterInventory.model_validate(_cluster(rng, i, mixes)) for i in range(clusters)]


def _distinct_models(findings: list[Finding]) -> list[BaseModel]:
    """Every model object the findings hold (themselves included), each once."""
    seen: set[int] = set()
    found: list[BaseModel] = []
    stack: list[Any] = list(findings)
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, BaseModel):
            found.append(item)
            stack.extend(item.__dict__.values())
        elif isinstance(item, tuple):
            stack.extend(item)
    return found


def _census(findings: list[Finding]) -> list[str]:
    """What making the output alone costs: its objects, made without validation or logic."""
    models = _distinct_models(findings)
    counts = Counter(type(m).__name__ for m in models)
    set_dict, set_fields, set_extra, set_private = model_slot_setters()
    gc.disable()  # as evaluate runs: the collector paused
    started = time.perf_counter()
    for model in models:
        made = object.__new__(type(model))
        set_dict(made, dict(model.__dict__))
        set_fields(made, fields_set(type(model)))
        set_extra(made, None)
        set_private(made, None)
    made_in = time.perf_counter() - started
    gc.enable()
    kinds = ", ".join(f"{n} {name}" for name, n in counts.most_common())
    return [
        f"census: {len(models)} distinct model objects ({kinds})",
        f"        made with no validation and no logic in {made_in:.2f} s",
    ]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument(
        "--addon-sets",
        type=int,
        default=0,
        help="N > 0: the clusters share N add-on sets (default: each cluster's drawn at random)",
    )
    parser.add_argument(
        "--census",
        action="store_true",
        help="also count the output's model objects and time making them with no logic",
    )
    args = parser.parse_args(argv)
    rng = random.Random(20261126)
    plan = load_plan(ROOT / "examples" / "plan.yaml")
    calendar = load_calendar()
    built = time.perf_counter()
    fleet = synthetic_fleet(rng, args.clusters, args.addon_sets)
    built = time.perf_counter() - built
    after_build_mb = _peak_mb()
    # The fleet is long-lived data (as in the daemon, which keeps the last inventories): move
    # it out of the cyclic collector's generations so a collection does not walk it again
    # and again while findings are made.
    gc.collect()
    gc.freeze()
    started, cpu = time.perf_counter(), time.process_time()
    findings = evaluate(plan, fleet, NOW, calendar)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = _peak_mb()
    found, waived = len(findings), sum(1 for f in findings if f.waived)
    census = _census(findings) if args.census else []
    del findings  # the second run is timed on its own, not on top of the first one's result
    gc.collect()
    started = time.perf_counter()
    evaluate(plan, fleet, NOW, calendar, plan_paths=False)
    without_paths = time.perf_counter() - started
    pools = sum(len(c.node_pools) for c in fleet)
    addons = sum(len(c.addons) for c in fleet)
    sets = f"{args.addon_sets} shared add-on sets" if args.addon_sets else "drawn per cluster"
    print(f"fleet: {len(fleet)} clusters, {pools} node pools, {addons} add-ons ({sets})")
    print(f"       built in {built:.1f} s (not timed), RSS then {after_build_mb:.0f} MB")
    print(f"findings: {found} ({waived} waived)")
    for label, seconds in (("evaluate", elapsed), ("  without upgrade paths", without_paths)):
        ratio = seconds / GOAL_SECONDS
        print(f"{label}: {seconds:.2f} s   goal < {GOAL_SECONDS:.0f} s   ratio {ratio:.2f}")
    # On a shared machine the wall clock counts other processes' turns; CPU time does not.
    print(f"  evaluate's CPU time: {cpu:.2f} s")
    print(f"peak RSS: {peak_mb:.0f} MB   goal < {GOAL_MB:.0f} MB   ratio {peak_mb / GOAL_MB:.2f}")
    print(
        f"          of which the inventories {after_build_mb:.0f} MB, the evaluation (its memo "
        f"tables and findings) {peak_mb - after_build_mb:.0f} MB"
    )
    for line in census:
        print(line)
    return 0 if elapsed < GOAL_SECONDS and peak_mb < GOAL_MB else 1


if __name__ == "__main__":
    sys.exit(main())
