"""Swarm and Mesos clusters through `kubedrift propose`'s pieces: the simulated fleet read by
the real collectors, the example plan, `candidates`, and the ticket enforcer's file sink.

The ticket is the runbook: managers / masters one at a time, the leader last, quorum kept,
then workers / agents; in en and zh-CN. The Terraform enforcer leaves these clusters alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubedrift.calendar import load_calendar
from kubedrift.collectors.build import open_sources
from kubedrift.collectors.runner import collect_all
from kubedrift.enforcers.propose import candidates
from kubedrift.enforcers.tickets import TicketEnforcer, TicketsConfig
from kubedrift.model.inventory import ClusterInventory, Collected
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import load_plan
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet

PLAN = Path(__file__).resolve().parents[3] / "kubedrift" / "sim" / "data" / "plan.yaml"
NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def inventories() -> list[ClusterInventory]:
    fleet = load_fleet()
    legacy = fleet.model_copy(update={"clusters": ()})  # only the Swarm and the Mesos cluster
    with SimulatedFleet(legacy) as sim, open_sources(sim.configs("sim"), sim.environ) as sources:
        results = collect_all(sources)
    return [r.inventory for r in results if isinstance(r, Collected)]


def test_swarm_and_mesos_tickets_are_runbooks(
    inventories: list[ClusterInventory], tmp_path: Path
) -> None:
    assert sorted(i.key for i in inventories) == ["mesos/bigdata-mesos-sh", "swarm/legacy-swarm-bj"]
    plan = load_plan(PLAN)
    findings = evaluate(plan, inventories, NOW, load_calendar())
    drifts = {d.inventory.key: d for d in candidates(plan, inventories, findings)}
    swarm = drifts["swarm/legacy-swarm-bj"]
    assert swarm.path is not None and str(swarm.target) == "29.7"
    enforcer = TicketEnforcer(TicketsConfig(sink="file", directory=tmp_path / "en"))
    done = enforcer.propose(swarm)
    assert done.status == "opened"
    [written] = (tmp_path / "en").rglob("*.md")
    text = written.read_text(encoding="utf-8")
    assert "Upgrade legacy-swarm-bj to Docker Engine 29.7.2 (from 26.1.4)" in text
    followers = text.index("**manager swarm-bj-mgr-2**")
    old = text.index("**manager swarm-bj-mgr-old-1**")
    leader = text.index("**manager swarm-bj-mgr-1** (the leader, last of the managers)")
    workers = text.index("**workers in pool web** (4 nodes)")
    assert followers < old < leader < workers
    assert "with 3 managers, 2 must stay up" in text
    assert "platform-workers-newer" in text
    # Proposing again changes nothing: one ticket per cluster.
    assert enforcer.propose(swarm).status == "unchanged"


def test_mesos_ticket_in_chinese(inventories: list[ClusterInventory], tmp_path: Path) -> None:
    plan = load_plan(PLAN)
    findings = evaluate(plan, inventories, NOW, load_calendar())
    [mesos] = [
        d for d in candidates(plan, inventories, findings) if d.inventory.platform == "mesos"
    ]
    enforcer = TicketEnforcer(TicketsConfig(sink="file", directory=tmp_path, locale="zh-CN"))
    assert enforcer.propose(mesos).status == "opened"
    [written] = tmp_path.rglob("*.md")
    text = written.read_text(encoding="utf-8")
    assert "【升级】bigdata-mesos-sh 升级到 Apache Mesos 1.11.0（当前 1.10.0）" in text
    assert "（当前主节点，最后升级）" in text
    assert "节点池 r1 的agent" in text
    # The findings read in Chinese: the rule's title and the summary's Chinese form, with
    # the values it does not name.
    assert "）：Mesos 1.10（主节点，1.10.0）已随项目一起退役\n" in text
    assert "比最旧的主节点（1.10.0）还新；期望 <= 1.10.0\n" in text
    assert "retired with the project" not in text
