"""`kubedrift demo`: the whole check on a simulated fleet, with no cloud account.

Starts fake ACK, TKE, Kubernetes, Docker Engine and Mesos servers on 127.0.0.1 for the fleet
shipped with kubedrift, reads them through the real collectors and SDKs, evaluates the example
version plan and prints what a platform engineer would look at first.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_DATA = Path(__file__).resolve().parent.parent / "sim" / "data"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="scan a simulated ACK + TKE + self-hosted + Swarm + Mesos fleet and evaluate the "
        "example plan",
        description=(
            "Start fake ACK, TKE, Kubernetes, Docker Engine and Mesos servers on 127.0.0.1, scan "
            "them through the real collectors, evaluate the example version plan and print the "
            "inventory and the findings. Nothing leaves this machine."
        ),
    )
    parser.add_argument(
        "--plan", type=Path, default=_DATA / "plan.yaml", metavar="FILE",
        help="version plan (default: the example plan, examples/plan.yaml)",
    )  # fmt: skip
    parser.add_argument(
        "--fleet", type=Path, default=None, metavar="FILE",
        help="simulated fleet description (default: the fleet shipped with kubedrift)",
    )  # fmt: skip
    parser.add_argument(
        "--now", default=None, metavar="ISO8601", help="evaluate as of this time (default: now)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--inventory-out", type=Path, metavar="FILE",
        help="also save the inventory document (for `kubedrift evaluate`)",
    )  # fmt: skip
    parser.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from kubedrift.collectors.build import open_sources
    from kubedrift.collectors.runner import collect_all
    from kubedrift.commands.evaluate import evaluate_document
    from kubedrift.commands.instants import instant
    from kubedrift.inventory_view import render_table
    from kubedrift.model.inventory import Collected, CollectionFailed, InventoryDocument
    from kubedrift.outputs import render
    from kubedrift.policies.planfile import load_plan
    from kubedrift.sim.fleet import load_fleet
    from kubedrift.sim.harness import SimulatedFleet

    plan = load_plan(args.plan)
    fleet = load_fleet(args.fleet)
    now = instant(args.now) if args.now else datetime.now(UTC)
    out = sys.stdout
    with SimulatedFleet(fleet) as sim, open_sources(sim.configs("demo"), sim.environ) as sources:
        results = collect_all(sources)
    document = InventoryDocument(
        collected_at=now,
        clusters=tuple(r.inventory for r in results if isinstance(r, Collected)),
        failures=tuple(r for r in results if isinstance(r, CollectionFailed)),
    )
    if args.inventory_out:
        args.inventory_out.write_text(document.model_dump_json(indent=2) + "\n", "utf-8")
    report = evaluate_document(
        plan,
        document,
        now,
        fail_on=None,
        plan_file=str(args.plan),
        inventory_file="(simulated fleet)",
    )
    if args.format == "json":
        out.write(render(report, "json"))
        return 0
    providers = sorted(
        {c.provider for c in fleet.clusters}
        | ({"swarm"} if fleet.swarms else set())
        | ({"mesos"} if fleet.mesos else set())
    )
    count = len(fleet.clusters) + len(fleet.swarms) + len(fleet.mesos)
    out.write(
        f"kubedrift demo: {count} simulated clusters ({', '.join(providers)}) "
        "served by fake provider APIs on 127.0.0.1,\nread through the real ACK, TKE, "
        "Kubernetes and Docker SDKs and the Mesos HTTP API, evaluated against "
        + str(args.plan)
        + "\n\n"
    )
    out.write("== inventory ==\n")
    out.write(render_table(document))
    out.write("\n== findings ==\n")
    out.write(render(report, "table"))
    out.write(
        "\nNext: `kubedrift scan --config examples/kubedrift.yaml` reads real ACK / TKE / "
        "kubeconfig sources;\n`kubedrift evaluate --plan plan.yaml --inventory inv.json "
        "--fail-on high` gates CI. See README.md.\n"
    )
    return 0
