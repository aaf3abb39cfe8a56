"""Helpers: inventories, findings and one daemon-like cycle (the real `reconcile` + save)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from kubedrift.drift import reconcile
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
from kubedrift.model.reconcile import ReconcileResult
from kubedrift.store import CycleSaved, Store
from kubedrift.store.save_events import Sinks
from kubedrift.versions import parse_version

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SOURCE = "tke-prod"
RULE = "control-plane-behind"


def at(cycle: int) -> datetime:
    """The time of the n-th cycle, 10 minutes apart (the timeline of docs/drift.md)."""
    return T0 + timedelta(minutes=10 * cycle)


def ref(cid: str) -> ClusterRef:
    return ClusterRef(provider="tke", source=SOURCE, id=cid, name=cid, region="ap-shanghai")


def key_of(cid: str) -> str:
    return ref(cid).key


def inventory(cid: str, now: datetime, cp: str = "1.29.3", pool: str = "1.29.3") -> Collected:
    return Collected(
        inventory=ClusterInventory(
            ref=ref(cid),
            collected_at=now,
            control_plane=ControlPlane(version=parse_version(cp)),
            node_pools=(NodePool(id="np-1", name="np-1", kubelet_version=parse_version(pool)),),
            addons=(Addon(name="coredns", running_version="1.11.1"),),
        )
    )


def source_failed(now: datetime) -> CollectionFailed:
    return CollectionFailed(
        source=SOURCE, cluster=None, reason=FailureReason.AUTH, message="denied", at=now
    )


def behind(cid: str, severity: Severity = Severity.MEDIUM, *, waived: bool = False) -> Finding:
    return Finding(
        key=FindingKey(cluster=key_of(cid), rule=RULE, component="control-plane"),
        severity=severity,
        summary=f"{cid} is behind its target",
        observed="1.29.3",
        expected=">=1.30",
        waived_by="waiver-1" if waived else None,
    )


def cycle(
    store: Store,
    findings: Iterable[Finding],
    results: Sequence[Collected | CollectionFailed],
    now: datetime,
    *,
    sinks: Sinks = ("chat",),
    sources: Sequence[str] = (SOURCE,),
) -> tuple[ReconcileResult, CycleSaved]:
    """What the daemon does each cycle: load, reconcile, save."""
    result = reconcile(
        store.open_states(),
        findings,
        results,
        now,
        sources=sources,
        snapshots=store.snapshots(),
        source_states=store.source_states(),
    )
    inventories = [r.inventory for r in results if isinstance(r, Collected)]
    return result, store.save_cycle(result, inventories, sinks, now)
