"""`kubedrift daemon --config FILE [--once]`: the long-running monitor.

Logs are JSON lines on stderr. SIGTERM and SIGINT stop it: no new cycle starts, a running
one gets a few seconds to finish (its save is one transaction, so one cut short leaves the
store as it was, and the next start collects again), and the process exits within 10 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from kubedrift.errors import ExitCode


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "daemon",
        help="run the monitor: scheduled scans, plan-change re-evaluation, HTTP API",
        description=(
            "Scan every source on its schedule, re-evaluate when the plan file changes, save "
            "states and events in the store and serve /healthz, /readyz, /metrics and the "
            "JSON API. See docs/daemon.md."
        ),
    )
    parser.add_argument("--config", type=Path, required=True, metavar="FILE", help="settings")
    parser.add_argument(
        "--once", action="store_true", help="scan every source once, save, and exit"
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="with --once: how long to keep sending the outbox before exiting (default 30)",
    )
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )
    parser.set_defaults(run=run_daemon)


def _secrets(settings: Any, environ: dict[str, str]) -> list[str]:
    """Values of every environment variable the settings name, anywhere (`*_env` fields)."""
    names: list[object] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and key.endswith("_env"):
                    names.append(item)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(settings.model_dump())
    return [environ[n] for n in names if isinstance(n, str) and environ.get(n)]


def run_daemon(args: argparse.Namespace) -> int:
    from kubedrift.daemon import logs
    from kubedrift.daemon.app import Daemon
    from kubedrift.model.inventory import CollectionFailed
    from kubedrift.settings import load_settings

    settings = load_settings(args.config)
    environ = dict(os.environ)
    logs.configure(
        level=getattr(logging, args.log_level.upper()), secrets=_secrets(settings, environ)
    )
    log = logging.getLogger("kubedrift.daemon")
    with Daemon(settings, environ=environ) as daemon:
        if args.once:
            report = daemon.run_once()
            failed = any(isinstance(f, CollectionFailed) for f in report.failures)
            left = daemon.flush_outbox(args.drain_timeout)
            if left:
                log.warning(
                    "%d notification(s) not delivered; they stay in the outbox for the next run",
                    left,
                    extra={"pending": left},
                )
            return int(ExitCode.INCOMPLETE) if failed or left else 0
        stop = threading.Event()

        def on_signal(number: int, frame: FrameType | None) -> None:
            log.info("signal received", extra={"signal": signal.Signals(number).name})
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        drained = daemon.serve(stop)
    if not drained:
        # A cycle is stuck in a slow API call: its work was never saved (one transaction)
        # and is redone at the next start. Leave now rather than overrun the grace period.
        logging.shutdown()
        sys.stderr.flush()
        os._exit(0)
    return 0
