"""The Dockerfile: hadolint clean, the promises docs/operations.md makes about the image."""

from __future__ import annotations

import json
import subprocess

from tests.deploy.dockerfile import DOCKERFILE, INSTALL_SCRIPT, script_calls, stages
from tests.deploy.manifests import ROOT, tool


def test_hadolint_finds_nothing() -> None:
    done = subprocess.run(
        [tool("hadolint"), "--format", "json", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    findings = json.loads(done.stdout or "[]")
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in findings)
    assert done.returncode == 0, done.stderr


def test_two_stages_on_python_311_slim() -> None:
    builder, runtime = stages()
    assert builder.name == "builder"
    assert builder.image == runtime.image == "${PYTHON_IMAGE}"
    assert "FROM" not in DOCKERFILE.read_text().split("ARG PYTHON_IMAGE=", 1)[0]
    assert "ARG PYTHON_IMAGE=python:3.11-slim\n" in DOCKERFILE.read_text()
    # Wheels are built in the first stage and installed, without an index, in the second.
    assert script_calls(builder, "wheels") == [["/src", "/wheels"]]
    assert script_calls(runtime, "install") == [["/build/wheels", "/opt/kubedrift"]]
    assert not script_calls(runtime, "wheels")


def test_runtime_stage_runs_as_a_fixed_non_root_user() -> None:
    runtime = stages()[-1]
    (user,) = runtime.all("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and gid.isdigit() and int(uid) >= 10000
    assert f"--uid {uid}" in " ".join(runtime.all("RUN"))
    assert runtime.all("ENTRYPOINT") == ['["kubedrift"]']
    assert runtime.all("CMD") == ['["daemon", "--config", "/etc/kubedrift/kubedrift.yaml"]']
    assert runtime.all("VOLUME") == ['["/var/lib/kubedrift"]']
    assert runtime.all("WORKDIR") == ["/var/lib/kubedrift"]
    env = " ".join(runtime.all("ENV"))
    for setting in ("TMPDIR=/tmp", "MPLCONFIGDIR=/tmp/", "PATH=/opt/kubedrift/bin:"):
        assert setting in env


def test_labels_and_fonts() -> None:
    runtime = stages()[-1]
    labels = " ".join(runtime.all("LABEL"))
    for key in ("title", "description", "source", "licenses", "version", "revision", "created"):
        assert f"org.opencontainers.image.{key}=" in labels
    installs = " ".join(runtime.all("RUN"))
    assert "fonts-wqy-microhei" in installs and "--no-install-recommends" in installs
    # weasyprint's native libraries: without Pango the weekly report goes out as HTML only.
    assert "libpango-1.0-0" in installs and "libpangoft2-1.0-0" in installs
    assert "rm -rf /var/lib/apt/lists/*" in installs


def test_build_context_holds_what_the_dockerfile_copies_and_nothing_else() -> None:
    ignore = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ignore[0] == "*"
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set()
    for stage in stages():
        for copy in stage.all("COPY"):
            if "--from=" not in copy:
                copied |= set(copy.split()[:-1])
    assert copied == allowed, (copied, allowed)
    assert INSTALL_SCRIPT in allowed
    for path in allowed:
        assert (ROOT / path).exists(), path
