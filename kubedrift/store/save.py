"""Saving one reconcile cycle: sources, clusters, inventory snapshots, drift states, events and
their outbox rows (`save_events`), all on the caller's connection (one transaction).

Saving is idempotent: a replayed cycle (same `ReconcileResult`, same inventories) finds every
event id, outbox (event, sink), inventory hash and (finding key, opened_at) already there and
inserts nothing; the updates it repeats write the values already stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from kubedrift.model.events import DriftState
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.reconcile import ReconcileResult, SourceState, VersionSnapshot
from kubedrift.store.engine import insert_ignoring
from kubedrift.store.records import CycleSaved
from kubedrift.store.save_events import Sinks, insert_events
from kubedrift.store.tables import (
    ClusterRow,
    DriftStateRow,
    InventorySnapshotRow,
    SourceRow,
    StoreRevisionRow,
)


def save_cycle(
    connection: Connection,
    result: ReconcileResult,
    inventories: Iterable[ClusterInventory],
    sinks: Sinks,
    now: datetime,
) -> CycleSaved:
    collected = {inventory.key: inventory for inventory in inventories}
    _save_sources(connection, result.sources, now)
    _save_clusters(connection, collected, result.snapshots, result.removed_clusters, now)
    added = _save_inventories(connection, collected)
    opened = _save_states(connection, result.states, result.resolved)
    events, outbox = insert_events(connection, result.events, sinks, now)
    revision = _bump_revision(connection, now)
    return CycleSaved(
        events=events, outbox=outbox, inventories=added, opened=opened, revision=revision
    )


def read_revision(connection: Connection) -> int:
    """The store revision: moved by every saved cycle, 0 before the first."""
    revision = connection.execute(
        select(StoreRevisionRow.revision).where(StoreRevisionRow.id == 1)
    ).scalar_one_or_none()
    return int(revision or 0)


def _bump_revision(connection: Connection, now: datetime) -> int:
    """Every saved cycle moves the store revision (see `StoreRevisionRow`); returns the
    revision it moved to (read in the saving transaction, so it is this save's)."""
    bumped = connection.execute(
        update(StoreRevisionRow)
        .where(StoreRevisionRow.id == 1)
        .values(revision=StoreRevisionRow.revision + 1, changed_at=now)
    ).rowcount
    if not bumped:  # the row the migration writes was deleted by hand
        insert_ignoring(connection, StoreRevisionRow, [{"id": 1, "revision": 1, "changed_at": now}])
    return read_revision(connection)


def _save_sources(
    connection: Connection, sources: Mapping[str, SourceState], now: datetime
) -> None:
    stored = {
        row.name: row
        for row in connection.execute(
            select(SourceRow).where(SourceRow.name.in_(list(sources)))
        ).all()
    }
    for name, state in sources.items():
        values = {
            "failing_since": state.failing_since,
            "failures": state.failures,
            "last_reason": state.last_reason.value if state.last_reason else None,
            "last_message": state.last_message,
            "last_success_at": state.last_success_at,
        }
        row = stored.get(name)
        if row is None:
            insert_ignoring(connection, SourceRow, [{"name": name, "updated_at": now, **values}])
        elif any(getattr(row, column) != value for column, value in values.items()):
            connection.execute(
                update(SourceRow).where(SourceRow.name == name).values(updated_at=now, **values)
            )


def _save_clusters(
    connection: Connection,
    collected: Mapping[str, ClusterInventory],
    snapshots: Mapping[str, VersionSnapshot],
    removed: Sequence[str],
    now: datetime,
) -> None:
    keys = set(collected) | set(snapshots) | set(removed)
    stored = {
        row.key: row
        for row in connection.execute(select(ClusterRow).where(ClusterRow.key.in_(keys))).all()
    }
    inserts: list[dict[str, Any]] = []
    for key in sorted(keys):
        values: dict[str, Any] = {}
        inventory = collected.get(key)
        if inventory is not None:
            values.update(
                source=inventory.source,
                identity=inventory.ref.model_dump(mode="json"),
                last_seen_at=inventory.collected_at,
                removed_at=None,
            )
        snapshot = snapshots.get(key)
        if snapshot is not None:
            values.update(
                source=snapshot.source,
                versions=dict(snapshot.versions),
                versions_taken_at=snapshot.taken_at,
            )
        if key in removed:
            values.update(removed_at=now, versions=None, versions_taken_at=None)
        row = stored.get(key)
        if row is None and inventory is None and snapshot is None:
            continue  # removed before it was ever stored: nothing to remember
        if row is None:
            first = inventory.collected_at if inventory else snapshot.taken_at if snapshot else now
            inserts.append({"key": key, "first_seen_at": first, "source": "", **values})
            continue
        if key in removed and row.removed_at is not None:
            values["removed_at"] = row.removed_at  # a replay keeps the first removal time
        if any(getattr(row, column) != value for column, value in values.items()):
            connection.execute(update(ClusterRow).where(ClusterRow.key == key).values(**values))
    insert_ignoring(connection, ClusterRow, inserts)


def canonical_hash(inventory: ClusterInventory) -> tuple[str, dict[str, Any]]:
    """The inventory without `collected_at` and the sha256 of its canonical JSON."""
    document = inventory.model_dump(mode="json", exclude={"collected_at"})
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest(), document


def current_snapshot_ids(keys: Iterable[str] | None = None) -> Any:
    """Subquery: the id of each cluster's current (latest) inventory snapshot."""
    query = select(func.max(InventorySnapshotRow.id)).group_by(InventorySnapshotRow.cluster)
    if keys is not None:
        query = query.where(InventorySnapshotRow.cluster.in_(list(keys)))
    return query


def _save_inventories(connection: Connection, collected: Mapping[str, ClusterInventory]) -> int:
    current = {
        row.cluster: row
        for row in connection.execute(
            select(InventorySnapshotRow).where(
                InventorySnapshotRow.id.in_(current_snapshot_ids(collected))
            )
        ).all()
    }
    inserts: list[dict[str, Any]] = []
    for key, inventory in sorted(collected.items()):
        digest, document = canonical_hash(inventory)
        row = current.get(key)
        if row is not None and row.content_hash == digest:
            if inventory.collected_at > row.last_seen_at:
                connection.execute(
                    update(InventorySnapshotRow)
                    .where(InventorySnapshotRow.id == row.id)
                    .values(last_seen_at=inventory.collected_at)
                )
            continue
        inserts.append(
            {
                "cluster": key,
                "content_hash": digest,
                "document": document,
                "first_seen_at": inventory.collected_at,
                "last_seen_at": inventory.collected_at,
            }
        )
    return insert_ignoring(connection, InventorySnapshotRow, inserts)


def _state_values(state: DriftState) -> dict[str, Any]:
    return {
        "cluster": state.key.cluster,
        "rule": state.key.rule,
        "component": state.key.component,
        "severity": state.severity.value,
        "summary": state.summary,
        "opened_at": state.opened_at,
        "last_seen_at": state.last_seen_at,
        "observed": state.observed,
        "expected": state.expected,
        "waived_by": state.waived_by,
        "stale": state.stale,
        "source": state.source,
        "announced": state.announced,
        "resolved_at": state.resolved_at,
        "resolved_reason": state.resolved_reason.value if state.resolved_reason else None,
    }


def _save_states(
    connection: Connection, states: Sequence[DriftState], resolved: Sequence[DriftState]
) -> int:
    """Update each key's open row where it differs (or insert one); returns how many rows
    were inserted.

    A cycle passes every open state, most of them those of other sources' clusters as they
    were read: rows already holding a state's values are left alone, so a cycle writes what
    it changed, not the whole fleet's states once per source.
    """
    open_rows = {
        (row.cluster, row.rule, row.component): row._mapping
        for row in connection.execute(
            select(DriftStateRow.__table__).where(DriftStateRow.resolved_at.is_(None))
        ).all()
    }
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for state in (*resolved, *states):
        values = _state_values(state)
        row = open_rows.get((state.key.cluster, state.key.rule, state.key.component))
        if row is None:
            # Also the path of a replay: a state resolved by the first save has no open row;
            # its (key, opened_at) row exists, so the insert is skipped.
            inserts.append(values)
        elif any(row[column] != value for column, value in values.items()):
            # Bound names must differ from column names in an UPDATE's SET clause.
            updates.append({"row_id": row["id"], **{f"v_{c}": v for c, v in values.items()}})
    if updates:
        statement = (
            update(DriftStateRow)
            .where(DriftStateRow.id == bindparam("row_id"))
            .values({name[2:]: bindparam(name) for name in updates[0] if name != "row_id"})
        )
        connection.execute(statement, updates)
    return insert_ignoring(connection, DriftStateRow, inserts)
