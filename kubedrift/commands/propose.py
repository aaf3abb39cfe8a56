"""`kubedrift propose`: evaluate, plan each drifted cluster's upgrade, hand it to the enforcers.

Reads the settings (`--config`, whose `enforcers:` say where proposals go), the plan
(`--plan` or the settings' `plan:`) and the inventory (`--inventory FILE`, or the store's
latest inventories: `--store URL`, default the settings' `store.url`), evaluates at `--now`,
and runs `kubedrift.enforcers.propose.enforce` (as the daemon's enforcement step does): the
next step as a pull request, the upgrade as a ticket, clusters whose rollout wave is not open
held, pull requests and tickets of clusters with nothing upgrade-worthy closed. `--dry-run`
prints the diffs and ticket bodies and writes nothing. Exit 0 when every enforcer did its
part, 2 on a bad
file or argument, 3 when some proposal failed (the others are still made).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubedrift.enforcers.propose import RunResult


def register(subparsers: Any) -> None:
    from kubedrift.commands.instants import instant

    parser = subparsers.add_parser(
        "propose",
        help="propose upgrades of drifted clusters: Terraform pull requests and tickets",
        description=(
            "Evaluate the plan, plan the upgrade path of each drifted cluster and hand it to "
            "every enforcer in the settings: the next step as a Terraform pull request, the "
            "upgrade as a ticket (closed when the drift resolved). Never applies anything."
        ),
    )
    parser.add_argument("--config", required=True, type=Path, metavar="FILE", help="settings")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--inventory", type=Path, metavar="FILE", help="inventory document (kubedrift scan)"
    )
    source.add_argument(
        "--store", metavar="URL", help="read the latest inventories from this store"
    )
    parser.add_argument("--plan", type=Path, metavar="FILE", help="default: the settings' plan")
    parser.add_argument("--cluster", metavar="KEY", help="only this cluster (key or name)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print diffs and ticket bodies; send nothing"
    )
    parser.add_argument(
        "--now", type=instant, default=None, metavar="ISO8601", help="evaluate as of this time"
    )
    parser.set_defaults(run=run_propose)


def run_propose(args: argparse.Namespace) -> int:
    from datetime import UTC

    from kubedrift.calendar import load_calendar
    from kubedrift.commands.evaluate import read_inventory
    from kubedrift.daemon.enforce import build_enforcers, fresh_inventories
    from kubedrift.enforcers.propose import enforce
    from kubedrift.errors import ConfigurationError, ExitCode
    from kubedrift.policies.planfile import load_plan
    from kubedrift.settings import load_settings
    from kubedrift.store import Store

    settings = load_settings(args.config)
    if not settings.enforcers:
        raise ConfigurationError(f"{args.config}: no 'enforcers' configured: nothing to propose")
    plan_file = args.plan or settings.plan
    if plan_file is None:
        raise ConfigurationError("no plan: pass --plan or set 'plan' in the settings")
    plan = load_plan(plan_file)
    now: datetime = args.now or datetime.now(UTC)
    store = None
    finished: dict[str, datetime] = {}
    if args.inventory is not None:
        inventories = list(read_inventory(args.inventory).clusters)
    else:
        store = Store(args.store or settings.store.resolve_url(os.environ))
        # Unknown is not resolved: stale clusters are neither proposed for nor closed.
        inventories = fresh_inventories(store)
        finished = store.last_version_changes()
    try:
        if args.cluster is not None and not any(
            args.cluster in (i.key, i.name) for i in inventories
        ):
            raise ConfigurationError(f"--cluster {args.cluster}: no such cluster in the inventory")
        configs = [
            entry.model_copy(update={"dry_run": True}) if args.dry_run else entry
            for entry in settings.enforcers
        ]
        record = None
        if store is not None and not args.dry_run:
            active = store

            def record(key: str, kind: str, state: str, url: str | None, cluster: str) -> None:
                active.record_change(key, kind=kind, state=state, now=now, url=url, cluster=cluster)

        result = enforce(
            plan,
            inventories,
            now,
            load_calendar(),
            build_enforcers(configs),
            finished_at=finished,
            waves=settings.enforcement.waves,
            cluster=args.cluster,
            record=record,
        )
    finally:
        if store is not None:
            store.close()
    _print(result, dry_run=args.dry_run)
    return int(ExitCode.RUNTIME if result.errors else ExitCode.OK)


def _print(result: RunResult, *, dry_run: bool) -> None:
    for outcome in result.outcomes:
        where = f" {outcome.url}" if outcome.url else ""
        line = f"{outcome.cluster}: {outcome.enforcer} {outcome.kind} {outcome.status}{where}"
        print(f"{line} ({outcome.key})")
        if outcome.status == "error":
            print(f"kubedrift: error: {outcome.cluster}: {outcome.detail}", file=sys.stderr)
        elif outcome.status in ("held", "skipped") and outcome.detail:
            print(f"  {outcome.detail}")
        elif dry_run and outcome.detail:
            print(outcome.detail.rstrip("\n"))
            print()
    if not result.outcomes:
        print("nothing to propose")
