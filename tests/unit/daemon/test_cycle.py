"""`Cycles`: the due sources only, the leader predicate, re-evaluation without collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubedrift.daemon.cycle import Cycles
from kubedrift.model.events import DriftState, EventType
from kubedrift.store.repo import Store
from tests.unit.daemon.fixtures import PLAN, Clock, ScriptedCollector, cycles, plan, store

C1 = "tke/ap-shanghai/c1"
LAG = (C1, "control-plane-minor-lag")


def open_keys(db: Store) -> set[tuple[str, str]]:
    return {(s.key.cluster, s.key.rule) for s in db.open_states()}


def test_a_scan_of_one_source_leaves_the_others_alone(tmp_path: Path) -> None:
    db = store(tmp_path)
    a = ScriptedCollector("a", {"c1": "1.29.3"})
    b = ScriptedCollector("b", {"c2": "1.29.3"})
    clock = Clock()
    run = cycles(db, [a, b], clock)
    run.scan()
    before = {s.key: s for s in db.open_states() if s.source == "b"}
    b.clusters.clear()  # were b scanned, its cluster would be removed and resolved
    clock.tick()
    report = run.scan(["a"])
    assert report.sources == ("a",)
    assert b.calls == 2  # discover + collect of the first cycle only
    assert {s.key: s for s in db.open_states() if s.source == "b"} == before
    assert report.events == ()


def test_unknown_source_names_are_refused_before_anything_runs(tmp_path: Path) -> None:
    a = ScriptedCollector("a", {"c1": "1.29.3"})
    with pytest.raises(KeyError, match="nope"):
        cycles(store(tmp_path), [a], Clock()).scan(["nope"])
    assert a.calls == 0


def test_a_replica_that_is_not_the_leader_neither_collects_nor_writes(tmp_path: Path) -> None:
    db = store(tmp_path)
    a = ScriptedCollector("a", {"c1": "1.29.3"})
    run = cycles(db, [a], Clock(), is_leader=lambda: False)
    report = run.scan()
    assert report.skipped == "not the leader"
    assert a.calls == 0
    assert run.reevaluate().skipped == "not the leader"
    assert db.events() == () and db.open_states() == ()


def test_leadership_lost_while_collecting_discards_the_cycle(tmp_path: Path) -> None:
    db = store(tmp_path)
    leader = {"now": True}
    a = ScriptedCollector("a", {"c1": "1.29.3"})
    a.before_collect = lambda: leader.update(now=False)
    report = cycles(db, [a], Clock(), is_leader=lambda: leader["now"]).scan()
    assert report.skipped == "leadership lost"
    assert a.calls == 2
    assert db.events() == ()


def test_a_failed_cluster_stays_open_and_stale_and_reevaluation_leaves_it(
    tmp_path: Path,
) -> None:
    db = store(tmp_path)
    a = ScriptedCollector("a", {"c1": "1.29.3", "c2": "1.29.3"})
    clock = Clock()
    current = {"plan": plan()}
    run = cycles(db, [a], clock, current=lambda: current["plan"])
    run.scan()
    a.failing.add("c1")
    clock.tick()
    failed = run.scan()
    assert [f.cluster.id for f in failed.failures if f.cluster] == ["c1"]
    assert not any(e.type is EventType.DRIFT_RESOLVED for e in failed.events)
    assert LAG in open_keys(db)

    # A plan under which 1.29 is fine: c2's lag resolves, c1 (not looked at) keeps its own.
    current["plan"] = plan(PLAN.replace('"1.30"', '"1.29"'))
    calls = a.calls
    clock.tick()
    report = run.reevaluate()
    assert a.calls == calls  # nothing collected
    assert report.kind == "reevaluate" and report.collected == 1
    resolved = {
        (e.finding.cluster, e.finding.rule)
        for e in report.events
        if e.type is EventType.DRIFT_RESOLVED and e.finding
    }
    assert ("tke/ap-shanghai/c2", "control-plane-minor-lag") in resolved
    assert all(cluster != C1 for cluster, _ in resolved)
    assert LAG in open_keys(db)


def test_reevaluation_skips_the_clusters_of_a_failing_source(tmp_path: Path) -> None:
    db = store(tmp_path)
    a = ScriptedCollector("a", {"c1": "1.29.3"})
    clock = Clock()
    run = cycles(db, [a], clock)
    run.scan()
    a.discovery_fails = True
    clock.tick()
    assert [e.type for e in run.scan().events] == [EventType.SOURCE_FAILED]
    clock.tick()
    report = run.reevaluate()
    assert report.collected == 0 and report.events == ()


def test_every_cycle_reaches_on_cycle(tmp_path: Path) -> None:
    seen: list[str] = []
    run = cycles(store(tmp_path), [ScriptedCollector("a", {"c1": "1.30.2"})], Clock())
    run.on_cycle = lambda report: seen.append(report.kind)
    run.scan()
    run.reevaluate()
    assert seen == ["scan", "reevaluate"]


class CountingStore(Store):
    """The real store, counting the reads of the open states a cycle starts from."""

    reads = 0

    def open_states(self) -> tuple[DriftState, ...]:
        self.reads += 1
        return super().open_states()


def test_a_cycle_starts_from_what_the_last_save_left_unless_another_replica_saved(
    tmp_path: Path,
) -> None:
    db = CountingStore(f"sqlite:///{tmp_path / 'kd.sqlite'}", upgrade=True)
    a = ScriptedCollector("a", {"c1": "1.29.3"})
    b = ScriptedCollector("b", {"c2": "1.29.3"})
    clock = Clock()
    run = cycles(db, [a, b], clock)
    run.scan()
    clock.tick()
    run.scan(["a"])
    assert db.reads == 1  # the second cycle read nothing back
    # Another replica (leader for a while) saves: c2 is upgraded, its lag resolves.
    b.clusters["c2"] = "1.30.2"
    clock.tick()
    cycles(db, [a, b], clock).scan(["b"])
    after_other = {s.key: s for s in db.open_states()}
    reads = db.reads
    clock.tick()
    run.scan(["a"])
    assert db.reads == reads + 1  # the revision moved: read again
    # Nothing of the other replica's save is undone by the first one's kept maps.
    assert {
        k: s for k, s in ((s.key, s) for s in db.open_states()) if k.cluster.endswith("c2")
    } == {k: s for k, s in after_other.items() if k.cluster.endswith("c2")}
    assert ("tke/ap-shanghai/c2", "control-plane-minor-lag") not in open_keys(db)


def _history(tmp_path: Path, *, fresh_each_cycle: bool) -> list[object]:
    """Events and open states after each step of a drifting fleet's life, from one
    long-lived `Cycles`, or from a new one (nothing kept) for every cycle."""
    db = store(tmp_path)
    a = ScriptedCollector("a", {"c1": "1.29.3", "c2": "1.29.3", "c3": "1.30.2"})
    b = ScriptedCollector("b", {"c4": "1.28.9"})
    clock = Clock()
    current = {"plan": plan()}
    long_lived = cycles(db, [a, b], clock, current=lambda: current["plan"])

    def run() -> Cycles:
        return (
            cycles(db, [a, b], clock, current=lambda: current["plan"])
            if fresh_each_cycle
            else long_lived
        )

    steps = (
        lambda: run().scan(),
        lambda: (a.clusters.update(c1="1.30.2"), run().scan(["a"]))[1],
        lambda: (a.failing.add("c2"), run().scan(["a"]))[1],
        lambda: (b.__setattr__("discovery_fails", True), run().scan(["b"]))[1],
        lambda: (a.failing.clear(), a.clusters.pop("c3"), run().scan())[2],
        lambda: (current.update(plan=plan(PLAN.replace('"1.30"', '"1.29"'))), run().reevaluate())[
            1
        ],
        lambda: (b.__setattr__("discovery_fails", False), run().scan(["b"]))[1],
    )
    seen: list[object] = []
    for step in steps:
        clock.tick()
        report = step()
        seen.append([(e.type, e.cluster, e.summary) for e in report.events])
        seen.append(db.open_states())
        seen.append(db.source_states())
    return seen


def test_kept_maps_give_the_same_cycles_as_reading_the_store_each_time(tmp_path: Path) -> None:
    (tmp_path / "kept").mkdir()
    (tmp_path / "fresh").mkdir()
    kept = _history(tmp_path / "kept", fresh_each_cycle=False)
    fresh = _history(tmp_path / "fresh", fresh_each_cycle=True)
    assert kept == fresh
    assert any(kept[i] for i in range(0, len(kept), 3))  # the steps made events
