"""`kubedrift propose` end to end: the example Terraform in a git repository with a bare
remote, the real `terraform fmt`, the real GitHub client against the fake GitHub server, and
the Markdown file ticket sink. One pull request and one ticket per drifted cluster; a second
run changes nothing; `--dry-run` sends nothing; `--cluster` limits the run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubedrift.cli import main
from kubedrift.enforcers.terraform import Terraform
from kubedrift.model.inventory import ClusterInventory, ControlPlane, InventoryDocument
from kubedrift.sim.forge import FakeGitHub
from kubedrift.versions import parse_version
from tests.integration.enforcers.conftest import git

pytestmark = pytest.mark.integration
NOW = datetime(2026, 1, 15, 8, tzinfo=UTC)
TOKEN = "ghp-propose-test"
PLAN = """
version: 1
groups:
  - name: prod
    selector: {labels: {env: prod}}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
"""


def inventory(
    provider: str, cid: str, name: str, region: str, *, version: str, offered: tuple[str, ...]
) -> ClusterInventory:
    return ClusterInventory(
        provider=provider,
        source=provider,
        id=cid,
        name=name,
        region=region,
        labels={"env": "prod"},
        collected_at=NOW,
        control_plane=ControlPlane(
            version=parse_version(version),
            upgradable_versions=tuple(parse_version(v) for v in offered),
            available_versions=tuple(parse_version(v) for v in offered),
        ),
    )


# Two drifted clusters whose Terraform is in `terraform/`, and one already at its target.
TKE = inventory(
    "tke", "cls-7xk2p9ab", "orders", "ap-shanghai", version="1.28.3", offered=("1.29.3", "1.30.0")
)
EKS = inventory("eks", "payments", "payments", "us-east-1", version="1.29.8", offered=("1.30.4",))
ACK = inventory(
    "ack", "c8d3f0a1b2", "ack-prod", "cn-hangzhou",
    version="1.30.1-aliyun.1", offered=("1.30.1-aliyun.1",),
)  # fmt: skip


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
    document = InventoryDocument(collected_at=NOW, clusters=(TKE, EKS, ACK))
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


def propose(setup: Path, *extra: str) -> int:
    inv = str(setup.parent / "inventory.json")
    return main(["propose", "--config", str(setup), "--inventory", inv, "--now", "2026-01-15",
                 *extra])  # fmt: skip


def branches(remote: Path) -> list[str]:
    return git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()


def tickets(setup: Path) -> list[str]:
    return sorted(p.name for p in (setup.parent / "tickets").glob("*.md"))


def test_a_run_proposes_one_pr_and_one_ticket_per_drifted_cluster_and_a_rerun_nothing(
    setup: Path, remote: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert propose(setup) == 0
    out = capsys.readouterr().out

    assert sorted(pr.branch for pr in github.prs) == [
        "kubedrift/eks-us-east-1-payments/control-plane",
        "kubedrift/tke-ap-shanghai-cls-7xk2p9ab/control-plane",
    ]
    assert branches(remote) == sorted(["main", *(pr.branch for pr in github.prs)])
    tke_branch = "kubedrift/tke-ap-shanghai-cls-7xk2p9ab/control-plane"
    tke_main = git(remote, "show", f"{tke_branch}:tke/main.tf")
    assert 'cluster_version                  = "1.29.3" # bumped by kubedrift PRs' in tke_main
    assert git(remote, "show", "main:tke/main.tf").count('"1.28.3"') == 1
    assert tickets(setup) == [
        "eks-us-east-1-payments--upgrade.md",
        "tke-ap-shanghai-cls-7xk2p9ab--upgrade.md",
    ]
    assert out.count("pull_request opened") == 2 and out.count("ticket opened") == 2
    # The cluster at its target gets no pull request; its (absent) ticket is closed.
    assert "ack/cn-hangzhou/c8d3f0a1b2: ticket[1] ticket absent" in out
    assert "ack/cn-hangzhou/c8d3f0a1b2: terraform_pr" not in out

    before = {p.name: p.read_text(encoding="utf-8") for p in (setup.parent / "tickets").glob("*")}
    assert propose(setup) == 0
    again = capsys.readouterr().out
    assert "opened" not in again and "updated" not in again
    assert again.count("pull_request unchanged") == 2 and again.count("ticket unchanged") == 2
    assert len(github.prs) == 2 and all(pr.updates == 0 for pr in github.prs)
    after = {p.name: p.read_text(encoding="utf-8") for p in (setup.parent / "tickets").glob("*")}
    assert after == before


def test_a_dry_run_prints_the_diff_and_the_ticket_and_sends_nothing(
    setup: Path, remote: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert propose(setup, "--dry-run") == 0
    out = capsys.readouterr().out

    assert github.prs == [] and branches(remote) == ["main"]
    assert not (setup.parent / "tickets").exists()
    assert '-  cluster_version                  = "1.28.3"' in out
    assert '+  cluster_version                  = "1.29.3"' in out
    assert "Upgrade orders to Kubernetes 1.30" in out
    assert out.count("pull_request dry_run") == 2 and out.count("ticket dry_run") == 2


def test_cluster_limits_the_run_to_one_cluster(
    setup: Path, remote: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert propose(setup, "--cluster", "tke/ap-shanghai/cls-7xk2p9ab") == 0
    out = capsys.readouterr().out

    assert [pr.branch for pr in github.prs] == [
        "kubedrift/tke-ap-shanghai-cls-7xk2p9ab/control-plane"
    ]
    assert tickets(setup) == ["tke-ap-shanghai-cls-7xk2p9ab--upgrade.md"]
    assert "payments" not in out and "ack-prod" not in out


def test_an_unknown_cluster_is_a_usage_error(
    setup: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert propose(setup, "--cluster", "nope") == 2
    assert "no such cluster" in capsys.readouterr().err
    assert github.prs == []


def write_inventory(setup: Path, *clusters: ClusterInventory) -> None:
    document = InventoryDocument(collected_at=NOW, clusters=clusters)
    (setup.parent / "inventory.json").write_text(document.model_dump_json(), encoding="utf-8")


def test_a_moved_target_updates_the_pr_and_a_resolved_drift_closes_it_with_a_comment(
    setup: Path, remote: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    write_inventory(setup, TKE)
    assert propose(setup) == 0
    (pr,) = github.prs
    assert "towards 1.30.0" in pr.title
    capsys.readouterr()

    # The provider now offers a newer 1.30 patch: the drift ends elsewhere, same proposal.
    offered = (parse_version("1.29.3"), parse_version("1.30.2"))
    plane = TKE.control_plane.model_copy(
        update={"upgradable_versions": offered, "available_versions": offered}
    )
    newer = TKE.model_copy(update={"control_plane": plane})
    write_inventory(setup, newer)
    assert propose(setup) == 0
    assert "pull_request updated" in capsys.readouterr().out
    assert len(github.prs) == 1 and pr.updates == 1 and "towards 1.30.2" in pr.title
    assert tickets(setup) == ["tke-ap-shanghai-cls-7xk2p9ab--upgrade.md"]

    # The cluster reached 1.30 (upgraded by hand): the PR and the ticket are closed with why.
    done = newer.model_copy(update={"control_plane": ControlPlane(version=parse_version("1.30.2"))})
    write_inventory(setup, done)
    assert propose(setup) == 0
    out = capsys.readouterr().out
    assert "pull_request closed" in out and "ticket closed" in out
    assert pr.state == "closed" and len(pr.comments) == 1
    assert "no longer drifts from its target 1.30" in pr.comments[0]
    assert tickets(setup) == []
    closed = setup.parent / "tickets" / "closed" / "tke-ap-shanghai-cls-7xk2p9ab--upgrade.md"
    assert closed.exists()
    comment = setup.parent / "tickets" / "comments" / "tke-ap-shanghai-cls-7xk2p9ab--upgrade.md"
    assert "closing this ticket" in comment.read_text(encoding="utf-8")

    # A third run finds nothing open: nothing is written.
    assert propose(setup) == 0
    again = capsys.readouterr().out
    assert "ticket unchanged" in again and "pull_request" not in again
    assert len(pr.comments) == 1
