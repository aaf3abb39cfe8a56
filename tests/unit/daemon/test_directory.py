"""The notify directory: rebuilt when old or when a cluster is new to it, but never once per
new cluster while one cycle's save routes its events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kubedrift.calendar import load_calendar
from kubedrift.daemon.notify import CONTEXT_TTL, UNKNOWN_REBUILD_AFTER, Directory
from kubedrift.model.inventory import ClusterInventory
from kubedrift.policies.planfile import parse_plan
from tests.unit.daemon.fixtures import PLAN, T0, inventory


@dataclass
class StoredFleet:
    """The store's latest inventories, counting how often the directory reads them."""

    inventories: dict[str, ClusterInventory] = field(default_factory=dict)
    reads: int = 0

    def __call__(self) -> Mapping[str, ClusterInventory]:
        self.reads += 1
        return dict(self.inventories)

    def add(self, cid: str) -> str:
        stored = inventory(cid, "tke-prod")
        self.inventories[stored.key] = stored
        return stored.key


@dataclass
class Monotonic:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


def directory(fleet: StoredFleet, monotonic: Monotonic) -> Directory:
    plan = parse_plan(PLAN)
    return Directory(fleet, lambda: plan, load_calendar(), lambda: T0, monotonic=monotonic)


def test_clusters_new_in_one_save_cost_one_build_not_one_each() -> None:
    fleet, clock = StoredFleet(), Monotonic()
    known = fleet.add("cls-known")
    contexts = directory(fleet, clock)
    assert known in contexts.context([known]).clusters
    # A first scan's save routes the events of many clusters the store does not hold yet.
    for n in range(200):
        contexts.context([f"tke/ap-shanghai/cls-new-{n}"])
    assert fleet.reads == 1


def test_a_cluster_saved_since_is_known_after_the_short_wait() -> None:
    fleet, clock = StoredFleet(), Monotonic()
    contexts = directory(fleet, clock)
    contexts.context()
    later = fleet.add("cls-later")
    assert later not in contexts.context([later]).clusters  # asked at once: the same build
    clock.now += UNKNOWN_REBUILD_AFTER
    other = fleet.add("cls-other")
    assert other in contexts.context([other]).clusters  # a new key, after the wait: rebuilt
    assert later in contexts.context([later]).clusters
    assert fleet.reads == 2


def test_an_old_context_is_rebuilt() -> None:
    fleet, clock = StoredFleet(), Monotonic()
    contexts = directory(fleet, clock)
    contexts.context()
    clock.now += CONTEXT_TTL
    contexts.context()
    assert fleet.reads == 2
