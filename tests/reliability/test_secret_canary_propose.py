"""A canary in every forge and tracker credential of `kubedrift propose`: the GitHub and
GitLab tokens of the Terraform pull requests and of the ticket sinks, Jira's token and
account (Basic) and a Jira personal access token (Bearer). The fakes fail with answers that
echo the request's credentials back (tests/reliability/echoing.py): refusals, 5xx, a 200
that is a proxy's page, a 200 of JSON in the wrong shape, on the first call and on creates
and comments; then they work.
The canary must appear in no output, log record, request body (pull requests, issues,
comments), commit, branch, ticket file or stored row (the healthy run proposes from a
store and records what it opened).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.cli import main
from kubedrift.model.inventory import (
    ClusterInventory,
    Collected,
    ControlPlane,
    InventoryDocument,
)
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan
from kubedrift.sim.forge import FakeGitHub, FakeGitLab
from kubedrift.sim.issues import FakeGitHubIssues, FakeGitLabIssues
from kubedrift.sim.server import FakeServer, Fault, FaultKind
from kubedrift.store import Store
from kubedrift.versions import parse_version
from tests.integration.enforcers.conftest import git, seed_remote
from tests.integration.enforcers.propose_cases import ACK, EKS, NOW, PLAN, TKE
from tests.integration.store.cycles import cycle
from tests.reliability.echoing import (
    EchoingGitHub,
    EchoingGitHubIssues,
    EchoingGitLab,
    EchoingGitLabIssues,
    EchoingJira,
    echo,
)

pytestmark = pytest.mark.slow

CANARY = "kdcanary9f2c"
GITHUB_TOKEN = f"ghp_{CANARY}github"
GITLAB_TOKEN = f"glpat-{CANARY}gitlab"
JIRA_USER, JIRA_TOKEN = f"bot-{CANARY}@acme.example", f"{CANARY}-jira-api-token"
JIRA_PAT = f"{CANARY}-jira-pat"
# What a Basic header carries: the canary only base64-encoded, a leak all the same.
BASIC = base64.b64encode(f"{JIRA_USER}:{JIRA_TOKEN}".encode()).decode()
ENVIRONMENT = {
    "KD_GITHUB": GITHUB_TOKEN,
    "KD_GITLAB": GITLAB_TOKEN,
    "KD_JIRA_USER": JIRA_USER,
    "KD_JIRA_TOKEN": JIRA_TOKEN,
    "KD_JIRA_PAT": JIRA_PAT,
}


class Fakes:
    def __init__(self) -> None:
        self.github = EchoingGitHub(token=GITHUB_TOKEN)
        self.gitlab = EchoingGitLab(token=GITLAB_TOKEN)
        self.github_issues = EchoingGitHubIssues(token=GITHUB_TOKEN)
        self.gitlab_issues = EchoingGitLabIssues(token=GITLAB_TOKEN)
        self.jira = EchoingJira(project="OPS", token=JIRA_TOKEN, user=JIRA_USER)
        self.jira_pat = EchoingJira(project="PLAT", token=JIRA_PAT)

    def all(self) -> tuple[FakeServer, ...]:
        return (
            self.github,
            self.gitlab,
            self.github_issues,
            self.gitlab_issues,
            self.jira,
            self.jira_pat,
        )

    def fail(self, kind: FaultKind, operation: str | None = None) -> None:
        for server in self.all():
            server.faults.clear()
            server.faults.add(Fault(kind=kind, operation=operation, times=None))

    def heal(self) -> None:
        for server in self.all():
            server.faults.clear()

    def held(self) -> dict[str, str]:
        """Everything the fakes were sent and keep: request lines and bodies, pull requests,
        issues, comments (the credential headers themselves are the one place it belongs)."""
        seen: dict[str, str] = {}
        for server in self.all():
            requests = [f"{r.method} {r.path} {r.query} {r.body.decode()}" for r in server.calls()]
            seen[f"{server.name}:{server.port} requests"] = "\n".join(requests)
        forges: tuple[FakeGitHub | FakeGitLab, ...] = (self.github, self.gitlab)
        for forge in forges:
            seen[f"{forge.name} pull requests"] = "\n".join(
                f"{p.branch} {p.title} {p.body} {p.history} {p.comments}" for p in forge.prs
            )
        trackers: tuple[FakeGitHubIssues | FakeGitLabIssues, ...] = (
            self.github_issues,
            self.gitlab_issues,
        )
        for tracker in trackers:
            seen[f"{tracker.name}"] = "\n".join(
                f"{i.title} {i.body} {i.labels} {i.comments}" for i in tracker.issues
            )
        for jira in (self.jira, self.jira_pat):
            seen[f"jira:{jira.port}"] = "\n".join(
                f"{i.key} {i.summary} {i.description} {i.labels} {i.comments}" for i in jira.issues
            )
        return seen


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    made = Fakes()
    for server in made.all():
        server.start()
    try:
        yield made
    finally:
        for server in made.all():
            server.stop()


def write_settings(directory: Path, remote: Path, fakes: Fakes) -> Path:
    roots = "[{path: ack, var_files: [prod.tfvars]}, {path: tke}, {path: eks}]"
    settings = f"""
plan: plan.yaml
sources:
  - {{name: offline, type: kubeconfig, kubeconfig: none}}
enforcers:
  - type: terraform_pr
    repo: {remote}
    workdir: work-github
    branch_prefix: kd-github
    roots: {roots}
    forge: {{type: github, project: acme/infra, token_env: KD_GITHUB, api: "{fakes.github.url}"}}
  - type: terraform_pr
    repo: {remote}
    workdir: work-gitlab
    branch_prefix: kd-gitlab
    roots: {roots}
    forge:
      type: gitlab
      project: acme/infra
      token_env: KD_GITLAB
      api: "{fakes.gitlab.url}/api/v4"
  - {{type: ticket, sink: github, project: acme/infra, token_env: KD_GITHUB,
      api: "{fakes.github_issues.url}"}}
  - {{type: ticket, sink: gitlab, project: acme/infra, token_env: KD_GITLAB,
      api: "{fakes.gitlab_issues.url}/api/v4"}}
  - {{type: ticket, sink: jira, project: OPS, token_env: KD_JIRA_TOKEN, user_env: KD_JIRA_USER,
      api: "{fakes.jira.url}"}}
  - {{type: ticket, sink: jira, project: PLAT, token_env: KD_JIRA_PAT, api: "{fakes.jira_pat.url}"}}
  - {{type: ticket, sink: file, directory: tickets}}
"""
    (directory / "plan.yaml").write_text(PLAN, encoding="utf-8")
    path = directory / "kubedrift.yaml"
    path.write_text(settings, encoding="utf-8")
    return path


def write_inventory(directory: Path, *clusters: ClusterInventory) -> Path:
    path = directory / "inventory.json"
    document = InventoryDocument(collected_at=NOW, clusters=clusters)
    path.write_text(document.model_dump_json(), encoding="utf-8")
    return path


def seed_store(url: str, clusters: tuple[ClusterInventory, ...]) -> None:
    """One real daemon cycle (reconcile + save) of `clusters`, for `propose --store`."""
    with Store(url, upgrade=True) as store:
        found = evaluate(parse_plan(PLAN), clusters, NOW, load_calendar())
        results = [Collected(inventory=c) for c in clusters]
        cycle(store, found, results, NOW, sources=("tke", "eks", "ack"))


def at_target(inventory: ClusterInventory) -> ClusterInventory:
    plane = ControlPlane(version=parse_version("1.30.4"))
    return inventory.model_copy(update={"control_plane": plane})


def test_echoed_forge_and_tracker_tokens_reach_no_output_log_pr_ticket_or_commit(
    tmp_path: Path,
    fakes: Fakes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    remote = seed_remote(tmp_path)
    config = write_settings(tmp_path, remote, fakes)
    drifted = ["--inventory", str(write_inventory(tmp_path, TKE, EKS, ACK))]
    store = f"sqlite:///{tmp_path / 'kd.sqlite'}"
    seed_store(store, (TKE, EKS, ACK))
    seen: dict[str, str] = {}
    exits: dict[str, int] = {}

    def run(label: str, source: list[str]) -> None:
        before = sum(len(s.calls()) for s in fakes.all())
        args = ["propose", "--config", str(config), *source, "--now", "2026-01-15"]
        exits[label] = main(["--debug", *args])
        captured = capsys.readouterr()
        seen[label] = captured.out + captured.err
        assert sum(len(s.calls()) for s in fakes.all()) > before, seen[label]  # the fakes were met

    # Refused, failing and proxied: every answer quotes the request's credentials.
    fakes.fail("auth")
    run("refused", drifted)
    fakes.fail("server_error", operation="create")
    run("create fails", drifted)
    fakes.fail("malformed")
    run("proxy page", drifted)
    fakes.fail("wrong_shape")
    run("wrong shape", drifted)
    for server in fakes.all():  # the echoes did carry the canary to kubedrift
        assert any(CANARY in echo(r) for r in server.calls()), server.name
    fakes.heal()
    run("healthy", ["--store", store])
    # Every cluster at its target: proposals closed with a comment, first failing.
    resolved = write_inventory(tmp_path, at_target(TKE), at_target(EKS), ACK)
    fakes.fail("server_error", operation="comment")
    run("comment fails", ["--inventory", str(resolved)])
    fakes.heal()
    run("resolved", ["--inventory", str(resolved)])

    assert exits == {
        "refused": 3,
        "create fails": 3,
        "proxy page": 3,
        "wrong shape": 3,
        "healthy": 0,
        "comment fails": 3,
        "resolved": 0,
    }, seen
    # It all happened: pull requests on both forges, issues in every tracker, closed with
    # a comment (the texts the canary must be absent from are real ones).
    assert len(fakes.github.prs) == len(fakes.gitlab.prs) == 2
    assert all(p.state == "closed" and p.comments for p in fakes.github.prs + fakes.gitlab.prs)
    assert len(fakes.github_issues.issues) == len(fakes.gitlab_issues.issues) == 2
    assert len(fakes.jira.issues) == len(fakes.jira_pat.issues) == 2
    assert all(i.comments for i in fakes.jira.issues + fakes.jira_pat.issues)
    assert not any("unexpected" in text for text in seen.values()), seen
    with Store(store) as saved:
        recorded = saved.proposed_changes()
    # A pull request and a ticket of each drifted cluster (one row per key, whichever sink).
    assert len(recorded) == 4 and {c.kind for c in recorded} == {"pull_request", "ticket"}

    seen["logs"] = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    seen.update(fakes.held())
    for path in sorted((tmp_path / "tickets").rglob("*")):
        if path.is_file():
            seen[str(path)] = path.read_text(encoding="utf-8")
    seen["remote"] = git(remote, "log", "-p", "--all") + git(remote, "for-each-ref")
    assert "kd-github/" in seen["remote"] and "kd-gitlab/" in seen["remote"]
    for stored in tmp_path.glob("kd.sqlite*"):  # the database, its WAL included
        seen[stored.name] = stored.read_bytes().decode("latin-1")
    for clone in ("work-github", "work-gitlab"):
        seen[clone] = git(tmp_path / clone, "log", "-p", "--all") + git(
            tmp_path / clone, "config", "--list", "--local"
        )

    leaked = [where for where, text in seen.items() if CANARY in text or BASIC in text]
    assert leaked == [], {where: _around(seen[where]) for where in leaked}


def _around(text: str) -> str:
    at = text.find(CANARY)
    at = text.find(BASIC) if at < 0 else at
    return text[max(0, at - 300) : at + 100]
