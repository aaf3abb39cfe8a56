"""`reconcile`: one cycle's findings and results against the stored states, as data.

The store loads `states`, `snapshots` and `source_states`, the cycle provides the findings,
the results, the sources that ran and `now`; the store saves the returned
`ReconcileResult` in one transaction. Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from kubedrift.drift.cycle import owners, removed_clusters, uncollected, view_of
from kubedrift.drift.findings import Outcome, merge_findings, not_seen, seen
from kubedrift.drift.ids import event_id
from kubedrift.drift.snapshots import changes, snapshot_of
from kubedrift.drift.sources import judge_sources
from kubedrift.model.events import DriftEvent, DriftState, EventType
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory, Collected, CollectionFailed
from kubedrift.model.reconcile import ReconcileResult, SourceState, VersionSnapshot
from kubedrift.policies.rules.meta import RULE_ERROR_COMPONENT


def reconcile(
    states: Iterable[DriftState],
    findings: Iterable[Finding],
    results: Iterable[Collected | CollectionFailed],
    now: datetime,
    *,
    sources: Collection[str],
    snapshots: Mapping[str, VersionSnapshot] | None = None,
    source_states: Mapping[str, SourceState] | None = None,
) -> ReconcileResult:
    """Diff this cycle against the stored open states; return events and the new states.

    `states` are the stored open states; `findings` what `engine.evaluate` reported this
    cycle (not `engine.collection_findings`: failures reach reconcile as results, and become
    stale states and `source.failed`; a `source/<name>` pseudo-cluster would never resolve;
    a rule's `rule-error` finding on a cluster keeps that rule's other states there open);
    `results` this cycle's collection results; `sources` the sources whose discovery ran
    this cycle (a source that discovered nothing has no result, yet its clusters are gone).
    Results of sources not listed count per cluster only: that is how a re-evaluation of
    stored inventories after a plan change passes them (`sources=()`), without judging
    any source or removing any cluster. `snapshots` are the last version snapshots by
    cluster key and `source_states` the sources' failure streaks, as the last cycle
    returned them. Raises ValueError when `now` is naive or a source-wide failure names a
    source not in `sources`.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    stored = {state.key: state for state in states}
    previous_snapshots = dict(snapshots or {})
    view = view_of(results, sources)
    owner = owners(view, stored.values(), previous_snapshots)
    removed = removed_clusters(view, owner)
    not_collected = uncollected(view, owner)

    out = Outcome()
    reported = merge_findings(findings)
    # A rule that raised on a cluster judged none of its findings there this cycle.
    unjudged = {
        (key.cluster, key.rule) for key in reported if key.component == RULE_ERROR_COMPONENT
    }
    for key, finding in reported.items():
        seen(
            finding,
            stored.get(key),
            now,
            source=owner.get(key.cluster),
            stale=key.cluster in not_collected,
            out=out,
        )
    for key, state in stored.items():
        if key not in reported:
            judged = (key.cluster, key.rule) not in unjudged
            not_seen(
                state,
                now,
                collected=judged and key.cluster in view.collected,
                removed=key.cluster in removed,
                uncollected=not judged or key.cluster in not_collected,
                out=out,
            )

    version_events, new_snapshots = _versions(view.collected.values(), previous_snapshots, now)
    for cluster in removed:
        new_snapshots.pop(cluster, None)
    source_events, new_sources = judge_sources(view, source_states or {}, now)

    finding_events = sorted(out.events, key=lambda e: (str(e.finding), e.type.value))
    return ReconcileResult(
        events=(*source_events, *version_events, *finding_events),
        states=tuple(sorted(out.states, key=lambda s: str(s.key))),
        resolved=tuple(sorted(out.resolved, key=lambda s: str(s.key))),
        snapshots=dict(sorted(new_snapshots.items())),
        sources=dict(sorted(new_sources.items())),
        removed_clusters=tuple(sorted(removed)),
    )


def _versions(
    inventories: Iterable[ClusterInventory],
    previous: Mapping[str, VersionSnapshot],
    now: datetime,
) -> tuple[list[DriftEvent], dict[str, VersionSnapshot]]:
    """`cluster.version_changed` per collected cluster whose versions moved, and the new
    snapshots. First sight of a cluster records its snapshot and says nothing."""
    events: list[DriftEvent] = []
    snapshots = dict(previous)
    for inventory in sorted(inventories, key=lambda i: i.key):
        before = previous.get(inventory.key)
        after = snapshot_of(inventory, before, now)
        snapshots[inventory.key] = after
        moved = changes(before, after) if before is not None else {}
        if moved:
            kind = EventType.VERSION_CHANGED
            events.append(
                DriftEvent(
                    id=event_id(kind, inventory.key, now),
                    type=kind,
                    at=now,
                    cluster=inventory.key,
                    source=inventory.source,
                    summary=f"{inventory.key}: "
                    + ", ".join(f"{c} {change}" for c, change in moved.items()),
                    detail=moved,
                )
            )
    return events, snapshots
