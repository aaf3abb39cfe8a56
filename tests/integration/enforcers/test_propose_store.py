"""`kubedrift propose --store` and `kubedrift waves --store` on a store seeded by real cycles
(the real reconcile and save of tests/integration/store/cycles.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.cli import main
from kubedrift.model.inventory import Collected, CollectionFailed, FailureReason
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan
from kubedrift.sim.forge import FakeGitHub
from kubedrift.store import Store
from tests.integration.enforcers.propose_cases import ACK, EKS, NOW, PLAN, TKE
from tests.integration.store.cycles import cycle

pytestmark = pytest.mark.integration


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
