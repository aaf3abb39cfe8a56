"""`kubedrift schema inventory|plan|fleet`: JSON Schemas of the documents kubedrift reads."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

_DOCUMENTS = ("inventory", "plan", "fleet")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a document kubedrift reads or writes",
        description=(
            "Print a JSON Schema (draft 2020-12): 'inventory' is what `scan --format json` "
            "writes and `evaluate` reads; 'plan' is the version plan; 'fleet' the simulated "
            "fleet description."
        ),
    )
    parser.add_argument("document", choices=_DOCUMENTS)
    parser.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    schema: dict[str, Any]
    if args.document == "plan":
        from kubedrift.policies.plan_schema import plan_schema

        schema = plan_schema()
    elif args.document == "inventory":
        from kubedrift.model.inventory import InventoryDocument

        schema = InventoryDocument.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "kubedrift inventory document"
    else:
        from kubedrift.sim.fleet import Fleet

        schema = Fleet.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "kubedrift simulated fleet"
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return 0
