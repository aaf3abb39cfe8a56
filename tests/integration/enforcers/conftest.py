"""Fixtures for the Terraform PR enforcer: the real terraform and git binaries, a bare remote
seeded with the repository's example `terraform/`, clusters and change requests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kubedrift.enforcers.base import ChangeRequest
from kubedrift.enforcers.terraform import Terraform
from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import ClusterRef

EXAMPLES = Path(__file__).resolve().parents[3] / "terraform"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def terraform() -> Terraform:
    # Not a skip: these tests exist to run the real binary, so its absence is a failure.
    if shutil.which("terraform") is None:
        pytest.fail(
            "the terraform binary is not on PATH: these tests run the real `terraform fmt`; "
            "install Terraform (tested with 1.11.4 at /usr/local/bin/terraform)"
        )
    return Terraform()


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A scratch copy of the example configurations."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare repository whose `main` holds the examples at its top level."""
    bare = tmp_path / "infra.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    shutil.copytree(EXAMPLES, seed)
    git(seed, "init", "--quiet", "--initial-branch=main")
    git(seed, "add", ".")
    git(seed, "commit", "--quiet", "-m", "infra")
    git(seed, "push", "--quiet", str(bare), "main")
    return bare


def cluster(provider: str, name: str, cid: str, region: str = "r1") -> ClusterRef:
    return ClusterRef(provider=provider, source=provider, id=cid, name=name, region=region)


ACK = cluster("ack", "ack-prod", "c8d3f0a1b2", "cn-hangzhou")
TKE = cluster("tke", "orders", "cls-7xk2p9ab", "ap-shanghai")
EKS = cluster("eks", "payments", "payments", "us-east-1")


def change(
    ref: ClusterRef,
    to: str,
    *,
    frm: str = "1.28",
    component: str = "control-plane",
    target: str | None = None,
) -> ChangeRequest:
    action = "upgrade_control_plane" if component == "control-plane" else "upgrade_addon"
    step = UpgradeStep(
        order=1,
        action=action,
        component=component,
        from_version=frm,
        to_version=to,
        reason="one minor at a time",
    )
    return ChangeRequest(cluster=ref, component=component, target_version=target or to, step=step)
