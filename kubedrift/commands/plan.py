"""`kubedrift plan validate FILE...` and `kubedrift plan schema`: check plans, help editors."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from typing import Any

_PRE_COMMIT = "exit 0 when every file is valid, 2 otherwise; usable as a pre-commit hook"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="validate version plans; print the plan's JSON Schema",
        description="Work with version plan files (plan.yaml).",
    )
    commands = parser.add_subparsers(dest="plan_command", metavar="PLAN_COMMAND")
    commands.required = True

    validate = commands.add_parser(
        "validate", help="check plan files and report every problem", description=_PRE_COMMIT
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="plan files to check")
    validate.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date that decides which waivers expired (default: today)",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 2)")
    validate.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors and warnings"
    )
    validate.set_defaults(run=run_validate)

    schema = commands.add_parser(
        "schema",
        help="print the plan's JSON Schema (draft 2020-12) for editor completion",
        description="Print the JSON Schema of plan.yaml, for editors and CI linters.",
    )
    schema.set_defaults(run=run_schema)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {text!r}") from None


def run_validate(args: argparse.Namespace) -> int:
    from kubedrift.errors import ExitCode, PlanError
    from kubedrift.policies.plan_warnings import plan_warnings
    from kubedrift.policies.planfile import read_plan_document

    # The user's calendar day decides expiry, so the local date, read here at the edge.
    today: date = args.today or datetime.now(UTC).astimezone().date()
    failed = False
    for file in args.files:
        try:
            document = read_plan_document(file)
        except PlanError as exc:
            failed = True
            for problem in exc.problems:
                print(f"kubedrift: error: {problem.render()}", file=sys.stderr)
            continue
        warnings = plan_warnings(document, today)
        for problem in warnings:
            print(f"kubedrift: warning: {problem.render()}", file=sys.stderr)
        failed = failed or (args.strict and bool(warnings))
        if not args.quiet:
            plan = document.plan
            print(
                f"{file}: ok: {_count(len(plan.groups), 'group')}, "
                f"{_count(len(plan.waves), 'wave')}, {_count(len(plan.waivers), 'waiver')}"
                + (f", {_count(len(warnings), 'warning')}" if warnings else "")
            )
    return int(ExitCode.USAGE if failed else ExitCode.OK)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def run_schema(args: argparse.Namespace) -> int:
    import json

    from kubedrift.policies.plan_schema import plan_schema

    print(json.dumps(plan_schema(), indent=2))
    return 0
