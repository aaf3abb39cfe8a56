"""Wave gating on the real engine's findings: a wave opens only when every earlier wave is at
its target, soaked since it finished and free of high / critical findings; `max_parallel`
lets that many drifted clusters of an open wave through; groups without a wave are free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kubedrift.calendar import load_calendar
from kubedrift.model.inventory import ClusterInventory, ControlPlane
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan
from kubedrift.policies.waves import WaveReport, wave_report
from kubedrift.versions import parse_version

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
PLAN = """
version: 1
groups:
  - {name: staging, selector: {labels: {env: staging}}, wave: staging,
     target: {kubernetes: "1.30", allowed_lag: {minors: 0}}}
  - {name: canary, selector: {labels: {env: canary}}, wave: canary,
     target: {kubernetes: "1.30", allowed_lag: {minors: 0}}}
  - {name: prod, selector: {labels: {env: prod}}, wave: production,
     target: {kubernetes: "1.30", allowed_lag: {minors: 0}}}
  - {name: lab, selector: {labels: {env: lab}}, target: {kubernetes: "1.30"}}
waves:
  - {name: staging, soak: 72h}
  - {name: canary, soak: 1w, max_parallel: 1, gates: [previous-wave-compliant]}
  - {name: production, gates: [manual-approval], not_before: 2026-05-01}
"""


def cluster(name: str, env: str, version: str) -> ClusterInventory:
    offered = tuple(parse_version(v) for v in ("1.29.8", "1.30.4"))
    return ClusterInventory(
        provider="tke",
        source="tke",
        id=f"cls-{name}",
        name=name,
        region="ap-shanghai",
        labels={"env": env},
        collected_at=NOW,
        control_plane=ControlPlane(
            version=parse_version(version), upgradable_versions=offered, available_versions=offered
        ),
    )


def report(
    clusters: list[ClusterInventory],
    finished: dict[str, datetime] | None = None,
    now: datetime = NOW,
    plan: str = PLAN,
) -> WaveReport:
    parsed = parse_plan(plan)
    findings = evaluate(parsed, clusters, now, load_calendar())
    return wave_report(parsed, clusters, findings, finished or {}, now)


STAGING = cluster("stg", "staging", "1.30.4")
CANARY_A = cluster("can-a", "canary", "1.29.8")
CANARY_B = cluster("can-b", "canary", "1.29.8")
PROD = cluster("prod", "prod", "1.29.8")
LAB = cluster("lab", "lab", "1.28.9")


def test_the_first_wave_is_open_and_a_drifted_one_holds_every_later_wave() -> None:
    behind = cluster("stg", "staging", "1.29.8")
    got = report([behind, CANARY_A, PROD])
    assert [(w.name, w.open) for w in got.waves] == [
        ("staging", True), ("canary", False), ("production", False)
    ]  # fmt: skip
    assert got.hold(behind.key) is None
    assert got.waves[1].held_by == ("staging: 1 cluster(s) not at target (stg)",)
    assert "wave canary is not open" in (got.hold(CANARY_A.key) or "")
    # Production waits for staging and for canary.
    assert len(got.waves[2].held_by) == 2


def test_a_finished_wave_holds_the_next_until_its_soak_has_passed() -> None:
    finished = {STAGING.key: NOW - timedelta(hours=71)}
    held = report([STAGING, CANARY_A], finished)
    assert not held.waves[1].open
    until = (NOW + timedelta(hours=1)).isoformat()
    assert held.waves[1].held_by == (f"staging: soaking until {until}",)

    soaked = report([STAGING, CANARY_A], {STAGING.key: NOW - timedelta(hours=72)})
    assert soaked.waves[1].open and soaked.hold(CANARY_A.key) is None
    # No version change on record: at its target since before kubedrift looked.
    assert report([STAGING, CANARY_A]).waves[1].open


def test_max_parallel_lets_that_many_drifted_clusters_of_an_open_wave_through() -> None:
    got = report([STAGING, CANARY_A, CANARY_B])
    assert got.waves[1].open
    assert got.hold(CANARY_A.key) is None
    assert got.hold(CANARY_B.key) == ("wave canary upgrades 1 cluster(s) at a time: can-a first")
    # Once can-a is at its target, can-b goes.
    done_a = cluster("can-a", "canary", "1.30.4")
    assert report([STAGING, done_a, CANARY_B]).hold(CANARY_B.key) is None


def test_not_before_holds_a_wave_until_its_day() -> None:
    early = NOW.replace(month=4)
    got = report([STAGING, cluster("can-a", "canary", "1.30.4"), PROD], now=early)
    assert got.waves[2].held_by == ("not before 2026-05-01",)
    assert report([STAGING, cluster("can-a", "canary", "1.30.4"), PROD]).waves[2].open


def test_a_cluster_without_a_wave_is_never_held_and_listed_nowhere() -> None:
    got = report([cluster("stg", "staging", "1.29.8"), LAB])
    assert got.hold(LAB.key) is None
    assert all(LAB.key not in [c.key for c in w.clusters] for w in got.waves)


def test_a_plan_without_waves_holds_nothing() -> None:
    plain = """
version: 1
groups:
  - {name: all, target: {kubernetes: "1.30", allowed_lag: {minors: 0}}}
"""
    got = report([cluster("stg", "staging", "1.29.8"), CANARY_A], plan=plain)
    assert got.waves == () and got.hold(CANARY_A.key) is None


def test_compliance_counts_the_clusters_at_target() -> None:
    got = report([STAGING, CANARY_A, CANARY_B])
    canary = got.waves[1]
    assert (canary.at_target, len(canary.clusters), canary.compliance) == (0, 2, 0.0)
    assert got.waves[0].compliance == 1.0 and got.waves[2].compliance is None
