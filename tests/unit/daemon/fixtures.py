"""Builders for the daemon's unit tests: a scripted collector, inventories, a plan, a store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from kubedrift.calendar import load_calendar
from kubedrift.collectors.base import CollectorConfig
from kubedrift.collectors.runner import Source
from kubedrift.daemon.cycle import Cycles
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterInventory, ClusterRef, ControlPlane, NodePool
from kubedrift.model.plan import VersionPlan
from kubedrift.policies.planfile import parse_plan
from kubedrift.store.repo import Store
from kubedrift.versions import parse_version

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

PLAN = """\
version: 1
groups:
  - name: all
    owner: team-platform
    selector: {provider: tke}
    target: {kubernetes: "1.30"}
"""


def inventory(cid: str, source: str, version: str = "1.30.2") -> ClusterInventory:
    return ClusterInventory(
        provider="tke",
        source=source,
        id=cid,
        name=cid,
        region="ap-shanghai",
        collected_at=T0,
        control_plane=ControlPlane(version=parse_version(version)),
        node_pools=(NodePool(id="np-1", name="np-1", kubelet_version=parse_version(version)),),
    )


@dataclass
class ScriptedCollector:
    """A collector whose clusters (id -> version) and failures the test sets."""

    Config: ClassVar[type[CollectorConfig]] = CollectorConfig

    source: str
    clusters: dict[str, str] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    discovery_fails: bool = False
    calls: int = 0
    before_collect: Callable[[], None] | None = None

    def discover(self) -> list[ClusterRef]:
        self.calls += 1
        if self.discovery_fails:
            raise CollectError("auth refused", reason="auth", retryable=False)
        return [inventory(cid, self.source, v).ref for cid, v in sorted(self.clusters.items())]

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        self.calls += 1
        if self.before_collect is not None:
            self.before_collect()
        if cluster.id in self.failing:
            raise CollectError("timed out", reason="timeout", retryable=True)
        return inventory(cluster.id, self.source, self.clusters[cluster.id])


def source(collector: ScriptedCollector) -> Source:
    return Source(CollectorConfig(name=collector.source, type="scripted"), collector)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self) -> None:
        self.now += timedelta(minutes=10)


def plan(text: str = PLAN) -> VersionPlan:
    return parse_plan(text)


def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'kd.sqlite'}", upgrade=True)


def cycles(
    db: Store,
    collectors: list[ScriptedCollector],
    clock: Clock,
    *,
    is_leader: Callable[[], bool] = lambda: True,
    current: Callable[[], VersionPlan] | None = None,
) -> Cycles:
    the_plan = plan()
    return Cycles(
        store=db,
        sources={c.source: source(c) for c in collectors},
        plan=current or (lambda: the_plan),
        calendar=load_calendar(),
        clock=clock,
        is_leader=is_leader,
    )
