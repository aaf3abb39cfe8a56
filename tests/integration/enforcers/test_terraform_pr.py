"""The Terraform PR enforcer end to end: real git against a bare remote, real `terraform fmt`,
the real GitHub / GitLab clients against fake forge servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.enforcers.base import ENFORCERS, ChangeRef, ClusterDrift, Enforcer
from kubedrift.enforcers.forges import GitHub, GitLab
from kubedrift.enforcers.terraform import Terraform, TerraformRefusedError
from kubedrift.enforcers.terraform_pr import RootConfig, TerraformPrConfig, TerraformPrEnforcer
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.sim.forge import FakeGitHub, FakeGitLab
from kubedrift.versions import MinorVersion
from tests.integration.enforcers.conftest import ACK, EKS, TKE, change, git
from tests.integration.enforcers.propose_cases import TKE as TKE_INVENTORY

pytestmark = pytest.mark.integration
ROOTS = [RootConfig(path="ack", var_files=["prod.tfvars"]), RootConfig(path="tke"),
         RootConfig(path="eks")]  # fmt: skip


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub("acme/infra", token="ghp-test")
    with server.running():
        yield server


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    server = FakeGitLab("acme/infra", token="glpat-test")
    with server.running():
        yield server


def config(remote: Path, tmp_path: Path, **extra: object) -> TerraformPrConfig:
    fields = {"repo": str(remote), "workdir": tmp_path / "work", "roots": ROOTS, **extra}
    return TerraformPrConfig.model_validate(fields)


def remote_file(remote: Path, branch: str, path: str) -> str:
    return git(remote, "show", f"refs/heads/{branch}:{path}")


def test_the_bare_remote_receives_one_branch_with_the_one_line_change(
    remote: Path, tmp_path: Path, terraform: Terraform
) -> None:
    enforcer = TerraformPrEnforcer(config(remote, tmp_path), terraform=terraform)
    ref = enforcer.propose_step(change(TKE, "1.29.3", target="1.30.0"))

    assert ref.status == "opened"
    assert ref.branch == "kubedrift/tke-ap-shanghai-cls-7xk2p9ab/control-plane"
    heads = git(remote, "for-each-ref", "--format=%(refname)", "refs/heads")
    assert heads.split() == [f"refs/heads/{ref.branch}", "refs/heads/main"]
    text = remote_file(remote, ref.branch, "tke/main.tf")
    assert 'cluster_version                  = "1.29.3" # bumped by kubedrift PRs' in text
    assert ref.diff is not None and ref.diff.count("\n-  ") == 1 and ref.diff.count("\n+  ") == 1
    message = git(remote, "log", "-1", "--format=%B", ref.branch)
    assert "Kubedrift-Key: tke/ap-shanghai/cls-7xk2p9ab|control-plane" in message
    # the guard's record: formatting only; nothing that plans, applies or touches state
    assert {argv[0] for argv in terraform.history} == {"fmt"}


def test_repeated_runs_open_exactly_one_pull_request(
    remote: Path, tmp_path: Path, terraform: Terraform, github: FakeGitHub
) -> None:
    forge = GitHub("acme/infra", "ghp-test", api=github.url)
    enforcer = TerraformPrEnforcer(config(remote, tmp_path), terraform=terraform, forge=forge)
    statuses = []
    for _ in range(3):
        enforcer.new_run()
        statuses.append(
            enforcer.propose_step(change(EKS, "1.30.4", frm="1.29", target="1.31")).status
        )

    assert statuses == ["opened", "unchanged", "unchanged"]
    assert len(github.prs) == 1 and len(github.calls("create")) == 1
    assert github.calls("update") == []
    pr = github.prs[0]
    assert pr.title == "kubedrift: payments control-plane 1.29 -> 1.30 (towards 1.31)"
    assert "module.payments.aws_eks_cluster.this.version" in pr.body
    assert github.calls("list")[0].query["head"] == f"acme:{pr.branch}"
    assert 'default     = "1.30"' in remote_file(remote, pr.branch, "eks/variables.tf")
    assert git(remote, "rev-list", "--count", pr.branch).strip() == "2"


def test_a_stale_pull_request_is_updated_when_the_next_step_changes(
    remote: Path, tmp_path: Path, terraform: Terraform, gitlab: FakeGitLab
) -> None:
    forge = GitLab("acme/infra", "glpat-test", api=gitlab.url + "/api/v4")
    enforcer = TerraformPrEnforcer(config(remote, tmp_path), terraform=terraform, forge=forge)
    first = enforcer.propose_step(
        change(ACK, "1.30.1-aliyun.1", frm="1.29", target="1.31.1-aliyun.1")
    )
    # The path moved on (its first step is now 1.31): same drift, same key, same branch.
    second = enforcer.propose_step(
        change(ACK, "1.31.1-aliyun.1", frm="1.30", target="1.31.1-aliyun.1")
    )

    assert (first.status, second.status) == ("opened", "updated")
    assert first.branch == second.branch and first.number == second.number == 1
    assert len(gitlab.prs) == 1 and gitlab.prs[0].updates == 1
    # The title follows the step; the repository still pins 1.29.3 (the first PR is open).
    assert gitlab.prs[0].history == [
        "kubedrift: ack-prod control-plane 1.29.3-aliyun.1 -> 1.30.1-aliyun.1 "
        "(towards 1.31.1-aliyun.1)",
        "kubedrift: ack-prod control-plane 1.29.3-aliyun.1 -> 1.31.1-aliyun.1 "
        "(towards 1.31.1-aliyun.1)",
    ]
    assert [r.method for r in gitlab.requests] == ["GET", "POST", "GET", "PUT"]
    tfvars = remote_file(remote, second.branch or "", "ack/prod.tfvars")
    assert 'k8s_version = "1.31.1-aliyun.1" # kubedrift: managed' in tfvars
    assert git(remote, "rev-list", "--count", second.branch or "").strip() == "2"


def test_the_per_run_cap_defers_new_pull_requests_but_not_updates(
    remote: Path, tmp_path: Path, terraform: Terraform, github: FakeGitHub
) -> None:
    forge = GitHub("acme/infra", "ghp-test", api=github.url)
    cfg = config(remote, tmp_path, max_new_per_run=1)
    enforcer = TerraformPrEnforcer(cfg, terraform=terraform, forge=forge)
    enforcer.new_run()
    refs = [
        enforcer.propose_step(change(TKE, "1.29.3", target="1.30.0")),
        enforcer.propose_step(change(TKE, "1.1.8", frm="1.1.7", component="cbs")),
        enforcer.propose_step(change(TKE, "1.30.0", frm="1.29", target="1.30.0")),  # an update
    ]
    assert [r.status for r in refs] == ["opened", "deferred", "updated"]
    assert len(github.prs) == 1
    heads = git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
    assert refs[1].branch not in heads  # a deferred proposal pushes nothing
    enforcer.new_run()
    assert (
        enforcer.propose_step(change(TKE, "1.1.8", frm="1.1.7", component="cbs")).status == "opened"
    )
    assert len(github.prs) == 2


def test_dry_run_returns_the_diff_and_writes_nothing(
    remote: Path, tmp_path: Path, terraform: Terraform, github: FakeGitHub
) -> None:
    forge = GitHub("acme/infra", "ghp-test", api=github.url)
    cfg = config(remote, tmp_path, dry_run=True)
    ref = TerraformPrEnforcer(cfg, terraform=terraform, forge=forge).propose_step(
        change(ACK, "v1.11.3.2-f57ea7ed6-aliyun", frm="v1.9", component="coredns")
    )
    assert ref.status == "dry_run" and ref.diff is not None
    assert '-  version    = "v1.9.3.10-7dfca203-aliyun" // pinned' in ref.diff
    assert '+  version    = "v1.11.3.2-f57ea7ed6-aliyun" // pinned' in ref.diff
    assert github.requests == []
    assert git(remote, "for-each-ref", "refs/heads").count("\n") == 1  # main only


def test_a_repository_already_at_the_step_is_in_sync(
    remote: Path, tmp_path: Path, terraform: Terraform
) -> None:
    ref = TerraformPrEnforcer(config(remote, tmp_path), terraform=terraform).propose_step(
        change(EKS, "1.29.8", frm="1.28", target="1.29")
    )
    assert ref.status == "in_sync" and ref.commit is None


def test_terraform_refuses_apply_destroy_and_import_before_starting_a_process(
    tmp_path: Path,
) -> None:
    # A binary that does not exist: a refusal must come before any lookup or process.
    tf = Terraform(binary=str(tmp_path / "no-such-terraform"))
    for command in (["apply", "-auto-approve"], ["destroy"], ["import", "a.b", "id"], ["plan"]):
        with pytest.raises(
            TerraformRefusedError, match=f"refusing to run 'terraform {command[0]}'"
        ):
            tf.run(command, cwd=tmp_path)
    assert tf.history == []


def test_the_enforcer_is_registered_and_meets_the_protocol(remote: Path, tmp_path: Path) -> None:
    plugin = ENFORCERS.get("terraform_pr")
    assert plugin is TerraformPrEnforcer
    enforcer = TerraformPrEnforcer(config(remote, tmp_path))
    assert isinstance(enforcer, Enforcer)
    assert ChangeRef(key="k", status="unchanged").model_dump()["status"] == "unchanged"


def test_the_forge_token_comes_from_the_environment(
    remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forge = {"type": "github", "project": "acme/infra", "token_env": "KD_TEST_GH_TOKEN"}
    monkeypatch.delenv("KD_TEST_GH_TOKEN", raising=False)
    with pytest.raises(Exception, match="KD_TEST_GH_TOKEN is not set"):
        TerraformPrEnforcer(config(remote, tmp_path, forge=forge))


def test_a_new_next_step_closes_the_clusters_other_pull_request_with_a_comment(
    remote: Path, tmp_path: Path, terraform: Terraform, github: FakeGitHub
) -> None:
    forge = GitHub("acme/infra", "ghp-test", api=github.url)
    enforcer = TerraformPrEnforcer(config(remote, tmp_path), terraform=terraform, forge=forge)
    addon = enforcer.propose_step(change(TKE, "1.1.8", frm="1.1.7", component="cbs"))
    assert addon.status == "opened"

    # The control plane is what comes next now: its proposal replaces the add-on's.
    drift = ClusterDrift(
        inventory=TKE_INVENTORY,
        target=MinorVersion(1, 30),
        path=plan_upgrade(TKE_INVENTORY, MinorVersion(1, 30)),
    )
    done = enforcer.propose(drift)

    assert (done.kind, done.status, done.key) == (
        "pull_request",
        "opened",
        "tke/ap-shanghai/cls-7xk2p9ab|control-plane",
    )
    cbs, plane = github.prs
    assert (cbs.state, plane.state) == ("closed", "open")
    assert cbs.comments == [
        "kubedrift: the next upgrade step of orders (`tke/ap-shanghai/cls-7xk2p9ab`) is now "
        f"control-plane, proposed in {done.url}: closing this pull request."
    ]
    assert plane.comments == []
    # The same call again changes nothing and comments nothing.
    assert enforcer.propose(drift).status == "unchanged"
    assert [len(p.comments) for p in github.prs] == [1, 0]
