"""A small seeded SQLite store with figures known by hand, for the collector's tests.

Five clusters on two sources (`tke-prod`: three TKE clusters and one that a later discovery
drops; `idc`: two self-hosted ones), a plan with two groups, a hand-made calendar, findings
written by hand (not by the engine: the collector must agree with the states, whatever made
them), three daemon-like cycles (the real `reconcile` and `save_cycle`) in which `idc` fails
twice, and a few outbox rows delivered or dead-lettered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from kubedrift.calendar import ReleaseCalendar
from kubedrift.drift import reconcile
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.model.inventory import (
    ClusterInventory,
    Collected,
    CollectionFailed,
    ComponentVersion,
    ControlPlane,
    FailureReason,
)
from kubedrift.model.plan import VersionPlan
from kubedrift.model.support import Source, SupportDate, SupportWindow
from kubedrift.store import Store
from kubedrift.versions import parse_version

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=10)
T2 = T0 + timedelta(minutes=20)
SCRAPE = T0 + timedelta(hours=1)  # the collector's clock
SINKS = ("chat", "pager")

A = "tke/ap-shanghai/cls-a"
B = "tke/ap-shanghai/cls-b"
C = "tke/ap-shanghai/cls-c"
GONE = "tke/ap-shanghai/cls-gone"
IDC = "kubeconfig/idc-1"
EDGE = "kubeconfig/edge-1"

PLAN = VersionPlan.model_validate(
    {
        "version": 1,
        "groups": [
            {
                "name": "prod-tke",
                "owner": "team-orders",
                "selector": {"provider": "tke"},
                "target": {"kubernetes": "1.31"},
            },
            {
                "name": "idc",
                "selector": {"name": "idc-*"},
                "target": {"kubernetes": "1.30", "end_of_support": {"calendar": "upstream"}},
            },
        ],
    }
)

_SOURCE = Source(
    id="test", title="test calendar", url="https://example.invalid", retrieved=T0.date()
)


def window(provider: str, minor: str, end: date) -> SupportWindow:
    return SupportWindow.model_validate(
        {
            "provider": provider,
            "minor": minor,
            "released": SupportDate(value=date(2024, 1, 1), source=_SOURCE),
            "end_of_support": SupportDate(value=end, source=_SOURCE),
        }
    )


CALENDAR = ReleaseCalendar(
    [
        window("tke", "1.29", date(2026, 6, 1)),
        window("tke", "1.31", date(2027, 1, 1)),
        window("upstream", "1.30", date(2026, 2, 28)),
    ]
)
# cls-c's provider metadata dates 1.30 itself (the packaged TKE calendar does not list it).
LIVE_130 = window("tke", "1.30", date(2026, 4, 1))


def inventory(
    key_id: str,
    version: str,
    *,
    provider: str = "tke",
    source: str = "tke-prod",
    apiservers: Sequence[str] = (),
    support: SupportWindow | None = None,
    at: datetime = T0,
) -> ClusterInventory:
    return ClusterInventory(
        provider=provider,
        source=source,
        id=key_id,
        name=key_id,
        region="ap-shanghai" if provider == "tke" else None,
        collected_at=at,
        control_plane=ControlPlane(
            version=parse_version(version),
            components=tuple(
                ComponentVersion(
                    component="kube-apiserver", version=parse_version(v), instance=f"m{i}"
                )
                for i, v in enumerate(apiservers)
            ),
            support=support,
        ),
    )


def finding(cluster: str, rule: str, severity: Severity, component: str = "control-plane", *,
            waived: bool = False) -> Finding:  # fmt: skip
    return Finding(
        key=FindingKey(cluster=cluster, rule=rule, component=component),
        severity=severity,
        summary=f"{rule} on {cluster}",
        waived_by="waiver-1" if waived else None,
    )


def tke_inventories(at: datetime, *, gone: bool) -> list[ClusterInventory]:
    found = [
        inventory("cls-a", "1.29.3", at=at),
        inventory("cls-b", "1.31.2", at=at),
        # HA control plane mid-upgrade: measured by its oldest API server (1.30).
        inventory("cls-c", "1.31.1", apiservers=("1.31.1", "1.30.4"), support=LIVE_130, at=at),
    ]
    if gone:
        found.append(inventory("cls-gone", "1.31.2", at=at))
    return found


def idc_inventories(at: datetime) -> list[ClusterInventory]:
    return [
        inventory("idc-1", "v1.30.5", provider="kubeconfig", source="idc", at=at),
        inventory("edge-1", "v1.28.2+k3s1", provider="kubeconfig", source="idc", at=at),
    ]


TKE_FINDINGS = [
    finding(A, "control-plane-minor-lag", Severity.HIGH),
    finding(A, "node-pool-behind", Severity.MEDIUM, "node-pool/np-1"),
    finding(B, "control-plane-patch-lag", Severity.INFO),
    finding(C, "control-plane-minor-lag", Severity.HIGH, waived=True),
]
IDC_FINDINGS = [
    finding(IDC, "end-of-support", Severity.LOW),
    finding(EDGE, "cluster-not-in-plan", Severity.MEDIUM, "cluster"),
]


def cycle(
    store: Store,
    findings: Sequence[Finding],
    results: Sequence[Collected | CollectionFailed],
    at: datetime,
    sources: Sequence[str] = ("tke-prod", "idc"),
) -> None:
    """What the daemon does each cycle: load, reconcile (`sources` ran), save."""
    result = reconcile(
        store.open_states(),
        findings,
        results,
        at,
        sources=sources,
        snapshots=store.snapshots(),
        source_states=store.source_states(),
    )
    inventories = [r.inventory for r in results if isinstance(r, Collected)]
    store.save_cycle(result, inventories, SINKS, at)


def idc_failed(at: datetime) -> CollectionFailed:
    return CollectionFailed(
        source="idc", cluster=None, reason=FailureReason.AUTH, message="denied", at=at
    )


def seed(store: Store) -> None:
    """The three cycles and the outbox moves the module docstring tells."""
    gone = finding(GONE, "control-plane-patch-lag", Severity.MEDIUM)
    first = [
        Collected(inventory=i) for i in (*tke_inventories(T0, gone=True), *idc_inventories(T0))
    ]
    cycle(store, [*TKE_FINDINGS, *IDC_FINDINGS, gone], first, T0)
    for at in (T1, T2):
        tke = [Collected(inventory=i) for i in tke_inventories(at, gone=False)]
        cycle(store, TKE_FINDINGS, [*tke, idc_failed(at)], at)
    claimed = store.claim_outbox("chat", T2, limit=3)
    assert len(claimed) == 3
    assert store.mark_delivered(claimed[0], T2)
    assert store.mark_delivered(claimed[1], T2)
    assert store.mark_failed(claimed[2], T2, error="HTTP 400", retry_at=None)
