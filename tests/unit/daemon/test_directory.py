"""The notify directory: checked when old or when a cluster is new to it, but never once per
new cluster while one cycle's save routes its events; with the store's revision, rebuilt only
when the revision, the plan or the date moved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kubedrift.calendar import load_calendar
from kubedrift.daemon.notify import CONTEXT_TTL, UNKNOWN_REBUILD_AFTER, Directory
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan
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


def test_a_cluster_no_build_found_waits_for_the_ttl_without_a_revision() -> None:
    fleet, clock = StoredFleet(), Monotonic()
    contexts = directory(fleet, clock)
    contexts.context()
    clock.now += UNKNOWN_REBUILD_AFTER
    gone = "tke/ap-shanghai/cls-gone"  # its events outlive it in the outbox
    contexts.context([gone])
    clock.now += UNKNOWN_REBUILD_AFTER
    contexts.context([gone])
    assert fleet.reads == 2  # the first ask rebuilt; asking again did not


def test_an_old_context_is_rebuilt() -> None:
    fleet, clock = StoredFleet(), Monotonic()
    contexts = directory(fleet, clock)
    contexts.context()
    clock.now += CONTEXT_TTL
    contexts.context()
    assert fleet.reads == 2


@dataclass
class Inputs:
    """What a context is built from besides the inventories, each movable by a test."""

    revision: int = 1
    plan: VersionPlan = field(default_factory=lambda: parse_plan(PLAN))
    now: datetime = T0
    revisions_read: int = 0

    def read_revision(self) -> int:
        self.revisions_read += 1
        return self.revision


def checked_directory(fleet: StoredFleet, clock: Monotonic, inputs: Inputs) -> Directory:
    return Directory(
        fleet,
        lambda: inputs.plan,
        load_calendar(),
        lambda: inputs.now,
        revision=inputs.read_revision,
        monotonic=clock,
    )


def test_an_old_context_is_kept_while_the_store_the_plan_and_the_date_stay() -> None:
    fleet, clock, inputs = StoredFleet(), Monotonic(), Inputs()
    known = fleet.add("cls-known")
    contexts = checked_directory(fleet, clock, inputs)
    first = contexts.context()
    for _ in range(3):
        clock.now += CONTEXT_TTL
        inputs.now += timedelta(hours=1)  # the same day: the remedies read the date only
        assert contexts.context([known]) is first
    assert (fleet.reads, inputs.revisions_read) == (1, 4)


def test_a_context_is_rebuilt_when_a_cycle_was_saved_the_plan_changed_or_the_day_turned() -> None:
    fleet, clock, inputs = StoredFleet(), Monotonic(), Inputs()
    fleet.add("cls-known")
    contexts = checked_directory(fleet, clock, inputs)
    contexts.context()
    moves = (
        lambda: setattr(inputs, "revision", inputs.revision + 1),
        lambda: setattr(inputs, "plan", parse_plan(PLAN.replace("name: all", "name: every"))),
        lambda: setattr(inputs, "now", inputs.now + timedelta(days=1)),
    )
    for reads, move in enumerate(moves, start=2):
        clock.now += CONTEXT_TTL
        move()
        contexts.context()
        assert fleet.reads == reads


def test_a_cluster_the_store_does_not_hold_is_known_once_its_cycle_is_saved() -> None:
    fleet, clock, inputs = StoredFleet(), Monotonic(), Inputs()
    contexts = checked_directory(fleet, clock, inputs)
    contexts.context()
    later = fleet.add("cls-later")  # written by a save that has not committed its revision
    for _ in range(50):  # the save routes many events of it: one check, no rebuild
        assert later not in contexts.context([later]).clusters
    clock.now += UNKNOWN_REBUILD_AFTER
    assert later not in contexts.context([later]).clusters
    assert (fleet.reads, inputs.revisions_read) == (1, 2)
    inputs.revision += 1  # the save committed
    clock.now += UNKNOWN_REBUILD_AFTER
    assert later in contexts.context([later]).clusters
    assert fleet.reads == 2
