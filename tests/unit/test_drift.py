"""drift.reconcile: table-driven scenarios, then properties over random cycle sequences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kubedrift.drift import WAIVER_EXPIRING_RULE, event_id, reconcile
from kubedrift.model.events import DriftState, EventType, ResolveReason
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.model.inventory import (
    Addon,
    ClusterInventory,
    ClusterRef,
    Collected,
    CollectionFailed,
    ControlPlane,
    FailureReason,
    NodePool,
)
from kubedrift.model.reconcile import ReconcileResult, SourceState, VersionSnapshot
from kubedrift.versions import parse_version

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Result = Collected | CollectionFailed


def at(cycle: int) -> datetime:
    return T0 + timedelta(minutes=10 * cycle)


def ref(cid: str, source: str = "tke-prod") -> ClusterRef:
    return ClusterRef(provider="tke", source=source, id=cid, name=cid, region="ap-shanghai")


def key_of(cid: str) -> str:
    return ref(cid).key


def inventory(
    cid: str,
    source: str = "tke-prod",
    *,
    cp: str | None = "1.30.2",
    pools: dict[str, str | None] | None = None,
    addons: dict[str, str | None] | None = None,
    unknown: tuple[str, ...] = (),
) -> ClusterInventory:
    pools = {"np-1": "1.30.2"} if pools is None else pools
    addons = {"coredns": "1.11.1"} if addons is None else addons
    return ClusterInventory(
        provider="tke",
        source=source,
        id=cid,
        name=cid,
        region="ap-shanghai",
        collected_at=T0,
        control_plane=ControlPlane(version=parse_version(cp) if cp else None),
        node_pools=tuple(
            NodePool(id=p, name=p, kubelet_version=parse_version(v) if v else None)
            for p, v in pools.items()
        ),
        addons=tuple(Addon(name=a, running_version=v) for a, v in addons.items()),
        unknown=unknown,
    )


def ok(cid: str, source: str = "tke-prod", **versions: Any) -> Collected:
    return Collected(inventory=inventory(cid, source, **versions))


def cluster_failed(cid: str, source: str = "tke-prod") -> CollectionFailed:
    return CollectionFailed(
        source=source, cluster=ref(cid, source), reason=FailureReason.TIMEOUT, message="t/o", at=T0
    )


def source_failed(source: str = "tke-prod") -> CollectionFailed:
    return CollectionFailed(
        source=source, cluster=None, reason=FailureReason.AUTH, message="bad key", at=T0
    )


def finding(
    cid: str,
    severity: Severity = Severity.MEDIUM,
    *,
    rule: str = "control-plane-behind",
    component: str = "control-plane",
    waived_by: str | None = None,
) -> Finding:
    return Finding(
        key=FindingKey(cluster=key_of(cid), rule=rule, component=component),
        severity=severity,
        summary=f"{cid}: {rule}",
        observed="1.29.3",
        expected=">=1.30",
        waived_by=waived_by,
    )


@dataclass
class Store:
    """What the store would keep between cycles: exactly what reconcile returned."""

    states: tuple[DriftState, ...] = ()
    snapshots: dict[str, VersionSnapshot] = field(default_factory=dict)
    sources: dict[str, SourceState] = field(default_factory=dict)

    def cycle(
        self,
        now: datetime,
        findings: Iterable[Finding] = (),
        results: Iterable[Result] = (),
        sources: Sequence[str] = ("tke-prod",),
    ) -> ReconcileResult:
        out = reconcile(
            self.states,
            list(findings),
            list(results),
            now,
            sources=sources,
            snapshots=self.snapshots,
            source_states=self.sources,
        )
        self.states, self.snapshots, self.sources = out.states, out.snapshots, out.sources
        return out

    def state(self, cid: str) -> DriftState:
        (found,) = (s for s in self.states if s.key.cluster == key_of(cid))
        return found


def kinds(out: ReconcileResult) -> list[EventType]:
    return [e.type for e in out.events]


# --- the finding lifecycle ---------------------------------------------------------------


def test_new_finding_opens_and_is_announced() -> None:
    store = Store()
    out = store.cycle(at(0), [finding("a")], [ok("a")])
    (event,) = out.events
    assert event.type is EventType.DRIFT_OPENED
    assert event.id == event_id(EventType.DRIFT_OPENED, str(finding("a").key), at(0))
    assert (event.at, event.cluster, event.finding) == (at(0), key_of("a"), finding("a").key)
    assert event.detail == {
        "rule": "control-plane-behind",
        "component": "control-plane",
        "observed": "1.29.3",
        "expected": ">=1.30",
    }
    state = store.state("a")
    assert (state.opened_at, state.last_seen_at, state.source) == (at(0), at(0), "tke-prod")
    assert state.announced and not state.stale


def test_same_finding_again_only_moves_last_seen() -> None:
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a")])
    out = store.cycle(at(1), [finding("a")], [ok("a")])
    assert out.events == ()
    assert (store.state("a").opened_at, store.state("a").last_seen_at) == (at(0), at(1))


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        (Severity.MEDIUM, Severity.HIGH, [EventType.DRIFT_ESCALATED]),
        (Severity.INFO, Severity.CRITICAL, [EventType.DRIFT_ESCALATED]),
        (Severity.HIGH, Severity.MEDIUM, []),  # lower: the state follows, nobody is paged
        (Severity.HIGH, Severity.HIGH, []),
    ],
)
def test_severity_changes(first: Severity, then: Severity, expected: list[EventType]) -> None:
    store = Store()
    store.cycle(at(0), [finding("a", first)], [ok("a")])
    out = store.cycle(at(1), [finding("a", then)], [ok("a")])
    assert kinds(out) == expected
    assert store.state("a").severity is then
    if expected:
        assert (out.events[0].severity, out.events[0].previous_severity) == (then, first)


def test_down_then_up_again_escalates_again() -> None:
    store = Store()
    store.cycle(at(0), [finding("a", Severity.HIGH)], [ok("a")])
    store.cycle(at(1), [finding("a", Severity.LOW)], [ok("a")])
    out = store.cycle(at(2), [finding("a", Severity.HIGH)], [ok("a")])
    assert kinds(out) == [EventType.DRIFT_ESCALATED]
    assert out.events[0].previous_severity is Severity.LOW


def test_gone_from_a_collected_cluster_resolves() -> None:
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a")])
    out = store.cycle(at(1), [], [ok("a")])
    (event,) = out.events
    assert (event.type, event.resolved_reason) == (EventType.DRIFT_RESOLVED, ResolveReason.GONE)
    assert event.detail["opened_at"] == at(0).isoformat()
    assert store.states == ()
    (closed,) = out.resolved
    assert (closed.resolved_at, closed.resolved_reason) == (at(1), ResolveReason.GONE)


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(([cluster_failed("a"), ok("b")], ("tke-prod",)), id="cluster failed"),
        pytest.param(([source_failed()], ("tke-prod",)), id="source discovery failed"),
    ],
)
def test_failed_collection_never_resolves(failure: tuple[list[Result], tuple[str, ...]]) -> None:
    results, sources = failure
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a"), ok("b")])
    out = store.cycle(at(1), [], results, sources)
    assert EventType.DRIFT_RESOLVED not in kinds(out)
    assert out.resolved == ()
    state = store.state("a")
    assert state.stale and state.last_seen_at == at(0)
    # Back, and still drifting: fresh again.
    store.cycle(at(2), [finding("a")], [ok("a"), ok("b")])
    assert not store.state("a").stale and store.state("a").last_seen_at == at(2)
    # Back, and fixed: now it resolves.
    out = store.cycle(at(3), [], [ok("a"), ok("b")])
    assert kinds(out) == [EventType.DRIFT_RESOLVED]


def test_a_rule_that_failed_on_a_cluster_resolves_none_of_its_findings_there() -> None:
    store = Store()
    pools = [finding("a", rule="node-pool-behind", component=f"node-pool/np-{n}") for n in (1, 2)]
    store.cycle(at(0), [*pools, finding("a")], [ok("a")])
    # The rule raised on pool 2 (its own finding says so); pool 1 is still judged.
    error = finding("a", rule="node-pool-behind", component="rule-error")
    out = store.cycle(at(1), [pools[0], error], [ok("a")])
    # The rule error opens; of the resolutions, only the other rule's (judged, and gone).
    assert sorted(kinds(out)) == [EventType.DRIFT_OPENED, EventType.DRIFT_RESOLVED]
    (closed,) = out.resolved
    assert closed.key.rule == "control-plane-behind"
    by_component = {s.key.component: s for s in store.states}
    kept = by_component["node-pool/np-2"]
    assert kept.stale and kept.last_seen_at == at(0)
    assert not by_component["node-pool/np-1"].stale
    # The rule works again and pool 2 is fixed: now it resolves, and the error too.
    out = store.cycle(at(2), [pools[0]], [ok("a")])
    assert sorted(s.key.component for s in out.resolved) == ["node-pool/np-2", "rule-error"]


def test_cluster_gone_from_successful_discovery_resolves_as_removed() -> None:
    store = Store()
    store.cycle(at(0), [finding("a"), finding("b")], [ok("a"), ok("b")])
    out = store.cycle(at(1), [finding("b")], [ok("b")])
    (event,) = out.events
    assert event.resolved_reason is ResolveReason.CLUSTER_REMOVED
    assert event.finding == finding("a").key
    assert out.removed_clusters == (key_of("a"),)
    assert set(store.snapshots) == {key_of("b")}


def test_source_that_discovers_nothing_removes_its_clusters() -> None:
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a")])
    out = store.cycle(at(1), [], [], sources=("tke-prod",))
    assert [e.resolved_reason for e in out.events] == [ResolveReason.CLUSTER_REMOVED]
    assert store.snapshots == {}


def test_a_source_that_did_not_run_leaves_its_clusters_alone() -> None:
    store = Store()
    store.cycle(at(0), [finding("a"), finding("x", rule="r")], [ok("a"), ok("x", "ack-prod")])
    before = store.state("x")
    out = store.cycle(at(1), [finding("a")], [ok("a")], sources=("tke-prod",))
    assert out.events == () and out.resolved == ()
    assert store.state("x") == before  # not stale either: nobody tried to look
    assert key_of("x") in store.snapshots


def test_re_evaluation_of_stored_inventories_judges_no_source() -> None:
    """After a plan change the daemon re-evaluates stored inventories: sources=()."""
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a")])
    store.cycle(at(1), [finding("a")], [source_failed()])
    out = store.cycle(at(2), [], [ok("a")], sources=())
    assert kinds(out) == [EventType.DRIFT_RESOLVED]
    assert store.sources["tke-prod"].failing  # no recovery claimed without a discovery


def test_discovery_failure_removes_nothing() -> None:
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a")])
    out = store.cycle(at(1), [], [source_failed()])
    assert out.removed_clusters == () and out.resolved == ()
    assert key_of("a") in store.snapshots


# --- sources ------------------------------------------------------------------------------


def test_one_source_failed_per_streak_then_recovered() -> None:
    store = Store()
    store.cycle(at(0), [], [ok("a")])
    first = store.cycle(at(1), [], [source_failed()])
    second = store.cycle(at(2), [], [source_failed()])
    back = store.cycle(at(3), [], [ok("a")])
    again = store.cycle(at(4), [], [source_failed()])
    assert kinds(first) == [EventType.SOURCE_FAILED]
    assert first.events[0].source == "tke-prod"
    assert first.events[0].detail == {"reason": "auth", "message": "bad key"}
    assert kinds(second) == []
    assert store.sources["tke-prod"].failures == 1  # reset by the recovery, then one more
    assert kinds(back) == [EventType.SOURCE_RECOVERED]
    assert back.events[0].detail["failures"] == "2"
    assert kinds(again) == [EventType.SOURCE_FAILED]
    assert again.events[0].id != first.events[0].id  # a new streak, a new id


def test_every_cluster_failing_is_a_source_failure() -> None:
    store = Store()
    out = store.cycle(at(0), [], [cluster_failed("a"), cluster_failed("b")])
    assert kinds(out) == [EventType.SOURCE_FAILED]
    out = store.cycle(at(1), [], [cluster_failed("a"), ok("b")])
    assert kinds(out) == [EventType.SOURCE_RECOVERED]


def test_source_failure_for_a_source_that_did_not_run_is_refused() -> None:
    with pytest.raises(ValueError, match="not among the sources that ran"):
        reconcile([], [], [source_failed("ack-prod")], at(0), sources=("tke-prod",))


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reconcile([], [], [], datetime(2026, 3, 2, 9, 0), sources=())  # noqa: DTZ001


# --- versions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "detail"),
    [
        ({}, {"cp": "1.31.1"}, {"control-plane": "1.30.2 -> 1.31.1"}),
        ({}, {"cp": "1.30.2-tke.3"}, {"control-plane": "1.30.2 -> 1.30.2-tke.3"}),
        ({}, {"pools": {"np-1": "1.30.4"}}, {"node-pool/np-1": "1.30.2 -> 1.30.4"}),
        (
            {},
            {"pools": {"np-2": "1.31.1"}},  # replaced by a new pool
            {"node-pool/np-1": "1.30.2 -> (none)", "node-pool/np-2": "(none) -> 1.31.1"},
        ),
        ({}, {"addons": {"coredns": "1.11.3"}}, {"addon/coredns": "1.11.1 -> 1.11.3"}),
        ({}, {}, {}),
        ({}, {"cp": "v1.30.2"}, {}),  # one version written two ways
        ({}, {"cp": None}, {}),  # unreadable is not a change
        ({}, {"pools": {"np-1": None}}, {}),
        ({}, {"pools": {}, "unknown": ("node_pools",)}, {}),  # the part could not be read
        ({}, {"addons": {}, "unknown": ("addons",)}, {}),
    ],
)
def test_version_changes(
    before: dict[str, Any], after: dict[str, Any], detail: dict[str, str]
) -> None:
    store = Store()
    first = store.cycle(at(0), [], [ok("a", **before)])
    assert first.events == ()  # first sight is not a change
    out = store.cycle(at(1), [], [ok("a", **after)])
    if detail:
        (event,) = out.events
        assert (event.type, event.cluster, event.detail) == (
            EventType.VERSION_CHANGED,
            key_of("a"),
            detail,
        )
        assert event.id == event_id(EventType.VERSION_CHANGED, key_of("a"), at(1))
    else:
        assert out.events == ()


def test_unreadable_version_keeps_the_last_known_one() -> None:
    store = Store()
    store.cycle(at(0), [], [ok("a")])
    store.cycle(at(1), [], [ok("a", cp=None)])
    assert store.snapshots[key_of("a")].versions["control-plane"] == "1.30.2"
    assert store.cycle(at(2), [], [ok("a")]).events == ()
    assert kinds(store.cycle(at(3), [], [ok("a", cp="1.31.0")])) == [EventType.VERSION_CHANGED]


def test_failed_cluster_keeps_its_snapshot() -> None:
    store = Store()
    store.cycle(at(0), [], [ok("a"), ok("b")])
    store.cycle(at(1), [], [cluster_failed("a"), ok("b")])
    assert store.snapshots[key_of("a")].taken_at == at(0)


# --- waivers ------------------------------------------------------------------------------


def test_waived_finding_is_kept_but_pages_nobody() -> None:
    store = Store()
    out = store.cycle(at(0), [finding("a", waived_by="w-1")], [ok("a")])
    assert out.events == ()
    state = store.state("a")
    assert (state.waived_by, state.announced) == ("w-1", False)
    # Escalation under a waiver: still quiet.
    assert (
        store.cycle(at(1), [finding("a", Severity.HIGH, waived_by="w-1")], [ok("a")]).events == ()
    )
    # The waiver lapses and the drift is still there: announced now, at its current severity.
    out = store.cycle(at(2), [finding("a", Severity.HIGH)], [ok("a")])
    assert kinds(out) == [EventType.DRIFT_OPENED]
    assert out.events[0].severity is Severity.HIGH
    assert store.state("a").opened_at == at(0) and store.state("a").announced


def test_resolution_of_an_unannounced_finding_is_not_announced() -> None:
    store = Store()
    store.cycle(at(0), [finding("a", waived_by="w-1")], [ok("a")])
    out = store.cycle(at(1), [], [ok("a")])
    assert out.events == ()
    assert [s.resolved_reason for s in out.resolved] == [ResolveReason.GONE]


def test_waived_after_announcement_still_resolves_loudly() -> None:
    store = Store()
    store.cycle(at(0), [finding("a")], [ok("a")])
    assert store.cycle(at(1), [finding("a", waived_by="w-1")], [ok("a")]).events == ()
    assert kinds(store.cycle(at(2), [], [ok("a")])) == [EventType.DRIFT_RESOLVED]


def test_waiver_expiring_finding_is_announced_as_waiver_expiring() -> None:
    store = Store()
    expiring = finding("a", Severity.LOW, rule=WAIVER_EXPIRING_RULE, component="w-1")
    out = store.cycle(at(0), [expiring], [ok("a")])
    assert kinds(out) == [EventType.WAIVER_EXPIRING]
    assert out.events[0].id == event_id(EventType.WAIVER_EXPIRING, str(expiring.key), at(0))
    assert kinds(store.cycle(at(1), [], [ok("a")])) == [EventType.DRIFT_RESOLVED]


# --- inputs and determinism ---------------------------------------------------------------


def test_a_key_reported_twice_keeps_the_more_severe() -> None:
    out = Store().cycle(at(0), [finding("a", Severity.LOW), finding("a", Severity.HIGH)], [ok("a")])
    assert [(e.type, e.severity) for e in out.events] == [(EventType.DRIFT_OPENED, Severity.HIGH)]


def test_replaying_a_cycle_gives_the_same_result() -> None:
    store = Store()
    store.cycle(at(0), [finding("a"), finding("b")], [ok("a"), ok("b")])
    findings = [finding("a", Severity.HIGH), finding("c")]
    results: list[Result] = [ok("a", cp="1.31.0"), cluster_failed("b"), ok("c")]
    first = reconcile(
        store.states, findings, results, at(1), sources=("tke-prod",), snapshots=store.snapshots
    )
    again = reconcile(
        store.states, findings, results, at(1), sources=("tke-prod",), snapshots=store.snapshots
    )
    assert first == again
    assert kinds(first) == [
        EventType.VERSION_CHANGED,
        EventType.DRIFT_ESCALATED,
        EventType.DRIFT_OPENED,
    ]
    later = reconcile(
        store.states, findings, results, at(2), sources=("tke-prod",), snapshots=store.snapshots
    )
    assert {e.id for e in first.events}.isdisjoint(e.id for e in later.events)


def test_event_id_ignores_the_offset_the_instant_is_written_in() -> None:
    shanghai = at(0).astimezone(ZoneInfo("Asia/Shanghai"))
    assert event_id(EventType.DRIFT_OPENED, "k", shanghai) == event_id(
        EventType.DRIFT_OPENED, "k", at(0)
    )
    assert event_id(EventType.DRIFT_OPENED, "k", at(0)) != event_id(
        EventType.DRIFT_RESOLVED, "k", at(0)
    )


def test_the_timeline_in_docs_drift_md() -> None:
    store = Store()
    behind = [finding("a", Severity.MEDIUM)]
    steps = [
        (store.cycle(at(0), behind, [ok("a", cp="1.29.3")]), [EventType.DRIFT_OPENED]),
        (
            store.cycle(at(1), [finding("a", Severity.HIGH)], [ok("a", cp="1.29.3")]),
            [EventType.DRIFT_ESCALATED],
        ),
        (store.cycle(at(2), [], [source_failed()]), [EventType.SOURCE_FAILED]),
        (store.cycle(at(3), [], [source_failed()]), []),
        (
            store.cycle(at(4), [], [ok("a", cp="1.30.4")]),
            [EventType.SOURCE_RECOVERED, EventType.VERSION_CHANGED, EventType.DRIFT_RESOLVED],
        ),
    ]
    assert [kinds(out) for out, _ in steps] == [expected for _, expected in steps]
    assert steps[4][0].events[1].detail == {"control-plane": "1.29.3 -> 1.30.4"}
    assert steps[4][0].resolved[0].last_seen_at == at(1)


# --- properties over random sequences of cycles ------------------------------------------

SOURCES = {"tke-prod": ("a", "b", "c"), "ack-prod": ("x", "y")}
OWNER = {cid: source for source, cids in SOURCES.items() for cid in cids}
RULES = ("control-plane-behind", "pool-skew", WAIVER_EXPIRING_RULE)
CP_VERSIONS = ("1.29.3", "1.30.2", "v1.30.2", "1.31.0")


class ReconcileMachine(RuleBasedStateMachine):
    """Random cycles: sources run or not, discovery fails, clusters fail, appear and vanish,
    findings come and go with random severities and waivers, versions move."""

    def __init__(self) -> None:
        super().__init__()
        self.store = Store()
        self.tick = 0
        self.listed = dict.fromkeys(OWNER, True)  # what each discovery would list now
        self.failing = dict.fromkeys(SOURCES, False)  # the model's own streak bookkeeping
        self.announced: set[FindingKey] = set()  # announced and not yet resolved
        self.ever_opened: set[FindingKey] = set()
        self.ever_resolved: set[FindingKey] = set()
        self.seen_ids: set[str] = set()
        self.last_cp: dict[str, str] = {}  # the model's own memory of versions

    @rule(cid=st.sampled_from(sorted(OWNER)))
    def toggle_listing(self, cid: str) -> None:
        self.listed[cid] = not self.listed[cid]

    @rule(data=st.data())
    def cycle(self, data: st.DataObject) -> None:
        ran = [s for s in SOURCES if data.draw(st.booleans(), label=f"{s} runs")]
        results: list[Result] = []
        findings: list[Finding] = []
        collected: set[str] = set()
        uncollected: set[str] = set()
        discovery_ok: set[str] = set()
        source_failing: dict[str, bool] = {}
        cps: dict[str, str] = {}
        for source in ran:
            listed = [c for c in SOURCES[source] if self.listed[c]]
            if data.draw(st.integers(0, 4), label=f"{source} discovery") == 0:
                results.append(source_failed(source))
                uncollected.update(SOURCES[source])
                source_failing[source] = True
                continue
            discovery_ok.add(source)
            for cid in listed:
                if data.draw(st.integers(0, 3), label=f"{cid} fails") == 0:
                    results.append(cluster_failed(cid, source))
                    uncollected.add(cid)
                    continue
                cp = data.draw(st.sampled_from(CP_VERSIONS), label=f"{cid} cp")
                cps[cid] = cp
                results.append(ok(cid, source, cp=cp))
                collected.add(cid)
                for rule_id in data.draw(st.sets(st.sampled_from(RULES)), label=f"{cid} rules"):
                    findings.append(
                        finding(
                            cid,
                            data.draw(st.sampled_from(list(Severity))),
                            rule=rule_id,
                            waived_by=data.draw(st.sampled_from([None, None, "w-1"])),
                        )
                    )
            source_failing[source] = bool(listed) and not any(c in collected for c in listed)
        self._check(
            ran=ran,
            results=results,
            findings=findings,
            cps=cps,
            uncollected=uncollected,
            discovery_ok=discovery_ok,
            source_failing=source_failing,
        )

    def _check(
        self,
        *,
        ran: list[str],
        results: list[Result],
        findings: list[Finding],
        cps: dict[str, str],
        uncollected: set[str],
        discovery_ok: set[str],
        source_failing: dict[str, bool],
    ) -> None:
        before = {s.key: s for s in self.store.states}
        collected = set(cps)
        now = at(self.tick)
        self.tick += 1
        replay = reconcile(
            self.store.states,
            findings,
            results,
            now,
            sources=ran,
            snapshots=self.store.snapshots,
            source_states=self.store.sources,
        )
        out = self.store.cycle(now, findings, results, ran)
        # Replaying the same cycle gives the same events, ids included, and the same states.
        assert replay == out

        # No finding is ever resolved in a cycle where its cluster was not collected, unless
        # a successful discovery of its source no longer listed it.
        for state in out.resolved:
            cid = state.key.cluster.rsplit("/", 1)[1]
            assert cid not in uncollected
            if state.resolved_reason is ResolveReason.GONE:
                assert cid in collected
            else:
                assert OWNER[cid] in discovery_ok and not self.listed[cid]
        # Every stored or reported key is still open or was resolved now; never both.
        open_keys = {s.key for s in out.states}
        resolved_keys = {s.key for s in out.resolved}
        assert open_keys.isdisjoint(resolved_keys)
        assert open_keys | resolved_keys == before.keys() | {f.key for f in findings}
        assert {f.key for f in findings} <= open_keys
        self.ever_opened |= open_keys
        self.ever_resolved |= resolved_keys
        # Stale exactly when this cycle tried and failed to look.
        for state in out.states:
            cid = state.key.cluster.rsplit("/", 1)[1]
            if cid in uncollected:
                assert state.stale
            elif cid in collected:
                assert not state.stale and state.last_seen_at == now
            else:
                assert state == before[state.key]

        # Exactly one source.failed per streak, one source.recovered at its end.
        for source in ran:
            mine = [e.type for e in out.events if e.source == source]
            failed = [t for t in mine if t is EventType.SOURCE_FAILED]
            recovered = [t for t in mine if t is EventType.SOURCE_RECOVERED]
            assert len(failed) == (source_failing[source] and not self.failing[source])
            assert len(recovered) == (self.failing[source] and not source_failing[source])
            self.failing[source] = source_failing[source]
        assert all(e.source in ran for e in out.events if e.source is not None)

        # Announcements pair up: a resolution closes an announced opening, nothing else.
        for event in out.events:
            if event.type in (EventType.DRIFT_OPENED, EventType.WAIVER_EXPIRING):
                assert event.finding is not None and event.finding not in self.announced
                self.announced.add(event.finding)
            elif event.type is EventType.DRIFT_RESOLVED:
                assert event.finding is not None
                self.announced.remove(event.finding)
        assert {s.key for s in out.resolved if s.announced} == {
            e.finding for e in out.events if e.type is EventType.DRIFT_RESOLVED
        }
        # cluster.version_changed exactly when a collected cluster's version moved since it
        # was last collected; first sight (or first after removal) is not a change.
        moved = {
            key_of(cid)
            for cid, cp in cps.items()
            if cid in self.last_cp and parse_version(cp) != parse_version(self.last_cp[cid])
        }
        assert moved == {e.cluster for e in out.events if e.type is EventType.VERSION_CHANGED}
        self.last_cp.update(cps)
        for source in discovery_ok:
            for cid in SOURCES[source]:
                if not self.listed[cid]:
                    self.last_cp.pop(cid, None)
        # Ids are unique across the whole history (the outbox dedupes on them).
        ids = [e.id for e in out.events]
        assert len(set(ids)) == len(ids) and self.seen_ids.isdisjoint(ids)
        self.seen_ids.update(ids)

    @rule()
    def clean_sweep(self) -> None:
        """Every source discovers and collects everything it lists, no findings: then nothing
        may stay open (every opened key is eventually resolved)."""
        cps = {c: "1.30.2" for c in OWNER if self.listed[c]}
        results: list[Result] = [ok(c, OWNER[c], cp=cp) for c, cp in cps.items()]
        self._check(
            ran=list(SOURCES),
            results=results,
            findings=[],
            cps=cps,
            uncollected=set(),
            discovery_ok=set(SOURCES),
            source_failing=dict.fromkeys(SOURCES, False),
        )
        assert self.store.states == ()
        assert self.ever_opened <= self.ever_resolved

    @invariant()
    def announced_keys_are_open(self) -> None:
        open_keys = {s.key for s in self.store.states}
        assert self.announced <= open_keys
        assert {s.key for s in self.store.states if s.announced} == self.announced


TestReconcileMachine = ReconcileMachine.TestCase
TestReconcileMachine.settings = settings(
    max_examples=200,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
