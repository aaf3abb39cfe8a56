"""Fixtures for the Terraform PR enforcer: the real terraform and git binaries, a bare remote
seeded with the repository's example `terraform/`, clusters and change requests; and for
`kubedrift propose`: the fake GitHub and a settings file (`github`, `setup`)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.enforcers.base import ChangeRequest
from kubedrift.enforcers.terraform import Terraform
from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import ClusterRef, InventoryDocument
from kubedrift.sim.forge import FakeGitHub
from tests.integration.enforcers.propose_cases import ACK as ACK_INVENTORY
from tests.integration.enforcers.propose_cases import EKS as EKS_INVENTORY
from tests.integration.enforcers.propose_cases import NOW, PLAN, TOKEN
from tests.integration.enforcers.propose_cases import TKE as TKE_INVENTORY

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
    return seed_remote(tmp_path)


def seed_remote(tmp_path: Path) -> Path:
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


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub("acme/infra", token=TOKEN)
    with server.running():
        yield server


@pytest.fixture
def setup(
    tmp_path: Path,
    remote: Path,
    github: FakeGitHub,
    terraform: Terraform,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """The settings file, next to the plan and the inventory; returns its path."""
    monkeypatch.setenv("KD_PROPOSE_GH_TOKEN", TOKEN)
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    document = InventoryDocument(
        collected_at=NOW, clusters=(TKE_INVENTORY, EKS_INVENTORY, ACK_INVENTORY)
    )
    (tmp_path / "inventory.json").write_text(document.model_dump_json(), encoding="utf-8")
    settings = f"""
plan: plan.yaml
sources:
  - {{name: offline, type: kubeconfig, kubeconfig: none}}
enforcers:
  - type: terraform_pr
    repo: {remote}
    workdir: work
    roots: [{{path: ack, var_files: [prod.tfvars]}}, {{path: tke}}, {{path: eks}}]
    forge:
      {{type: github, project: acme/infra, token_env: KD_PROPOSE_GH_TOKEN, api: "{github.url}"}}
  - type: ticket
    sink: file
    directory: tickets
"""
    path = tmp_path / "kubedrift.yaml"
    path.write_text(settings, encoding="utf-8")
    return path
