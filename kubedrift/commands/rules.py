"""`kubedrift rules list`: every rule kubedrift reports, with its default severity and docs."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="list the policy rules (ids, default severities, rationale)",
        description="The rules the policy engine applies; ids are what waivers name.",
    )
    commands = parser.add_subparsers(dest="rules_command", metavar="RULES_COMMAND")
    commands.required = True
    listing = commands.add_parser("list", help="list every rule")
    listing.add_argument(
        "--format",
        choices=("table", "json", "markdown"),
        default="table",
        help="markdown is docs/rules.md",
    )
    listing.set_defaults(run=run_list)


def run_list(args: argparse.Namespace) -> int:
    from kubedrift.policies.rules.docs import rules_json, rules_markdown, rules_table
    from kubedrift.policies.rules.registry import all_rule_infos

    infos = all_rule_infos()
    render = {"table": rules_table, "json": rules_json, "markdown": rules_markdown}[args.format]
    sys.stdout.write(render(infos))
    return 0
