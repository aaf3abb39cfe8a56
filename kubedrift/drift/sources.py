"""Source health: one `source.failed` per failure streak, `source.recovered` when it ends.

A cycle fails for a source when its discovery fails, or when discovery lists clusters and
none of them could be collected. Only the sources that ran this cycle are judged; the others
keep their state (a source on a longer interval did not fail by not being due).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from kubedrift.drift.cycle import CycleView
from kubedrift.drift.ids import event_id
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.reconcile import SourceState


def judge_sources(
    view: CycleView, previous: Mapping[str, SourceState], now: datetime
) -> tuple[list[DriftEvent], dict[str, SourceState]]:
    """The events and the complete new map of source states."""
    events: list[DriftEvent] = []
    states = dict(previous)
    for source in sorted(view.ran):
        before = previous.get(source, SourceState(source=source))
        failure = view.source_failed(source)
        if failure is not None:
            since = before.failing_since or now
            if before.failing_since is None:
                kind = EventType.SOURCE_FAILED
                events.append(
                    DriftEvent(
                        # The streak's start identifies it: one id per streak, however replayed.
                        id=event_id(kind, source, since),
                        type=kind,
                        at=now,
                        source=source,
                        summary=f"source {source} failing: {failure.reason.value}: "
                        f"{failure.message}",
                        detail={"reason": failure.reason.value, "message": failure.message},
                    )
                )
            states[source] = before.model_copy(
                update={
                    "failing_since": since,
                    "failures": before.failures + 1,
                    "last_reason": failure.reason,
                    "last_message": failure.message,
                }
            )
            continue
        if before.failing_since is not None:
            kind = EventType.SOURCE_RECOVERED
            events.append(
                DriftEvent(
                    id=event_id(kind, source, before.failing_since),
                    type=kind,
                    at=now,
                    source=source,
                    summary=f"source {source} recovered after {before.failures} failed cycle(s)",
                    detail={
                        "failing_since": before.failing_since.isoformat(),
                        "failures": str(before.failures),
                    },
                )
            )
        states[source] = SourceState(source=source, last_success_at=now)
    return events, states
