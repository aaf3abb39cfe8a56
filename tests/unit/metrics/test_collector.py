"""`StoreCollector` over a seeded SQLite store: every figure, exactly, read back through the
text format Prometheus scrapes (`generate_latest`, parsed with prometheus_client's parser)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from kubedrift.metrics import StoreCollector
from kubedrift.model.findings import Severity
from kubedrift.model.inventory import Collected
from kubedrift.model.plan import VersionPlan
from kubedrift.store import Store
from tests.unit.metrics.seed import (
    CALENDAR,
    EDGE,
    GONE,
    IDC,
    IDC_FINDINGS,
    PLAN,
    SCRAPE,
    T0,
    T2,
    A,
    B,
    C,
    cycle,
    finding,
    idc_inventories,
    inventory,
    seed,
    tke_inventories,
)

DAY = 86400.0
HOUR = 3600.0
Samples = dict[str, dict[tuple[tuple[str, str], ...], float]]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'kubedrift.db'}", upgrade=True) as opened:
        yield opened


def scrape(store: Store, plan: VersionPlan | None = PLAN) -> Samples:
    """One scrape as Prometheus reads it: sample name -> {sorted labels: value}."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(StoreCollector(store, lambda: plan, CALENDAR, clock=lambda: SCRAPE))
    return parse(generate_latest(registry))


def parse(body: bytes) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            out.setdefault(sample.name, {})[labels] = sample.value
    return out


def by_cluster(samples: Samples, name: str) -> dict[str, float]:
    return {dict(labels)["cluster"]: value for labels, value in samples.get(name, {}).items()}


def test_cluster_info_names_every_present_cluster_with_its_group(store: Store) -> None:
    seed(store)
    info = scrape(store)["kubedrift_cluster_info"]
    rows = {tuple(v for _, v in labels): value for labels, value in info.items()}
    # Sorted label names: cluster, group, name, provider, region, version.
    assert rows == {
        (A, "prod-tke", "cls-a", "tke", "ap-shanghai", "1.29.3"): 1.0,
        (B, "prod-tke", "cls-b", "tke", "ap-shanghai", "1.31.2"): 1.0,
        (C, "prod-tke", "cls-c", "tke", "ap-shanghai", "1.31.1"): 1.0,
        (IDC, "idc", "idc-1", "kubeconfig", "", "v1.30.5"): 1.0,
        (EDGE, "", "edge-1", "kubeconfig", "", "v1.28.2+k3s1"): 1.0,
    }


def test_minor_lag_counts_from_the_oldest_api_server_to_the_target(store: Store) -> None:
    seed(store)
    assert by_cluster(scrape(store), "kubedrift_cluster_minor_versions_behind") == {
        A: 2.0,  # 1.29 -> 1.31
        B: 0.0,
        C: 1.0,  # API servers 1.31.1 and 1.30.4: as far along as the slowest
        IDC: 0.0,
        # EDGE: no group selects it, so no target to lag behind: no series.
    }


def test_support_remaining_uses_live_metadata_then_the_targets_calendar(store: Store) -> None:
    seed(store)
    # The scrape is at 2026-03-02 10:00 UTC; ends are at 00:00 UTC of the end date.
    assert by_cluster(scrape(store), "kubedrift_cluster_support_remaining_seconds") == {
        A: 91 * DAY - 10 * HOUR,  # TKE calendar: 1.29 until 2026-06-01
        B: 305 * DAY - 10 * HOUR,  # TKE calendar: 1.31 until 2027-01-01
        C: 30 * DAY - 10 * HOUR,  # live TKE metadata: 1.30 until 2026-04-01
        IDC: -(2 * DAY + 10 * HOUR),  # upstream calendar (group idc): 1.30 ended 2026-02-28
        # EDGE: 1.28 is in no calendar: unknown, so no series (not a made-up 0).
    }


def test_compliance_ignores_info_and_waived_findings_and_keeps_stale_ones(store: Store) -> None:
    seed(store)
    assert by_cluster(scrape(store), "kubedrift_cluster_compliant") == {
        A: 0.0,  # high and medium open
        B: 1.0,  # info only
        C: 1.0,  # its high finding is waived
        IDC: 0.0,  # low, stale (idc failing): could not look is not fine
        EDGE: 0.0,  # medium, stale
    }


def test_open_findings_are_counted_by_severity_rule_and_waiver(store: Store) -> None:
    seed(store)
    counted = {
        (d["severity"], d["rule"], d["waived"]): value
        for labels, value in scrape(store)["kubedrift_open_findings"].items()
        for d in [dict(labels)]
    }
    assert counted == {
        ("high", "control-plane-minor-lag", "false"): 1.0,
        ("high", "control-plane-minor-lag", "true"): 1.0,
        ("medium", "node-pool-behind", "false"): 1.0,
        ("medium", "cluster-not-in-plan", "false"): 1.0,
        ("low", "end-of-support", "false"): 1.0,
        ("info", "control-plane-patch-lag", "false"): 1.0,
        # cls-gone's finding was resolved when a discovery dropped the cluster.
    }


def test_sources_report_last_success_and_failure_streaks(store: Store) -> None:
    seed(store)
    samples = scrape(store)
    success = samples["kubedrift_source_last_success_timestamp_seconds"]
    failures = samples["kubedrift_source_consecutive_failures"]
    assert success == {
        (("source", "idc"),): T0.timestamp(),
        (("source", "tke-prod"),): T2.timestamp(),
    }
    assert failures == {(("source", "idc"),): 2.0, (("source", "tke-prod"),): 0.0}


def test_notifications_outbox_depth_and_age(store: Store) -> None:
    seed(store)
    samples = scrape(store)
    events = len(store.events(limit=1000))
    assert events == 8  # six openings (the waived one is not announced), failed, resolved
    notifications = {
        (d["sink"], d["outcome"]): value
        for labels, value in samples["kubedrift_notifications"].items()
        for d in [dict(labels)]
    }
    assert notifications == {
        ("chat", "pending"): events - 3,
        ("chat", "held"): 0.0,
        ("chat", "delivered"): 2.0,
        ("chat", "dead"): 1.0,
        ("pager", "pending"): events,
        ("pager", "held"): 0.0,
        ("pager", "delivered"): 0.0,
        ("pager", "dead"): 0.0,
    }
    depth = samples["kubedrift_outbox_depth"]
    assert depth == {(("sink", "chat"),): events - 3, (("sink", "pager"),): events}
    age = samples["kubedrift_outbox_oldest_age_seconds"]
    assert age == {(("sink", "chat"),): HOUR, (("sink", "pager"),): HOUR}  # pending since T0


def test_an_empty_outbox_sink_reports_zero_age(store: Store) -> None:
    seed(store)
    for _ in range(10):
        for item in store.claim_outbox("pager", T2, limit=100):
            store.mark_delivered(item, T2)
    samples = scrape(store)
    assert samples["kubedrift_outbox_oldest_age_seconds"][(("sink", "pager"),)] == 0.0
    assert samples["kubedrift_outbox_depth"][(("sink", "pager"),)] == 0.0


def test_a_removed_cluster_leaves_every_series_at_the_next_scrape(store: Store) -> None:
    registry = CollectorRegistry(auto_describe=True)
    registry.register(StoreCollector(store, lambda: PLAN, CALENDAR, clock=lambda: SCRAPE))
    from kubedrift.model.inventory import Collected

    first = [Collected(inventory=i) for i in tke_inventories(T0, gone=True)]
    cycle(store, [finding(GONE, "control-plane-patch-lag", Severity.MEDIUM)], first, T0)
    before = parse(generate_latest(registry))
    assert GONE in by_cluster(before, "kubedrift_cluster_compliant")

    later = [Collected(inventory=i) for i in tke_inventories(T2, gone=False)]
    cycle(store, [], later, T2)
    after = parse(generate_latest(registry))  # the same collector: nothing remembered
    for name in (
        "kubedrift_cluster_info",
        "kubedrift_cluster_minor_versions_behind",
        "kubedrift_cluster_support_remaining_seconds",
        "kubedrift_cluster_compliant",
    ):
        assert GONE in by_cluster(before, name)
        assert GONE not in by_cluster(after, name)
        assert set(by_cluster(after, name)) <= {A, B, C}
    assert "kubedrift_open_findings" not in after or not any(
        dict(labels)["rule"] == "control-plane-patch-lag" and dict(labels)["severity"] == "medium"
        for labels in after["kubedrift_open_findings"]
    )


def test_without_a_plan_no_cluster_has_a_group_or_a_lag(store: Store) -> None:
    seed(store)
    samples = scrape(store, plan=None)
    assert {dict(k)["group"] for k in samples["kubedrift_cluster_info"]} == {""}
    assert "kubedrift_cluster_minor_versions_behind" not in samples
    # End of support still follows the provider calendar (the target-free default).
    assert by_cluster(samples, "kubedrift_cluster_support_remaining_seconds")[A] == (
        91 * DAY - 10 * HOUR
    )


def test_series_grow_with_clusters_not_with_findings(store: Store) -> None:
    seed(store)
    base = scrape(store)
    # Twenty more self-hosted clusters with three findings each, of rules already counted.
    more = [inventory(f"idc-{i:02d}", "v1.30.5", provider="kubeconfig", source="idc") for i in
            range(2, 22)]  # fmt: skip
    findings = [
        f
        for i in more
        for f in (
            finding(i.key, "end-of-support", Severity.LOW),
            finding(i.key, "node-pool-behind", Severity.MEDIUM, "node-pool/a"),
            finding(i.key, "node-pool-behind", Severity.MEDIUM, "node-pool/b"),
        )
    ]

    results = [Collected(inventory=i) for i in (*idc_inventories(SCRAPE), *more)]
    cycle(store, [*IDC_FINDINGS, *findings], results, SCRAPE, sources=("idc",))
    grown = scrape(store)

    def count(samples: Samples, name: str) -> int:
        return len(samples.get(name, {}))

    for name in (
        "kubedrift_cluster_info",
        "kubedrift_cluster_minor_versions_behind",
        "kubedrift_cluster_support_remaining_seconds",
        "kubedrift_cluster_compliant",
    ):
        assert count(grown, name) == count(base, name) + 20, name
    # 60 more findings, no new (severity, rule, waived) combination: no new series.
    assert count(grown, "kubedrift_open_findings") == count(base, "kubedrift_open_findings")
    values = grown["kubedrift_open_findings"]
    assert values[(("rule", "node-pool-behind"), ("severity", "medium"), ("waived", "false"))] == 41


def test_an_unreadable_store_is_reported_not_raised(store: Store, tmp_path: Path) -> None:
    seed(store)
    assert scrape(store)["kubedrift_store_up"] == {(): 1.0}
    with sqlite3.connect(tmp_path / "kubedrift.db") as raw:
        raw.execute("DROP TABLE drift_states")
    samples = scrape(store)
    assert samples == {"kubedrift_store_up": {(): 0.0}}


def test_the_collector_describes_nothing_so_registering_reads_nothing(tmp_path: Path) -> None:
    # A store whose file is gone by registration time: registering must not touch it.
    with Store(f"sqlite:///{tmp_path / 'k.db'}", upgrade=True) as opened:
        collector = StoreCollector(opened, lambda: PLAN, CALENDAR, clock=lambda: SCRAPE)
        assert list(collector.describe()) == []
        registry = CollectorRegistry(auto_describe=True)
        registry.register(collector)
        assert parse(generate_latest(registry))["kubedrift_store_up"] == {(): 1.0}
