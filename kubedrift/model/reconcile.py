"""What reconcile remembers between cycles besides drift states, and what it returns.

`VersionSnapshot` is the smallest memory of a cluster that lets the next cycle say "a version
changed": its source and one raw version string per component. `SourceState` remembers a
source's failure streak, so `source.failed` is said once per streak. `ReconcileResult` is the
whole output of one cycle, ready for the store to save in one transaction.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from kubedrift.model.base import Frozen
from kubedrift.model.events import DriftEvent, DriftState
from kubedrift.model.inventory import FailureReason

# Component names inside a snapshot: `control-plane`, `node-pool/<pool id>`, `addon/<name>`.
CONTROL_PLANE = "control-plane"
NODE_POOL_PREFIX = "node-pool/"
ADDON_PREFIX = "addon/"


class VersionSnapshot(Frozen):
    """The versions last seen in one cluster, by component.

    A component whose version could not be read is absent the first time and keeps its last
    known version afterwards: "unknown" is never a change.
    """

    cluster: str = Field(min_length=1)
    source: str = Field(min_length=1)
    taken_at: AwareDatetime
    versions: dict[str, str] = Field(default_factory=dict)


class SourceState(Frozen):
    """A source's health across cycles.

    `failing_since` is the time of the first failed cycle of the current streak (None when
    healthy); it identifies the streak, so its `source.failed` and `source.recovered` events
    keep the same ids when a cycle is replayed.
    """

    source: str = Field(min_length=1)
    failing_since: AwareDatetime | None = None
    failures: int = Field(default=0, ge=0)
    last_reason: FailureReason | None = None
    last_message: str | None = None
    last_success_at: AwareDatetime | None = None

    @property
    def failing(self) -> bool:
        return self.failing_since is not None


class ReconcileResult(Frozen):
    """One cycle's outcome.

    `states` are the open states after the cycle (sorted by key); `resolved` the states closed
    in it, with `resolved_at` and `resolved_reason` set. `snapshots` and `sources` are the
    complete new maps (the previous ones with this cycle applied); `removed_clusters` names
    the clusters a successful discovery no longer lists, whose snapshots were dropped.
    """

    events: tuple[DriftEvent, ...] = ()
    states: tuple[DriftState, ...] = ()
    resolved: tuple[DriftState, ...] = ()
    snapshots: dict[str, VersionSnapshot] = Field(default_factory=dict)
    sources: dict[str, SourceState] = Field(default_factory=dict)
    removed_clusters: tuple[str, ...] = ()
