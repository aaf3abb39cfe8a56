"""The only place kubedrift runs the `terraform` binary, and the guard that keeps it read-only.

Enforcers propose and never apply (design.md, house rule 7). Every call goes through
`Terraform.run`, which accepts only the sub-commands in `ALLOWED` (formatting, checking and
planning: nothing that can touch real infrastructure or state) and records each argv in
`history`, so a test can assert exactly what ran. `apply`, `destroy`, `import` and every
other sub-command are refused before a process is started, whatever flags come with them.
`plan` reads the state and the provider's API but writes neither; it is accepted only with
`-lock=false`, so it never takes the state lock an operator's own run needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubedrift.errors import ConfigurationError, DeliveryError

ALLOWED = frozenset({"fmt", "validate", "init", "version", "plan", "show"})
# Named so that the refusal message says what it protects against.
FORBIDDEN = frozenset({"apply", "destroy", "import", "state", "taint", "untaint", "force-unlock"})


class TerraformRefusedError(ConfigurationError):
    """A sub-command outside the read-only set was asked for."""


class TerraformNotFoundError(ConfigurationError):
    """No terraform binary where the settings say."""


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class Terraform:
    """A terraform binary with a clean, non-interactive environment.

    `env` is added to a copy of the process environment with `CHECKPOINT_DISABLE` (no call
    home), `TF_IN_AUTOMATION` and `TF_INPUT=0` (never wait for a prompt).
    """

    binary: str = "terraform"
    env: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 120.0
    history: list[tuple[str, ...]] = field(default_factory=list)

    def path(self) -> str:
        found = shutil.which(self.binary)
        if found is None:
            raise TerraformNotFoundError(
                f"terraform binary {self.binary!r} not found on PATH; install Terraform "
                "(kubedrift is tested with 1.11) or set the enforcer's terraform_bin"
            )
        return found

    def run(self, args: Sequence[str], *, cwd: Path, check: bool = True) -> Result:
        """Run `terraform <args>` in `cwd`; refused unless `args[0]` is read-only."""
        command = args[0] if args else ""
        if command not in ALLOWED:
            why = "changes real infrastructure or state" if command in FORBIDDEN else "not allowed"
            raise TerraformRefusedError(f"refusing to run 'terraform {command}': {why}")
        if command == "plan" and "-lock=false" not in args:
            raise TerraformRefusedError("refusing to run 'terraform plan' without -lock=false")
        argv = (self.path(), *args)
        env = {
            **os.environ,
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            **self.env,
        }
        self.history.append(tuple(args))
        try:
            # An argument list kubedrift builds (terraform fmt/validate), no shell.
            done = subprocess.run(  # nosec B603
                argv,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DeliveryError(f"terraform {command} timed out", retryable=True) from exc
        result = Result(tuple(args), done.returncode, done.stdout, done.stderr)
        if check and done.returncode != 0:
            raise DeliveryError(
                f"terraform {command} failed ({done.returncode}): {_first_error(result)}",
                retryable=False,
            )
        return result

    def fmt(self, files: Sequence[Path], *, cwd: Path) -> list[str]:
        """Format `files` in place; the names terraform rewrote."""
        out = self.run(["fmt", "-list=true", *map(str, files)], cwd=cwd)
        return [line for line in out.stdout.splitlines() if line.strip()]

    def fmt_clean(self, files: Sequence[Path], *, cwd: Path) -> bool:
        """True when `files` are already formatted (`fmt -check` exits 0, 3 when not)."""
        out = self.run(["fmt", "-check", "-list=true", *map(str, files)], cwd=cwd, check=False)
        if out.returncode not in (0, 3):
            raise DeliveryError(f"terraform fmt -check: {_first_error(out)}", retryable=False)
        return out.returncode == 0

    def validate(self, *, cwd: Path) -> dict[str, Any]:
        """`init -backend=false` then `validate -json`: its diagnostics, parsed."""
        self.run(["init", "-backend=false", "-input=false", "-no-color"], cwd=cwd)
        out = self.run(["validate", "-json", "-no-color"], cwd=cwd, check=False)
        report: dict[str, Any] = out.json()
        if not report.get("valid", False):
            messages = [d.get("summary", "") for d in report.get("diagnostics", [])]
            raise DeliveryError(
                f"terraform validate: {'; '.join(messages) or 'invalid'}", retryable=False
            )
        return report


def _first_error(result: Result) -> str:
    for line in (result.stderr or result.stdout).splitlines():
        text = line.strip(" │╷╵")
        if text:
            return text
    return "no output"
