"""A `terraform plan` of the edited root, summarised for the pull request's description.

Only when the enforcer's settings give a backend (`plan:`): `init` with those
`-backend-config` values, `plan -json -lock=false -out=<a temporary file>` (the JSON lines give
the counts and any error), then `show -json` of that file for what changes in each resource
(`version: "1.29" -> "1.30"`). The plan file lives in a temporary folder outside the clone
and is deleted at once: nothing kubedrift runs can apply it (`terraform.py` refuses `apply`).

The summary is deterministic (no timestamps, resources and attributes sorted) because the
pull request is edited only when its text changes. A plan that fails is summarised as such,
with terraform's first error, so the reviewer sees it; it does not stop the proposal.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kubedrift.enforcers.terraform import Terraform
from kubedrift.errors import KubedriftError

log = logging.getLogger(__name__)
# Shown per resource: at most this many changed attributes (a replacement can list dozens).
_MAX_ATTRIBUTES = 8


class PlanSettings(BaseModel):
    """`plan:` of a `terraform_pr` enforcer: where the state is, so a plan can be made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend_config: dict[str, str] = Field(
        default_factory=dict,
        description="`terraform init -backend-config=KEY=VALUE` pairs (bucket, key, region...)",
    )
    env: dict[str, str] = Field(
        default_factory=dict,
        description="extra environment of terraform (AWS_REGION, TF_CLI_CONFIG_FILE...); "
        "never secrets: those come from the process environment",
    )


def plan_summary(
    terraform: Terraform, root: Path, settings: PlanSettings, var_files: Sequence[Path] = ()
) -> str:
    """Markdown: `terraform plan` of `root` with the backend of `settings`."""
    runner = Terraform(
        terraform.binary,
        env={**terraform.env, **settings.env},
        timeout=terraform.timeout,
        history=terraform.history,  # one record of every command, for the tests
    )
    backend = [f"-backend-config={key}={value}" for key, value in settings.backend_config.items()]
    var_args = [f"-var-file={path}" for path in var_files]
    try:
        runner.run(["init", "-input=false", "-no-color", "-reconfigure", *backend], cwd=root)
        with tempfile.TemporaryDirectory(prefix="kubedrift-plan-") as scratch:
            planfile = str(Path(scratch) / "plan.tfplan")
            argv = ["plan", "-json", "-input=false", "-lock=false", "-no-color", *var_args]
            streamed = runner.run([*argv, f"-out={planfile}"], cwd=root, check=False)
            counts, errors = _stream(streamed.stdout)
            if streamed.returncode != 0 or errors:
                first = errors[0] if errors else (streamed.stderr.strip() or "no output")
                return _failed(first.splitlines()[0])
            shown = runner.run(["show", "-json", "-no-color", planfile], cwd=root).json()
    except KubedriftError as exc:
        log.warning("terraform plan failed", extra={"root": str(root)})
        return _failed(str(exc))
    return _render(counts, _changes(shown))


def _stream(text: str) -> tuple[Mapping[str, int] | None, list[str]]:
    """`plan -json`'s machine-readable lines: the change summary and the error diagnostics."""
    counts = None
    errors = []
    for line in text.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("type") == "change_summary":
            counts = message.get("changes") or {}
        elif message.get("type") == "diagnostic" and message.get("@level") == "error":
            errors.append(str((message.get("diagnostic") or {}).get("summary") or "error"))
    return counts, errors


def _changes(shown: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(address, action, changed attributes) of every resource the plan changes."""
    out = []
    for change in shown.get("resource_changes") or []:
        detail = change.get("change") or {}
        actions = detail.get("actions") or []
        if actions in (["no-op"], ["read"]):
            continue
        before, after = detail.get("before") or {}, detail.get("after") or {}
        moved = [
            f"{name}: {json.dumps(before.get(name))} -> {json.dumps(value)}"
            for name, value in sorted(after.items())
            if not isinstance(value, dict | list) and before and before.get(name) != value
        ]
        out.append((str(change.get("address")), _action(actions), moved))
    return sorted(out)


def _action(actions: list[str]) -> str:
    if actions == ["update"]:
        return "update in place"
    if sorted(actions) == ["create", "delete"]:
        return "REPLACE (destroy and create)"
    return " and ".join(actions)


def _render(counts: Mapping[str, int] | None, changes: list[tuple[str, str, list[str]]]) -> str:
    lines = ["**terraform plan:**"]
    if counts is not None:
        lines[0] += (
            f" {counts.get('add', 0)} to add, {counts.get('change', 0)} to change, "
            f"{counts.get('remove', 0)} to destroy."
        )
    if not changes:
        lines.append("- no changes")
    for address, action, moved in changes:
        shown = "; ".join(moved[:_MAX_ATTRIBUTES])
        more = f" (and {len(moved) - _MAX_ATTRIBUTES} more)" if len(moved) > _MAX_ATTRIBUTES else ""
        lines.append(f"- `{address}`: {action}" + (f": {shown}{more}" if shown else ""))
    return "\n".join(lines)


def _failed(reason: str) -> str:
    return f"**terraform plan:** could not be made: {reason}"
