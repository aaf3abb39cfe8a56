"""`StoreCollector.exposition()` (what `/metrics` serves): the very text `generate_latest`
writes, kept per store revision and plan yet never stale; and the count of deliveries that
may have reached a sink twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from kubedrift.calendar import ReleaseCalendar
from kubedrift.calendar.lookup import MinorLike
from kubedrift.metrics import StoreCollector
from kubedrift.model.inventory import Collected
from kubedrift.model.plan import VersionPlan
from kubedrift.model.support import SupportWindow
from kubedrift.store import Store
from tests.unit.metrics.seed import (
    CALENDAR,
    IDC_FINDINGS,
    PLAN,
    SCRAPE,
    T2,
    cycle,
    idc_inventories,
    inventory,
    seed,
)
from tests.unit.metrics.test_collector import by_cluster, parse


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'kubedrift.db'}", upgrade=True) as opened:
        seed(opened)
        yield opened


@dataclass
class Scene:
    """What the collector is given and can be changed under it: the clock and the plan."""

    now: datetime = SCRAPE
    plan: VersionPlan | None = PLAN

    def collector(self, store: Store) -> StoreCollector:
        return StoreCollector(store, lambda: self.plan, CALENDAR, clock=lambda: self.now)


def generic(collector: StoreCollector) -> bytes:
    registry = CollectorRegistry(auto_describe=True)
    registry.register(collector)
    return generate_latest(registry)


def test_the_text_is_what_generate_latest_writes(store: Store) -> None:
    scene = Scene()
    collector = scene.collector(store)
    first = collector.exposition()
    assert first == generic(scene.collector(store))
    assert collector.exposition() == first  # kept, and the same


def test_the_clock_moves_the_times_and_nothing_else(store: Store) -> None:
    scene = Scene()
    collector = scene.collector(store)
    before = parse(collector.exposition())
    scene.now += timedelta(hours=5)
    after = parse(collector.exposition())
    remaining = "kubedrift_cluster_support_remaining_seconds"
    assert by_cluster(after, remaining) == {
        cluster: value - 5 * 3600 for cluster, value in by_cluster(before, remaining).items()
    }
    age = "kubedrift_outbox_oldest_age_seconds"
    assert after[age] == {sink: value + 5 * 3600 for sink, value in before[age].items()}
    moving = {remaining, age}
    assert {k: v for k, v in after.items() if k not in moving} == {
        k: v for k, v in before.items() if k not in moving
    }
    assert collector.exposition() == generic(scene.collector(store))


def test_a_saved_cycle_shows_at_the_next_scrape(store: Store) -> None:
    scene = Scene()
    collector = scene.collector(store)
    collector.exposition()
    # A cluster whose key needs escaping in a label value, and an upgraded one (a new
    # inventory snapshot: read again, while the unchanged edge-1's facts are reused).
    odd = inventory('idc-"q\\', "v1.30.5", provider="kubeconfig", source="idc", at=SCRAPE)
    upgraded = inventory("idc-1", "v1.31.2", provider="kubeconfig", source="idc", at=SCRAPE)
    edge = [i for i in idc_inventories(SCRAPE) if i.key != upgraded.key]
    results = [Collected(inventory=i) for i in (*edge, upgraded, odd)]
    cycle(store, IDC_FINDINGS, results, SCRAPE, sources=("idc",))

    text = collector.exposition()
    samples = parse(text)
    assert odd.key in by_cluster(samples, "kubedrift_cluster_support_remaining_seconds")
    versions = {dict(k)["cluster"]: dict(k)["version"] for k in samples["kubedrift_cluster_info"]}
    assert versions[upgraded.key] == "v1.31.2"
    assert text == generic(scene.collector(store))


def test_a_new_plan_shows_at_the_next_scrape(store: Store) -> None:
    scene = Scene()
    collector = scene.collector(store)
    groups = parse(collector.exposition())["kubedrift_cluster_info"]
    assert {dict(labels)["group"] for labels in groups} == {"prod-tke", "idc", ""}
    scene.plan = None
    groups = parse(collector.exposition())["kubedrift_cluster_info"]
    assert {dict(labels)["group"] for labels in groups} == {""}


def test_a_delivery_after_an_unrecorded_attempt_counts_as_possibly_duplicated(
    store: Store,
) -> None:
    duplicated = "kubedrift_notifications_possibly_duplicated"
    collector = Scene().collector(store)
    assert parse(collector.exposition())[duplicated] == {
        (("sink", "chat"),): 0.0,
        (("sink", "pager"),): 0.0,
    }
    # A worker claims a row and dies before recording; after the lease another delivers it.
    (lost,) = store.claim_outbox("pager", T2, limit=1, lease=timedelta(minutes=1))
    later = T2 + timedelta(minutes=2)
    (again,) = [i for i in store.claim_outbox("pager", later, limit=100) if i.id == lost.id]
    assert again.attempts == 2
    assert store.mark_delivered(again, later)
    # A row delivered at its second claim after a recorded failure is no duplicate.
    (failed,) = store.claim_outbox("chat", T2, limit=1)
    assert store.mark_failed(failed, T2, error="HTTP 500", retry_at=later)
    (retried,) = [i for i in store.claim_outbox("chat", later, limit=100) if i.id == failed.id]
    assert retried.attempts == 2
    assert store.mark_delivered(retried, later)

    assert parse(collector.exposition())[duplicated] == {
        (("sink", "chat"),): 0.0,
        (("sink", "pager"),): 1.0,
    }


class _HeldCalendar(ReleaseCalendar):
    """The seed calendar, counting look-ups; the first one waits until `go` is set."""

    def __init__(self) -> None:
        super().__init__(CALENDAR.windows("tke") + CALENDAR.windows("upstream"))
        self.looked_up = 0
        self.holding, self.go = threading.Event(), threading.Event()

    def window(self, provider: str, minor: MinorLike) -> SupportWindow | None:
        self.looked_up += 1
        if not self.holding.is_set():
            self.holding.set()
            assert self.go.wait(10)
        return super().window(provider, minor)


def test_a_scrape_while_the_metrics_are_warmed_waits_and_does_not_redo_the_work(
    store: Store,
) -> None:
    alone = _HeldCalendar()
    alone.go.set()
    expected = StoreCollector(store, lambda: PLAN, alone, clock=lambda: SCRAPE).exposition()
    calendar = _HeldCalendar()
    collector = StoreCollector(store, lambda: PLAN, calendar, clock=lambda: SCRAPE)
    warming = threading.Thread(target=collector.warm)
    warming.start()
    assert calendar.holding.wait(10)  # the warm is figuring the fleet
    served: list[bytes] = []
    scraping = threading.Thread(target=lambda: served.append(collector.exposition()))
    scraping.start()
    scraping.join(0.5)  # the scrape would have done the work by now, were it not waiting
    calendar.go.set()
    warming.join(10)
    scraping.join(10)
    assert served == [expected]
    assert calendar.looked_up == alone.looked_up  # the fleet was figured once
