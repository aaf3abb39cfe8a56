"""`kubedrift waves`: where the rollout stands, wave by wave, and what holds it.

Reads the plan (`--plan`, or the settings' `plan:` with `--config`) and the inventories (an
inventory document, `--inventory FILE`, or the store's latest: `--store URL`, default the
settings' `store.url` / `store.url_env`), evaluates at `--now` and prints each wave in rollout
order: its clusters, how many are at their target, whether it is open for proposals and, if not, why
(`kubedrift.policies.waves`). Soak is counted from each cluster's latest
`cluster.version_changed` event, which only the store has: from an inventory file every
cluster at its target counts as soaked, and the output says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubedrift.policies.waves import WaveReport, WaveState


def register(subparsers: Any) -> None:
    from kubedrift.commands.instants import instant

    parser = subparsers.add_parser(
        "waves",
        help="show each rollout wave: its clusters, compliance, and whether it is open",
        description=(
            "Show the plan's rollout waves in order: their clusters, how many are at the "
            "target, and whether each wave is open for proposals (every earlier wave at its "
            "target, soaked, free of high / critical findings) or what holds it."
        ),
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="settings (plan, store)")
    parser.add_argument("--plan", type=Path, metavar="FILE", help="default: the settings' plan")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--inventory", type=Path, metavar="FILE", help="inventory document (kubedrift scan)"
    )
    source.add_argument("--store", metavar="URL", help="read the latest inventories from here")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--now", type=instant, default=None, metavar="ISO8601", help="evaluate as of this time"
    )
    parser.set_defaults(run=run_waves)


def run_waves(args: argparse.Namespace) -> int:
    from datetime import UTC

    from kubedrift.calendar import load_calendar
    from kubedrift.commands.evaluate import read_inventory
    from kubedrift.errors import ConfigurationError, ExitCode
    from kubedrift.policies.engine import evaluate
    from kubedrift.policies.planfile import load_plan
    from kubedrift.policies.waves import wave_report

    settings = None
    if args.config is not None:
        from kubedrift.settings import load_settings

        settings = load_settings(args.config)
    plan_file = args.plan or (settings.plan if settings is not None else None)
    if plan_file is None:
        raise ConfigurationError("no plan: pass --plan, or --config with a 'plan'")
    plan = load_plan(plan_file)
    now: datetime = args.now or datetime.now(UTC)
    finished: dict[str, datetime] = {}
    if args.inventory is not None:
        inventories = list(read_inventory(args.inventory).clusters)
    else:
        import os

        url = args.store or (settings.store.resolve_url(os.environ) if settings else None)
        if url is None:
            raise ConfigurationError("no inventories: pass --inventory, --store or --config")
        from kubedrift.store import Store

        with Store(url) as store:
            inventories = list(store.latest_inventories().values())
            finished = store.last_version_changes()
    findings = evaluate(plan, inventories, now, load_calendar())
    report = wave_report(plan, inventories, findings, finished, now)
    from_file = args.inventory is not None
    if args.format == "json":
        print(json.dumps(_json(report, from_file), indent=2))
    else:
        sys.stdout.write(_table(report, from_file))
    return int(ExitCode.OK)


def _json(report: WaveReport, from_file: bool) -> dict[str, Any]:
    return {
        "soak_known": not from_file,
        "waves": [
            {
                "name": wave.name,
                "open": wave.open,
                "held_by": list(wave.held_by),
                "soak": wave.soak.total_seconds() if wave.soak is not None else None,
                "gates": list(wave.gates),
                "max_parallel": wave.max_parallel,
                "clusters_total": len(wave.clusters),
                "clusters_at_target": wave.at_target,
                "compliance": wave.compliance,
                "clusters": [
                    {
                        "key": c.key,
                        "name": c.name,
                        "group": c.group,
                        "at_target": c.at_target,
                        "finished_at": c.finished_at.isoformat() if c.finished_at else None,
                        "soaked": c.soaked,
                        "high_or_critical": list(c.serious),
                        "held_by": report.hold(c.key) if not c.at_target else None,
                    }
                    for c in wave.clusters
                ],
            }
            for wave in report.waves
        ],
    }


def _table(report: WaveReport, from_file: bool) -> str:
    if not report.waves:
        return "the plan has no rollout waves: no cluster is held\n"
    lines = []
    for index, wave in enumerate(report.waves, start=1):
        lines.append(_wave_line(index, wave))
        lines += [f"    held by: {why}" for why in wave.held_by]
        for c in wave.clusters:
            state = "at target" if c.at_target else "drifted"
            if c.at_target and not c.soaked:
                state += ", soaking"
            if c.serious:
                state += f", high/critical: {', '.join(c.serious)}"
            held = report.hold(c.key) if not c.at_target and wave.open else None
            tail = f" (waits: {held})" if held else ""
            lines.append(f"    {c.name:<24} {c.key:<44} {state}{tail}")
    if from_file:
        lines.append("")
        lines.append("note: from an inventory file soak times are unknown (no events): use --store")
    return "\n".join(lines) + "\n"


def _wave_line(index: int, wave: WaveState) -> str:
    share = f"{wave.compliance:.0%}" if wave.compliance is not None else "-"
    status = "OPEN" if wave.open else "HELD"
    extras = []
    if wave.soak is not None:
        extras.append(f"soak {_hours(wave.soak)}")
    if wave.max_parallel is not None:
        extras.append(f"max_parallel {wave.max_parallel}")
    if "manual-approval" in wave.gates:
        extras.append("manual approval: the pull request review")
    more = f"  [{'; '.join(extras)}]" if extras else ""
    return (
        f"{index}. {wave.name:<14} {status}  {wave.at_target}/{len(wave.clusters)} at target "
        f"({share}){more}"
    )


def _hours(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    return f"{hours // 24}d" if hours % 24 == 0 else f"{hours}h"
