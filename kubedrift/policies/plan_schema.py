"""The JSON Schema of plan.yaml (draft 2020-12), generated from the pydantic models."""

from __future__ import annotations

from typing import Any

from kubedrift.model.plan import VersionPlan

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://kubedrift.dev/schemas/plan-v1.json"


def plan_schema() -> dict[str, Any]:
    """The schema editors use for completion and hover help on plan files."""
    schema = VersionPlan.model_json_schema(mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "kubedrift version plan",
        **{key: value for key, value in schema.items() if key != "title"},
    }
