"""The daemon's enforcement step on the simulated TKE fleet: real git with a bare remote, the
real `terraform fmt`, the real GitHub client against the fake GitHub, the file ticket sink,
a SQLite store. The leader proposes after each cycle, gated by rollout wave (soak counted
from the stored `cluster.version_changed`), closes what resolved, caps new pull requests per
run, and a failing forge is logged and counted, never raised into the daemon."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kubedrift.daemon.app import Daemon
from kubedrift.daemon.cycle import always
from kubedrift.settings import load_settings
from kubedrift.sim.daemon_setup import TOKEN, TOKEN_ENV, write_settings
from kubedrift.sim.fleet import Fleet, SimCluster, load_fleet
from kubedrift.sim.forge import FakeGitHub
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.server import Fault
from kubedrift.sim.slack import SlackFakeServer
from tests.integration.enforcers.conftest import git

pytestmark = pytest.mark.integration
GH_TOKEN = "ghp-daemon-enforce"
SANDBOX = "tke/ap-guangzhou/cls-d3v0ld26"  # dev-gz-sandbox, TKE 1.26.1: wave "first"
ORDERS = "tke/ap-guangzhou/cls-7xk2p9ab"  # prod-gz-orders, TKE 1.30.0: wave "second"
SANDBOX_BRANCH = "kubedrift/tke-ap-guangzhou-cls-d3v0ld26/control-plane"
ORDERS_BRANCH = "kubedrift/tke-ap-guangzhou-cls-7xk2p9ab/control-plane"
PLAN = """
version: 1
groups:
  - name: dev
    selector: {provider: tke, labels: {env: dev}}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
    wave: first
  - name: prod
    selector: {provider: tke, labels: {env: production}}
    target: {kubernetes: "1.32", allowed_lag: {minors: 0}}
    wave: second
waves:
  - {name: first, soak: 1h}
  - {name: second}
"""
INFRA = """
resource "tencentcloud_kubernetes_cluster" "sandbox" {
  cluster_name    = "dev-gz-sandbox"
  cluster_version = "1.26.1" # the data team's playground
}

resource "tencentcloud_kubernetes_cluster" "orders" {
  cluster_name    = "prod-gz-orders"
  cluster_version = "1.30.0"
}
"""
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def with_cluster(fleet: Fleet, key: str, **changes: Any) -> Fleet:
    clusters = tuple(c.model_copy(update=changes) if c.key == key else c for c in fleet.clusters)
    return Fleet(accounts=fleet.accounts, clusters=clusters, catalog=fleet.catalog)


def pools_at(cluster: SimCluster, kubelet: str) -> tuple[Any, ...]:
    return tuple(
        p.model_copy(update={"kubelet_versions": {kubelet: p.node_count}})
        for p in cluster.node_pools
    )


@pytest.fixture
def sim() -> Iterator[SimulatedFleet]:
    fleet = load_fleet()
    orders = next(c for c in fleet.clusters if c.key == ORDERS)
    # One kubelet version in the orders pool, so its path starts with the control plane.
    fleet = with_cluster(fleet, ORDERS, node_pools=pools_at(orders, "1.30.0-tke.8"))
    with SimulatedFleet(fleet) as running:
        yield running


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub("acme/infra", token=GH_TOKEN)
    with server.running():
        yield server


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "infra.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    (seed / "tke").mkdir(parents=True)
    (seed / "tke" / "main.tf").write_text(INFRA.lstrip(), encoding="utf-8")
    git(seed, "init", "--quiet", "--initial-branch=main")
    git(seed, "add", ".")
    git(seed, "commit", "--quiet", "-m", "infra")
    git(seed, "push", "--quiet", str(bare), "main")
    return bare


@dataclass
class World:
    tmp_path: Path
    sim: SimulatedFleet
    slack: SlackFakeServer
    github: FakeGitHub
    remote: Path
    clock: Clock


@pytest.fixture
def world(
    tmp_path: Path,
    sim: SimulatedFleet,
    github: FakeGitHub,
    remote: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[World]:
    monkeypatch.setenv("KD_DAEMON_GH_TOKEN", GH_TOKEN)
    slack = SlackFakeServer()  # the daemon's notifier; unused here but part of its settings
    with slack.running():
        yield World(tmp_path, sim, slack, github, remote, Clock())


def make_daemon(
    world: World,
    *,
    waves: bool = True,
    cap: int = 5,
    enabled: bool = True,
    is_leader: Callable[[], bool] = always,
) -> Daemon:
    tmp_path, sim, github, remote = world.tmp_path, world.sim, world.github, world.remote
    if shutil.which("terraform") is None:
        pytest.fail("the terraform binary is not on PATH: this test runs `terraform fmt`")
    enforcers = [
        {
            "type": "terraform_pr",
            "repo": str(remote),
            "workdir": "work",
            "roots": [{"path": "tke"}],
            "max_new_per_run": cap,
            "forge": {
                "type": "github",
                "project": "acme/infra",
                "token_env": "KD_DAEMON_GH_TOKEN",
                "api": github.url,
            },
        },
        {"type": "ticket", "sink": "file", "directory": "tickets"},
    ]
    path = write_settings(
        tmp_path,
        sim,
        world.slack,
        f"sqlite:///{tmp_path / 'store.sqlite'}",
        kinds=("tke",),
        enforcers=enforcers,
        enforcement={"enabled": enabled, "waves": waves},
    )
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    environ = {**sim.environ, TOKEN_ENV: TOKEN}
    settings = load_settings(path)
    return Daemon(settings, environ=environ, clock=world.clock, is_leader=is_leader)


def branches(remote: Path) -> list[str]:
    return git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()


def metric(daemon: Daemon, name: str, **labels: str) -> float:
    return daemon.status.registry.get_sample_value(name, labels) or 0.0


def test_the_leader_proposes_by_wave_closes_what_resolved_and_records_it(world: World) -> None:
    tmp_path, sim, github, remote, clock = (
        world.tmp_path,
        world.sim,
        world.github,
        world.remote,
        world.clock,
    )
    with make_daemon(world) as daemon:
        assert daemon.run_once().skipped is None

        # Wave "first" is open: the sandbox's next step (1.26 -> 1.28, of 1.26 -> 1.30)
        # is proposed.
        assert [(pr.branch, pr.state) for pr in github.prs] == [(SANDBOX_BRANCH, "open")]
        assert branches(remote) == sorted(["main", SANDBOX_BRANCH])
        shown = git(remote, "show", f"{SANDBOX_BRANCH}:tke/main.tf")
        assert 'cluster_version = "1.28.3" # the data team\'s playground' in shown
        assert sorted(p.name for p in (tmp_path / "tickets").glob("*.md")) == [
            "tke-ap-guangzhou-cls-d3v0ld26--upgrade.md"
        ]
        recorded = {c.key: c.state for c in daemon.store.proposed_changes()}
        assert recorded == {
            f"{SANDBOX}|control-plane": "opened",
            f"{SANDBOX}|upgrade": "opened",
        }
        assert metric(daemon, "kubedrift_enforcement_runs_total", outcome="ok") == 1
        # The other outcomes' series are there from 0 (not absent): an increase() sees the
        # first failure.
        runs = "kubedrift_enforcement_runs_total"
        assert daemon.status.registry.get_sample_value(runs, {"outcome": "failed"}) == 0.0
        opened = metric(
            daemon, "kubedrift_enforcement_proposals_total", kind="pull_request", status="opened"
        )
        assert opened == 1
        # Wave "second" waits for the sandbox.
        held = metric(
            daemon, "kubedrift_enforcement_proposals_total", kind="pull_request", status="held"
        )
        assert held == 1

        # A second cycle changes nothing anywhere.
        clock.now += timedelta(minutes=10)
        daemon.run_once()
        assert len(github.prs) == 1 and github.prs[0].updates == 0

        # The sandbox is upgraded to 1.30: its pull request and ticket are closed with a
        # comment; the orders cluster still waits for the first wave's one-hour soak.
        sandbox = next(c for c in sim.tke.fleet.clusters if c.key == SANDBOX)
        sim.tke.fleet = with_cluster(
            sim.tke.fleet,
            SANDBOX,
            version="1.30.0",
            node_pools=pools_at(sandbox, "1.30.0-tke.8"),
            addons=tuple(a.model_copy(update={"version": "1.11.1"}) for a in sandbox.addons),
        )
        clock.now += timedelta(minutes=10)
        upgraded_at = clock.now
        daemon.run_once()
        (sandbox_pr,) = github.prs
        assert sandbox_pr.state == "closed"
        assert "no longer drifts from its target 1.30" in sandbox_pr.comments[0]
        assert list((tmp_path / "tickets").glob("*.md")) == []
        assert daemon.store.proposed_change(f"{SANDBOX}|control-plane").state == "closed"  # type: ignore[union-attr]
        assert daemon.store.last_version_changes()[SANDBOX] == upgraded_at

        clock.now = upgraded_at + timedelta(minutes=59)
        daemon.run_once()
        assert len(github.prs) == 1

        # Soaked: the second wave opens and the orders cluster gets its proposal.
        clock.now = upgraded_at + timedelta(hours=1)
        daemon.run_once()
        assert [(pr.branch, pr.state) for pr in github.prs] == [
            (SANDBOX_BRANCH, "closed"),
            (ORDERS_BRANCH, "open"),
        ]
        assert 'cluster_version = "1.32.2"' in git(remote, "show", f"{ORDERS_BRANCH}:tke/main.tf")


def test_new_pull_requests_are_capped_per_step_and_the_rest_come_next_cycle(world: World) -> None:
    github, remote, clock = world.github, world.remote, world.clock
    with make_daemon(world, waves=False, cap=1) as daemon:
        result = daemon.run_once()
        assert result.skipped is None
        assert [pr.branch for pr in github.prs] == [ORDERS_BRANCH]  # key order: 7xk2p9ab first
        deferred = metric(
            daemon, "kubedrift_enforcement_proposals_total", kind="pull_request", status="deferred"
        )
        assert deferred == 1
        assert SANDBOX_BRANCH not in branches(remote)  # a deferred proposal pushes nothing

        clock.now += timedelta(minutes=10)
        daemon.run_once()
        assert sorted(pr.branch for pr in github.prs) == [ORDERS_BRANCH, SANDBOX_BRANCH]


def test_a_failing_forge_is_logged_and_counted_and_the_daemon_goes_on(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    github, clock = world.github, world.clock
    github.faults.add(Fault(kind="server_error", operation="create", times=None))
    with make_daemon(world) as daemon:
        report = daemon.run_once()
        assert report.skipped is None and report.collected > 0
        assert github.prs == []
        failed = metric(
            daemon, "kubedrift_enforcement_proposals_total", kind="pull_request", status="error"
        )
        assert failed == 1
        assert metric(daemon, "kubedrift_enforcement_runs_total", outcome="failed") == 1
        assert any("proposal failed" in r.getMessage() for r in caplog.records)
        # The ticket of the same cluster was still filed, and nothing was recorded for the PR.
        assert {c.key for c in daemon.store.proposed_changes()} == {f"{SANDBOX}|upgrade"}

        github.faults.clear()
        clock.now += timedelta(minutes=10)
        daemon.run_once()
        assert [pr.branch for pr in github.prs] == [SANDBOX_BRANCH]


def test_a_replica_that_lost_leadership_after_the_cycle_does_not_enforce(world: World) -> None:
    tmp_path, github = world.tmp_path, world.github
    asked: list[bool] = []

    def leader_for_the_cycle_only() -> bool:
        # The cycle asks twice (before collecting, before saving); the step asks third.
        asked.append(len(asked) < 2)
        return asked[-1]

    with make_daemon(world, is_leader=leader_for_the_cycle_only) as daemon:
        assert daemon.run_once().skipped is None
        assert asked == [True, True, False]
        assert github.prs == [] and not (tmp_path / "tickets").exists()
        assert daemon.store.proposed_changes() == ()
        assert daemon.store.latest_inventories()  # the cycle itself was saved


def test_enforcement_is_off_unless_enabled(world: World) -> None:
    with make_daemon(world, enabled=False) as daemon:
        assert daemon.enforcement is None
        daemon.run_once()
    assert world.github.prs == []
