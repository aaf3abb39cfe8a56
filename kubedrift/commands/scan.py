"""`kubedrift scan`: collect every configured source once and print or save the inventory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="collect every configured source once; print or save the inventory",
        description=(
            "Read every source of the settings file (ACK, TKE, kubeconfig, in-cluster, "
            "simulated) and print the inventory. The JSON form is the inventory document "
            "that `kubedrift evaluate` reads (docs/inventory.md). Exits 4 when some source "
            "or cluster could not be collected; the output then lists what is missing."
        ),
    )
    parser.add_argument(
        "--config", "-c", required=True, type=Path, metavar="FILE", help="settings file"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, even on a terminal"
    )
    parser.set_defaults(run=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    import os

    from kubedrift.collectors.build import open_sources
    from kubedrift.collectors.runner import collect_all, utc_now
    from kubedrift.errors import ExitCode
    from kubedrift.inventory_view import render_table
    from kubedrift.model.inventory import Collected, CollectionFailed, InventoryDocument
    from kubedrift.progress import Progress
    from kubedrift.settings import load_settings

    settings = load_settings(args.config)
    started = utc_now()
    show = not args.no_progress and sys.stderr.isatty()
    with open_sources(settings.sources, os.environ) as sources, Progress(show) as progress:
        results = collect_all(sources, on_result=progress.advance, on_discovered=progress.add_total)
    document = InventoryDocument(
        collected_at=started,
        clusters=tuple(r.inventory for r in results if isinstance(r, Collected)),
        failures=tuple(r for r in results if isinstance(r, CollectionFailed)),
    )
    text = (
        document.model_dump_json(indent=2) + "\n"
        if args.format == "json"
        else render_table(document)
    )
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if document.failures:
        return int(ExitCode.INCOMPLETE)
    return int(ExitCode.OK)
