"""`kubedrift evaluate`: the version plan against an inventory document, offline, for CI gates.

Reads the plan (YAML) and the inventory (`kubedrift scan --format json`), runs the policy
engine at `--now` (default: the clock, read here at the edge) and prints the findings as a
table, JSON, SARIF 2.1.0 or JUnit XML. Exit 1 when an unwaived finding is at or above
`--fail-on`; 2 when the plan or the inventory is broken (every problem named with its path).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubedrift.commands.instants import instant

if TYPE_CHECKING:
    from kubedrift.model.findings import Severity
    from kubedrift.model.inventory import InventoryDocument
    from kubedrift.model.plan import VersionPlan
    from kubedrift.outputs import EvaluationReport

_FORMATS = ("table", "json", "sarif", "junit")
_SEVERITIES = ("info", "low", "medium", "high", "critical", "none")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="check an inventory against the version plan; print findings",
        description=(
            "Evaluate the version plan against an inventory document offline (no cloud "
            "access): control-plane lag, end of support, version skew, node pools, add-ons, "
            "removed APIs. Exit 1 when an unwaived finding is at or above --fail-on."
        ),
    )
    parser.add_argument("--plan", required=True, type=Path, metavar="FILE", help="plan.yaml")
    parser.add_argument(
        "--inventory",
        required=True,
        type=Path,
        metavar="FILE",
        help="inventory document (JSON, as written by `kubedrift scan --format json`)",
    )
    parser.add_argument(
        "--now",
        type=instant,
        default=None,
        metavar="ISO8601",
        help="evaluate as of this time (2026-11-26T09:00:00Z, or a date); default: now",
    )
    parser.add_argument("--format", choices=_FORMATS, default="table")
    parser.add_argument(
        "--locale",
        choices=("en", "zh-CN"),
        default="en",
        help="the table's language (JSON, SARIF and JUnit stay English); default en",
    )
    parser.add_argument(
        "--fail-on",
        choices=_SEVERITIES,
        default="none",
        metavar="SEVERITY",
        help="exit 1 when an unwaived finding is at or above this severity "
        "(info, low, medium, high, critical; default none: never)",
    )
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    parser.set_defaults(run=run_evaluate)


def read_inventory(path: Path) -> InventoryDocument:
    """The inventory document at `path`, or `InvalidFileError` naming every problem."""
    import json

    from pydantic import ValidationError

    from kubedrift.errors import InvalidFileError, Problem
    from kubedrift.model.inventory import InventoryDocument
    from kubedrift.yamldoc import format_path

    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidFileError([Problem(file, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFileError([Problem(file, "", f"cannot read: {exc}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (an inventory document from `kubedrift scan`)"
        raise InvalidFileError([Problem(file, "", message, exc.lineno, exc.colno)]) from None
    try:
        return InventoryDocument.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            found = error.get("input")
            shown = repr(found) if not isinstance(found, dict | list) else type(found).__name__
            loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
            message = f"{error['msg']}; found {shown}"
            if error["type"] == "missing":
                message = "required field missing"
            problems.append(Problem(file, format_path(loc), message))
        raise InvalidFileError(problems) from None


def evaluate_document(
    plan: VersionPlan,
    document: InventoryDocument,
    now: datetime,
    *,
    fail_on: Severity | None,
    plan_file: str,
    inventory_file: str,
) -> EvaluationReport:
    """Run the engine over an inventory document; warn on stderr about waivers of no rule."""
    from kubedrift.calendar import load_calendar
    from kubedrift.outputs import ClusterLabel, EvaluationReport
    from kubedrift.policies.engine import collection_findings, evaluate
    from kubedrift.policies.rules.registry import all_rule_infos

    _warn_unknown_rules(plan.waivers, {info.id for info in all_rule_infos()})
    findings = collection_findings(document.failures) + evaluate(
        plan, document.clusters, now, load_calendar()
    )
    labels = []
    for cluster in document.clusters:
        group = plan.group_for(cluster.ref)
        labels.append(ClusterLabel(cluster.key, cluster.ref.name, group.name if group else None))
    return EvaluationReport(
        findings=sorted(findings, key=lambda f: f.key.cluster),
        clusters=labels,
        now=now,
        fail_on=fail_on,
        plan_file=plan_file,
        inventory_file=inventory_file,
    )


def run_evaluate(args: argparse.Namespace) -> int:
    from kubedrift.errors import ExitCode
    from kubedrift.model.findings import Severity
    from kubedrift.outputs import render
    from kubedrift.policies.planfile import load_plan

    plan = load_plan(args.plan)
    document = read_inventory(args.inventory)
    now: datetime = args.now or datetime.now(UTC)
    fail_on = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    report = evaluate_document(
        plan,
        document,
        now,
        fail_on=fail_on,
        plan_file=str(args.plan),
        inventory_file=str(args.inventory),
    )
    text = render(report, args.format, locale=args.locale)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if document.failures:
        print(
            f"kubedrift: warning: {len(document.failures)} collection failure(s) in the "
            "inventory: those clusters are reported as unknown",
            file=sys.stderr,
        )
    return int(ExitCode.POLICY_FAILURE if report.summary.failed else ExitCode.OK)


def _warn_unknown_rules(waivers: Any, known: set[str]) -> None:
    from fnmatch import fnmatchcase

    for waiver in waivers:
        if not any(fnmatchcase(rule, waiver.rule) for rule in known):
            label = waiver.id or waiver.rule
            print(
                f"kubedrift: warning: waiver {label!r} names rule {waiver.rule!r}, which "
                "matches no rule (see `kubedrift rules list`): it waives nothing",
                file=sys.stderr,
            )
