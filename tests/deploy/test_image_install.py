"""The image's Python install, run here as the Dockerfile runs it (Docker cannot run on CI).

The build context is what the builder stage COPYs, the two calls of deploy/docker/install.sh
take the Dockerfile's own arguments (its absolute paths moved under tmp_path), and the
installed kubedrift then runs like the container: from its venv, in the state directory,
with TMPDIR elsewhere, and without writing a byte into the venv (the root filesystem is
read-only in the pod). Not covered here: the apt step (fonts) and the base image itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kubedrift
from tests.deploy.dockerfile import INSTALL_SCRIPT, script_calls, stages
from tests.deploy.manifests import ROOT

# Building ~70 wheels and installing them takes a minute or two: above the suite's 180 s default.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

NOW = "2026-11-26T09:00:00Z"


def _in(tmp: Path, image_path: str) -> Path:
    return tmp / image_path.lstrip("/")


def _context(tmp: Path) -> Path:
    """The builder stage's files, where its COPY instructions put them."""
    builder = stages()[0]
    (workdir,) = builder.all("WORKDIR")
    source = _in(tmp, workdir)
    for copy in builder.all("COPY"):
        *sources, destination = copy.split()
        target = source / destination
        for item in sources:
            origin = ROOT / item
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                dest = target / origin.name if destination.endswith("/") else target
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, dest)
    return source


def _files(tree: Path) -> dict[str, float]:
    return {str(path): path.stat().st_mtime for path in tree.rglob("*") if not path.is_symlink()}


def _run(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, check=False, timeout=900, env=env, cwd=cwd
    )


def test_dockerfile_install_steps_in_a_fresh_venv(tmp_path: Path) -> None:
    builder, runtime = stages()
    ((src, wheels),) = script_calls(builder, "wheels")
    ((wheel_dir, venv),) = script_calls(runtime, "install")
    context = _context(tmp_path)
    assert context == _in(tmp_path, src)
    script = context / INSTALL_SCRIPT

    # The builder stage: a clean interpreter (the base image's), nothing of ours installed.
    python_dir = tmp_path / "base-python"
    done = _run([sys.executable, "-m", "venv", str(python_dir)])
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "PYTHON": str(python_dir / "bin" / "python")}
    # Nothing of the caller's environment leads pip to another kubedrift (an image has neither).
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    built = _in(tmp_path, wheels)
    done = _run(["sh", str(script), "wheels", str(context), str(built)], env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert list(built.glob("kubedrift-*.whl"))

    # The runtime stage: the wheels handed over under the path the bind mount gives them.
    _in(tmp_path, wheel_dir).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(built, _in(tmp_path, wheel_dir))
    installed = _in(tmp_path, venv)
    done = _run(
        ["sh", str(script), "install", str(_in(tmp_path, wheel_dir)), str(installed)], env=env
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    # The container: PATH, HOME and the working directory on the state volume, TMPDIR apart.
    state, temp = tmp_path / "var-lib-kubedrift", tmp_path / "tmp"
    state.mkdir()
    temp.mkdir()
    before = _files(installed)
    container_env = {
        "PATH": f"{installed / 'bin'}:/usr/bin:/bin",
        "HOME": str(state),
        "TMPDIR": str(temp),
        "MPLCONFIGDIR": str(temp / "matplotlib"),
        "PYTHONUNBUFFERED": "1",
    }
    kubedrift_bin = str(installed / "bin" / "kubedrift")

    done = _run([kubedrift_bin, "--version"], env=container_env, cwd=state)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"kubedrift {kubedrift.__version__}"

    done = _run([kubedrift_bin, "demo", "--now", NOW], env=container_env, cwd=state)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "10 clusters collected, 0 failures" in done.stdout

    # The daemon once, on the simulated fleet: the default SQLite store lands in the volume.
    config = tmp_path / "etc-kubedrift"
    config.mkdir()
    for name in ("simulated.yaml", "plan.yaml"):
        shutil.copy2(ROOT / "examples" / name, config / name)
    done = _run(
        [kubedrift_bin, "daemon", "--config", str(config / "simulated.yaml"), "--once"],
        env=container_env,
        cwd=state,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert [path.name for path in state.iterdir()] == ["kubedrift.sqlite"]

    # Byte-code was compiled at install: running wrote nothing into the (read-only) venv.
    after = _files(installed)
    assert after == before, sorted(set(after) ^ set(before))[:20]
