"""The metrics' reader: what one `/metrics` scrape needs, in one read transaction.

`latest_inventories()` and `open_states()` build full models (every node pool, add-on and
state): seconds at 10,000 clusters, too slow for a scrape. This reader asks the database
for only what the metrics show: each present cluster's identity and control-plane versions
(JSON paths into its current inventory, not the whole document), the clusters with an open
unwaived finding at the given severities, and open findings counted by severity, rule and
waiver (aggregated in SQL). Sources and outbox counts are small and reuse the store's own
queries. One transaction: one consistent view on PostgreSQL.

Clusters and findings change only when a cycle is saved, which bumps the store revision in
its transaction: a caller that keeps the `FleetView` of its last read passes it back, and
while the revision is the same only the revision, sources and outbox are read (the outbox
changes with every drain, so it is always read). After a cycle, only the inventory snapshots
that cycle added are read from their documents: a snapshot row never changes, so the facts
of the others are reused by snapshot id.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from kubedrift.model.findings import Severity
from kubedrift.model.reconcile import SourceState
from kubedrift.model.support import SupportWindow
from kubedrift.store import outbox_repo
from kubedrift.store.engine import reading
from kubedrift.store.records import OutboxStat
from kubedrift.store.repo import Store
from kubedrift.store.save import read_revision
from kubedrift.store.tables import (
    ClusterRow,
    DriftStateRow,
    InventorySnapshotRow,
)

# Snapshot ids per `IN (...)`: well inside SQLite's bound-variable limit.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ClusterFacts:
    """A present cluster as the metrics see it: identity (a `ClusterIdentity` for plan
    selectors) and raw version texts of its control plane."""

    key: str
    provider: str
    source: str
    name: str
    region: str | None
    labels: Mapping[str, str]
    version: str | None
    platform: str
    # Raw versions of the visible kube-apiserver instances (empty: only `version` is known).
    apiservers: tuple[str, ...]
    support: SupportWindow | None


@dataclass(frozen=True, slots=True)
class FindingCount:
    severity: Severity
    rule: str
    waived: bool
    count: int


@dataclass(frozen=True, slots=True)
class FleetView:
    """What only a saved cycle changes: the present clusters, the flagged ones and the open
    findings, as of store revision `revision` (see `StoreRevisionRow`)."""

    revision: int
    clusters: tuple[ClusterFacts, ...]
    # Clusters with an open, unwaived finding at one of the counted severities.
    flagged: frozenset[str]
    findings: tuple[FindingCount, ...]
    # The clusters' facts by inventory snapshot id, for the next read to reuse.
    by_snapshot: Mapping[int, ClusterFacts]

    def same_as(self, other: FleetView) -> bool:
        """Whether `other` shows the same fleet (facts reused from this view compare by
        identity first: cheap when a cycle changed nothing)."""
        return (
            self.clusters == other.clusters
            and self.flagged == other.flagged
            and self.findings == other.findings
        )


@dataclass(frozen=True, slots=True)
class MetricsView:
    """Everything one scrape shows."""

    fleet: FleetView
    sources: tuple[SourceState, ...]
    outbox: tuple[OutboxStat, ...]
    # Delivered rows per sink whose message may have gone out twice (`outbox_repo.resent`).
    resent: Mapping[str, int]

    @property
    def clusters(self) -> tuple[ClusterFacts, ...]:
        return self.fleet.clusters

    @property
    def flagged(self) -> frozenset[str]:
        return self.fleet.flagged

    @property
    def findings(self) -> tuple[FindingCount, ...]:
        return self.fleet.findings


def read_metrics_view(
    store: Store, flagging: Collection[Severity], known: FleetView | None = None
) -> MetricsView:
    """What the metrics show; `flagging` are the severities that make a cluster flagged.

    `known` is the fleet part of an earlier read: reused whole while the store revision is
    the one it was read at; after a cycle, its clusters' facts are reused for every cluster
    whose current inventory snapshot is the same."""
    with reading(store.engine) as connection:
        revision = read_revision(connection)
        if known is not None and known.revision == revision:
            fleet = known
        else:
            fleet = _read_fleet(connection, flagging, revision, known)
        outbox = outbox_repo.stats(connection)
        resent = outbox_repo.resent(connection)
    sources = tuple(store.source_states().values())
    return MetricsView(fleet, sources, outbox, resent)


def _read_fleet(
    connection: Connection, flagging: Collection[Severity], revision: int, known: FleetView | None
) -> FleetView:
    # Each present cluster's current snapshot id; a snapshot's document never changes, so
    # the facts of one already read (`known`) are reused and only new snapshots are read.
    current = connection.execute(
        select(InventorySnapshotRow.cluster, func.max(InventorySnapshotRow.id))
        .join(ClusterRow, ClusterRow.key == InventorySnapshotRow.cluster)
        .where(ClusterRow.removed_at.is_(None))
        .group_by(InventorySnapshotRow.cluster)
        .order_by(InventorySnapshotRow.cluster)
    ).all()
    kept = known.by_snapshot if known is not None else {}
    missing = [snapshot for _, snapshot in current if snapshot not in kept]
    fresh = _read_facts(connection, missing)
    by_snapshot = {snapshot: kept.get(snapshot) or fresh[snapshot] for _, snapshot in current}
    open_rows = DriftStateRow.resolved_at.is_(None)
    flagged_query = (
        select(DriftStateRow.cluster)
        .where(
            open_rows,
            DriftStateRow.waived_by.is_(None),
            DriftStateRow.severity.in_([s.value for s in flagging]),
        )
        .distinct()
    )
    waived = DriftStateRow.waived_by.is_not(None)
    findings_query = (
        select(DriftStateRow.severity, DriftStateRow.rule, waived, func.count())
        .where(open_rows)
        .group_by(DriftStateRow.severity, DriftStateRow.rule, waived)
    )
    flagged = frozenset(connection.execute(flagged_query).scalars())
    counts = connection.execute(findings_query).all()
    findings = tuple(
        FindingCount(severity=Severity(severity), rule=rule, waived=bool(w), count=count)
        for severity, rule, w, count in counts
    )
    clusters = tuple(by_snapshot[snapshot] for _, snapshot in current)
    return FleetView(revision, clusters, flagged, findings, by_snapshot)


def _read_facts(connection: Connection, snapshots: Sequence[int]) -> dict[int, ClusterFacts]:
    """The facts of the given inventory snapshots (JSON paths, not whole documents)."""
    document = InventorySnapshotRow.document
    columns = (
        InventorySnapshotRow.id,
        InventorySnapshotRow.cluster,
        document["provider"].as_string(),
        document["source"].as_string(),
        document["name"].as_string(),
        document["region"].as_string(),
        document["labels"],
        document[("control_plane", "version")].as_string(),
        document[("control_plane", "components")],
        document[("control_plane", "support")],
        document["platform"].as_string(),
    )
    supports: dict[str, SupportWindow] = {}
    out: dict[int, ClusterFacts] = {}
    for start in range(0, len(snapshots), _CHUNK):
        chunk = snapshots[start : start + _CHUNK]
        rows = connection.execute(select(*columns).where(InventorySnapshotRow.id.in_(chunk)))
        for row in rows:
            snapshot, key, provider, source, name, region, labels, version = row[:8]
            parts, support, platform = row[8:]
            out[snapshot] = ClusterFacts(
                key=key,
                provider=provider,
                source=source,
                name=name,
                region=region,
                labels=labels or {},
                version=version,
                apiservers=_apiservers(parts),
                support=_support(support, supports) if support else None,
                # Snapshots written before the platform field existed are Kubernetes clusters.
                platform=platform or "kubernetes",
            )
    return out


def _apiservers(components: list[dict[str, Any]] | None) -> tuple[str, ...]:
    return tuple(
        c["version"]
        for c in components or ()
        if c.get("component") == "kube-apiserver" and c.get("version") is not None
    )


def _support(document: dict[str, Any], memo: dict[str, SupportWindow]) -> SupportWindow:
    # Clusters of one provider and minor carry the same live window: validate it once.
    text = json.dumps(document, sort_keys=True)
    found = memo.get(text)
    if found is None:
        found = memo[text] = SupportWindow.model_validate(document)
    return found
