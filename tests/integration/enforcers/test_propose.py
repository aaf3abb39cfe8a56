"""`kubedrift propose` end to end: the example Terraform in a git repository with a bare
remote, the real `terraform fmt`, the real GitHub client against the fake GitHub server, and
the Markdown file ticket sink. One pull request and one ticket per drifted cluster; a second
run changes nothing; `--dry-run` sends nothing; `--cluster` limits the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.model.inventory import ControlPlane
from kubedrift.sim.forge import FakeGitHub
from kubedrift.sim.server import Fault
from kubedrift.versions import parse_version
from tests.integration.enforcers.conftest import git
from tests.integration.enforcers.propose_cases import (
    TKE,
    propose,
    tickets,
    write_inventory,
)

pytestmark = pytest.mark.integration


def branches(remote: Path) -> list[str]:
    return git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()


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


def test_a_forge_answer_of_the_wrong_shape_fails_that_cluster_only(
    setup: Path, remote: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first pull request (eks, the clusters go in key order) is answered with JSON
    # lacking its number; the run goes on to the next cluster.
    github.faults.add(Fault(kind="missing_fields", operation="create"))
    assert propose(setup) == 3
    captured = capsys.readouterr()
    assert (
        "kubedrift: error: eks/us-east-1/payments: GitHub answered POST /repos/acme/infra/pulls"
        " with JSON lacking 'number'" in captured.err
    )
    tke_branch = "kubedrift/tke-ap-shanghai-cls-7xk2p9ab/control-plane"
    assert [pr.branch for pr in github.prs] == [tke_branch]
    assert "pull_request opened" in captured.out
    assert tickets(setup) == [
        "eks-us-east-1-payments--upgrade.md",
        "tke-ap-shanghai-cls-7xk2p9ab--upgrade.md",
    ]

    # The forge answers properly again: the next run opens the missing one, once.
    assert propose(setup) == 0
    assert sorted(pr.branch for pr in github.prs) == [
        "kubedrift/eks-us-east-1-payments/control-plane",
        tke_branch,
    ]


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
