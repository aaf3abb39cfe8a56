"""`kubedrift propose` end to end: the example Terraform in a git repository with a bare
remote, the real `terraform fmt`, the real GitHub client against the fake GitHub server, and
the Markdown file ticket sink. One pull request and one ticket per drifted cluster; a second
run changes nothing; `--dry-run` sends nothing; `--cluster` limits the run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.cli import main
from kubedrift.enforcers.terraform import Terraform
from kubedrift.model.inventory import (
    ClusterInventory,
    Collected,
    CollectionFailed,
    ControlPlane,
    FailureReason,
    InventoryDocument,
)
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan
from kubedrift.sim.forge import FakeGitHub
from kubedrift.store import Store
from kubedrift.versions import parse_version
from tests.integration.enforcers.conftest import git
from tests.integration.store.cycles import cycle

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


def seed_store(url: str, *, eks_fails_later: bool) -> None:
    """Two real cycles (reconcile + save): all three clusters, then EKS's source failing."""
    plan = parse_plan(PLAN)
    with Store(url, upgrade=True) as store:
        clusters = (TKE, EKS, ACK)
        found = evaluate(plan, clusters, NOW, load_calendar())
        results = [Collected(inventory=c) for c in clusters]
        cycle(store, found, results, NOW, sources=("tke", "eks", "ack"))
        if eks_fails_later:
            later = NOW + timedelta(minutes=10)
            failed = CollectionFailed(
                source="eks", cluster=None, reason=FailureReason.AUTH, message="denied", at=later
            )
            live = [Collected(inventory=c) for c in (TKE, ACK)]
            cycle(store, found, [*live, failed], later, sources=("tke", "eks", "ack"))


def test_the_store_path_proposes_from_a_saved_cycle_and_records_every_outcome(
    setup: Path, github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{setup.parent / 'store.sqlite'}"
    seed_store(url, eks_fails_later=True)
    args = ["propose", "--config", str(setup), "--store", url, "--now", "2026-01-15"]

    assert main(args) == 0
    out = capsys.readouterr().out

    # EKS's source is failing: its stored picture may be old, so nothing is proposed for it
    # (nor would anything of it be closed). TKE gets its pull request and ticket.
    assert [pr.branch for pr in github.prs] == [
        "kubedrift/tke-ap-shanghai-cls-7xk2p9ab/control-plane"
    ]
    assert "payments" not in out and "eks/" not in out
    with Store(url) as store:
        recorded = {(c.key, c.kind, c.state) for c in store.proposed_changes()}
    assert recorded == {
        ("tke/ap-shanghai/cls-7xk2p9ab|control-plane", "pull_request", "opened"),
        ("tke/ap-shanghai/cls-7xk2p9ab|upgrade", "ticket", "opened"),
    }

    # A dry run from the store records nothing new.
    assert main([*args, "--dry-run"]) == 0
    with Store(url) as store:
        assert {(c.key, c.state) for c in store.proposed_changes()} == {
            (key, state) for key, _, state in recorded
        }


def test_waves_reads_the_store_and_shows_each_wave(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    seed_store(url, eks_fails_later=False)
    plan = tmp_path / "waves.yaml"
    plan.write_text(WAVES_PLAN, encoding="utf-8")
    args = ["waves", "--plan", str(plan), "--store", url, "--now", "2026-01-15"]

    assert main([*args, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["soak_known"] is True
    first, second = shown["waves"]
    assert (first["name"], first["open"], first["clusters_at_target"]) == ("early", True, 1)
    assert [c["name"] for c in first["clusters"]] == ["ack-prod", "orders"]
    assert second["open"] is False
    assert second["held_by"] == ["early: 1 cluster(s) not at target (orders)"]
    assert second["clusters"][0]["held_by"].startswith("wave late is not open")

    assert main(args) == 0
    table = capsys.readouterr().out
    assert "1. early" in table and "OPEN  1/2 at target (50%)" in table
    assert "2. late" in table and "HELD  0/1 at target (0%)" in table
    assert "held by: early: 1 cluster(s) not at target (orders)" in table


WAVES_PLAN = """
version: 1
groups:
  - name: early
    selector: {provider: [tke, ack]}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
    wave: early
  - name: late
    selector: {provider: eks}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
    wave: late
waves:
  - {name: early, soak: 1d}
  - {name: late}
"""
