"""`kubedrift report weekly`: the weekly compliance report from the state store, as HTML,
PDF, Markdown or JSON, in English or Chinese. `docs/report.md` defines its figures."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kubedrift.commands.instants import instant

_FORMATS = ("html", "pdf", "md", "json")
_LOCALES = ("en", "zh-CN")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="reports built from the state store",
        description="Reports built from the daemon's state store.",
    )
    kinds = parser.add_subparsers(dest="report_kind", metavar="REPORT")
    kinds.required = True
    weekly = kinds.add_parser(
        "weekly",
        help="weekly compliance report: score, trend, time in drift, end-of-support forecast",
        description=(
            "Compliance score and its 12-week trend, versions, end-of-support forecast, open "
            "drift by team, time in drift and time to resolve, expiring waivers, upgrades and "
            "collection health, for the window [--since, --until)."
        ),
    )
    weekly.add_argument("--store", required=True, metavar="URL", help="state store URL")
    weekly.add_argument("--plan", type=Path, metavar="FILE", help="plan.yaml (groups, owners)")
    weekly.add_argument(
        "--until",
        type=instant,
        metavar="ISO8601",
        help="end of the window, exclusive (default: today 00:00 UTC)",
    )
    weekly.add_argument(
        "--since", type=instant, metavar="ISO8601", help="start (default: 7 days before --until)"
    )
    weekly.add_argument("--locale", choices=_LOCALES, default="en")
    weekly.add_argument("--format", choices=_FORMATS, default="html")
    weekly.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE (needed for pdf)"
    )
    weekly.set_defaults(run=run_weekly)


def run_weekly(args: argparse.Namespace) -> int:
    from kubedrift.calendar import load_calendar
    from kubedrift.errors import ConfigurationError
    from kubedrift.policies.planfile import load_plan
    from kubedrift.report.data import build_weekly_report
    from kubedrift.report.rows import read_rows
    from kubedrift.store import Store

    now = datetime.now(UTC)
    until = args.until or datetime.combine(now.date(), datetime.min.time(), tzinfo=UTC)
    since = args.since or until - timedelta(days=7)
    if since >= until:
        raise ConfigurationError(f"--since ({since.isoformat()}) must be before --until")
    if args.format == "pdf" and args.output is None:
        raise ConfigurationError("--format pdf needs --output FILE")
    plan = load_plan(args.plan) if args.plan is not None else None
    with Store(args.store) as store:
        rows = read_rows(store, since, until)
    report = build_weekly_report(
        rows, since=since, until=until, now=now, plan=plan, calendar=load_calendar()
    )
    _write(args.output, _render(report, args.format, args.locale))
    return 0


def _render(report: Any, kind: str, locale: str) -> str | bytes:
    if kind == "json":
        text: str = report.model_dump_json(indent=2) + "\n"
        return text
    from kubedrift.report.html import render_html, render_markdown

    if kind == "md":
        return render_markdown(report, locale)
    html = render_html(report, locale)
    if kind == "html":
        return html
    from kubedrift.report.pdf import render_pdf

    return render_pdf(html, needs_cjk=locale == "zh-CN")


def _write(output: Path | None, content: str | bytes) -> None:
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
    elif isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")
