"""Proposed-change queries: the enforcers' record of the PRs and tickets they opened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from kubedrift.store.engine import insert_for
from kubedrift.store.records import ProposedChange
from kubedrift.store.tables import ProposedChangeRow


def record(
    connection: Connection,
    key: str,
    *,
    kind: str,
    state: str,
    now: datetime,
    url: str | None,
    cluster: str | None,
) -> ProposedChange:
    values: dict[str, Any] = {"kind": kind, "state": state, "updated_at": now}
    if url is not None:
        values["url"] = url
    if cluster is not None:
        values["cluster"] = cluster
    inserted = connection.execute(
        insert_for(connection, ProposedChangeRow)
        .values(key=key, created_at=now, **values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ProposedChangeRow.id)
    ).first()
    if inserted is None:
        connection.execute(
            update(ProposedChangeRow).where(ProposedChangeRow.key == key).values(**values)
        )
    found = one(connection, key)
    assert found is not None  # written just above, in this transaction
    return found


def read(connection: Connection, states: Sequence[str]) -> tuple[ProposedChange, ...]:
    query = select(ProposedChangeRow).order_by(ProposedChangeRow.key)
    if states:
        query = query.where(ProposedChangeRow.state.in_(list(states)))
    return tuple(_change(row) for row in connection.execute(query).all())


def one(connection: Connection, key: str) -> ProposedChange | None:
    row = connection.execute(
        select(ProposedChangeRow).where(ProposedChangeRow.key == key)
    ).one_or_none()
    return _change(row) if row is not None else None


def _change(row: Any) -> ProposedChange:
    return ProposedChange(
        key=row.key,
        kind=row.kind,
        cluster=row.cluster,
        url=row.url,
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
