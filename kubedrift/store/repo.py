"""`Store`: the daemon's database, SQLite by default and PostgreSQL by URL.

Every query kubedrift runs lives in this package (this module, `save`, `outbox_repo`,
`history`, `changes_repo`, `threads_repo`); the rest of kubedrift hands over and gets back
model objects.
Opening a store checks the schema revision: a database migrated by a newer kubedrift is
refused, an empty or older one is upgraded only when asked (`upgrade=True`, or
`kubedrift db upgrade`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kubedrift.model.events import DriftEvent, DriftState
from kubedrift.model.findings import FindingKey, Severity
from kubedrift.model.inventory import ClusterInventory, FailureReason
from kubedrift.model.reconcile import ReconcileResult, SourceState, VersionSnapshot
from kubedrift.model.threads import ChatThread
from kubedrift.store import changes_repo, history, outbox_repo, threads_repo
from kubedrift.store.engine import DEFAULT_URL, make_engine, normalise_url, reading, writing
from kubedrift.store.errors import StoreError
from kubedrift.store.migrate import check, upgrade_engine
from kubedrift.store.records import (
    CycleSaved,
    History,
    OutboxItem,
    OutboxStat,
    ProposedChange,
)
from kubedrift.store.save import current_snapshot_ids, read_revision, save_cycle
from kubedrift.store.save_events import Sinks, event_from, save_events
from kubedrift.store.state_rows import state_of
from kubedrift.store.tables import (
    ClusterRow,
    DriftStateRow,
    EventRow,
    InventorySnapshotRow,
    SourceRow,
)

# How long a claimed outbox row stays invisible to other workers: longer than any delivery
# with its timeouts; after it, a worker that died mid-delivery is assumed gone.
DEFAULT_LEASE = timedelta(minutes=5)


class Store:
    """The state store. Thread-safe (a connection pool); one writer per SQLite file."""

    def __init__(self, url: str = DEFAULT_URL, *, upgrade: bool = False) -> None:
        self.url = normalise_url(url)
        self.display_url = make_url(self.url).render_as_string(hide_password=True)
        self.engine = make_engine(self.url)
        try:
            if upgrade:
                upgrade_engine(self.engine, url=self.display_url)
            with reading(self.engine) as connection:
                check(connection, url=self.display_url)
        except OperationalError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot use {self.display_url}: {exc.orig}") from exc
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def ping(self) -> bool:
        """Whether the database answers (for `/readyz`)."""
        try:
            with reading(self.engine) as connection:
                connection.exec_driver_sql("SELECT 1")
        except OperationalError:
            return False
        return True

    # -- one cycle ------------------------------------------------------------------------

    def save_cycle(
        self,
        result: ReconcileResult,
        inventories: Iterable[ClusterInventory],
        sinks: Sinks,
        now: datetime,
    ) -> CycleSaved:
        """Save a reconcile result in one transaction: source states, clusters and their
        version snapshots, the collected inventories (a new snapshot row only when one
        changed), drift states (open and resolved), the events and one outbox row per
        (event, sink). Idempotent: saving the same cycle again inserts nothing.

        `inventories` are this cycle's collected inventories; `sinks` names the sinks every
        event goes to, or decides them per event.
        """
        with writing(self.engine) as connection:
            return save_cycle(connection, result, inventories, sinks, now)

    def open_states(self) -> tuple[DriftState, ...]:
        """The open drift states, sorted by finding key: reconcile's `states`."""
        query = select(DriftStateRow).where(DriftStateRow.resolved_at.is_(None))
        with reading(self.engine) as connection:
            rows = connection.execute(query).all()
        states = [state_of(row) for row in rows]
        return tuple(sorted(states, key=lambda s: str(s.key)))

    def revision(self) -> int:
        """The store revision: every saved cycle moves it (0 before the first)."""
        with reading(self.engine) as connection:
            return read_revision(connection)

    def snapshots(self) -> dict[str, VersionSnapshot]:
        """The version snapshot of every present cluster: reconcile's `snapshots`."""
        query = (
            select(ClusterRow)
            .where(ClusterRow.removed_at.is_(None), ClusterRow.versions.is_not(None))
            .order_by(ClusterRow.key)
        )
        with reading(self.engine) as connection:
            rows = connection.execute(query).all()
        return {
            row.key: VersionSnapshot(
                cluster=row.key,
                source=row.source,
                taken_at=row.versions_taken_at,
                versions=row.versions or {},
            )
            for row in rows
        }

    def source_states(self) -> dict[str, SourceState]:
        """Every source's failure streak: reconcile's `source_states`."""
        with reading(self.engine) as connection:
            rows = connection.execute(select(SourceRow).order_by(SourceRow.name)).all()
        return {
            row.name: SourceState(
                source=row.name,
                failing_since=row.failing_since,
                failures=row.failures,
                last_reason=FailureReason(row.last_reason) if row.last_reason else None,
                last_message=row.last_message,
                last_success_at=row.last_success_at,
            )
            for row in rows
        }

    def latest_inventories(self) -> dict[str, ClusterInventory]:
        """The last collected inventory of every present cluster, by key; `collected_at` is
        when it was last seen as it is (re-evaluation after a plan change reads these)."""
        query = (
            select(InventorySnapshotRow.document, InventorySnapshotRow.last_seen_at)
            .join(ClusterRow, ClusterRow.key == InventorySnapshotRow.cluster)
            .where(
                InventorySnapshotRow.id.in_(current_snapshot_ids()),
                ClusterRow.removed_at.is_(None),
            )
            .order_by(InventorySnapshotRow.cluster)
        )
        with reading(self.engine) as connection:
            rows = connection.execute(query).all()
        inventories = (
            ClusterInventory.model_validate({**row.document, "collected_at": row.last_seen_at})
            for row in rows
        )
        return {inventory.key: inventory for inventory in inventories}

    def save_events(
        self, events: Sequence[DriftEvent], sinks: Sinks, now: datetime
    ) -> tuple[int, int]:
        """Save events made outside a cycle (reminders) with one outbox row per (event, sink),
        in one transaction; what exists is skipped. Returns (events, outbox rows) added."""
        with writing(self.engine) as connection:
            return save_events(connection, events, sinks, now)

    def events(self, since: datetime | None = None, limit: int = 100) -> tuple[DriftEvent, ...]:
        """Events at or after `since` (all when None), oldest first, at most `limit`."""
        query = select(EventRow.payload).order_by(EventRow.at, EventRow.seq).limit(limit)
        if since is not None:
            query = query.where(EventRow.at >= since)
        with reading(self.engine) as connection:
            payloads = connection.execute(query).scalars().all()
        return tuple(event_from(payload) for payload in payloads)

    # -- outbox ---------------------------------------------------------------------------

    def claim_outbox(
        self, sink: str, now: datetime, limit: int = 50, *, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboxItem]:
        """Claim up to `limit` due rows of `sink`, oldest first; each is invisible to other
        claimers until `now + lease` or until marked. Safe with concurrent workers."""
        with writing(self.engine) as connection:
            return outbox_repo.claim(connection, sink, now, limit, lease)

    def mark_delivered(self, item: OutboxItem, now: datetime) -> bool:
        """Record a delivery; False when the claim was lost (another worker re-claimed)."""
        return item.id in self.mark_all_delivered([item], now)

    def mark_all_delivered(self, items: Sequence[OutboxItem], now: datetime) -> set[int]:
        """Record the deliveries of `items` in one transaction; the ids recorded (a row whose
        claim was lost is not)."""
        with writing(self.engine) as connection:
            return outbox_repo.finish_delivered(connection, items, now)

    def mark_failed(
        self, item: OutboxItem, now: datetime, *, error: str, retry_at: datetime | None
    ) -> bool:
        """Record a failed attempt: retried at `retry_at`, or dead-lettered when it is None.
        False when the claim was lost."""
        with writing(self.engine) as connection:
            return outbox_repo.finish_failed(connection, item, now, error=error, retry_at=retry_at)

    def hold_outbox(self, item: OutboxItem, until: datetime) -> bool:
        """Hold a claimed row until `until` (a route's quiet hours), not as an attempt.
        False when the claim was lost."""
        with writing(self.engine) as connection:
            return outbox_repo.hold(connection, item, until)

    def outbox_stats(self) -> tuple[OutboxStat, ...]:
        """Rows per sink and status, with the oldest row's creation time (for metrics)."""
        with reading(self.engine) as connection:
            return outbox_repo.stats(connection)

    def prune(self, before: datetime) -> int:
        """Delete delivered outbox rows (and their attempt log) finished before `before`,
        inventory snapshots replaced before it and the chat threads of findings closed since;
        returns the number of rows deleted."""
        with writing(self.engine) as connection:
            return outbox_repo.prune(connection, before) + threads_repo.prune(connection, before)

    # -- chat threads ---------------------------------------------------------------------

    def threads(self, sink: str, keys: Iterable[FindingKey]) -> dict[str, ChatThread]:
        """The message that opened each of `keys` on `sink`, by `str(key)`, where known."""
        with reading(self.engine) as connection:
            return threads_repo.read(connection, sink, keys)

    def save_threads(
        self, sink: str, keys: Iterable[FindingKey], thread: ChatThread, now: datetime
    ) -> None:
        """Remember `thread` as the opening message of `keys` on `sink` (replacing older)."""
        with writing(self.engine) as connection:
            threads_repo.save(connection, sink, keys, thread, now)

    # -- report and enforcers -------------------------------------------------------------

    def history(
        self, since: datetime, until: datetime, *, min_severity: Severity = Severity.LOW
    ) -> History:
        """Finding intervals overlapping [since, until), cluster spans, and per UTC day the
        share of clusters with no open unwaived finding at `min_severity` or above."""
        with reading(self.engine) as connection:
            return history.read(connection, since, until, min_severity)

    def last_version_changes(self) -> dict[str, datetime]:
        """Per cluster key, the time of its latest `cluster.version_changed` event."""
        with reading(self.engine) as connection:
            return history.last_version_changes(connection)

    def record_change(
        self,
        key: str,
        *,
        kind: str,
        state: str,
        now: datetime,
        url: str | None = None,
        cluster: str | None = None,
    ) -> ProposedChange:
        """Create or update the proposed change `key` (an enforcer's PR or ticket)."""
        with writing(self.engine) as connection:
            return changes_repo.record(
                connection, key, kind=kind, state=state, now=now, url=url, cluster=cluster
            )

    def proposed_changes(self, states: Sequence[str] = ()) -> tuple[ProposedChange, ...]:
        """Proposed changes, all or those in `states`, by key."""
        with reading(self.engine) as connection:
            return changes_repo.read(connection, states)

    def proposed_change(self, key: str) -> ProposedChange | None:
        with reading(self.engine) as connection:
            return changes_repo.one(connection, key)
