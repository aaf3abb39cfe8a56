"""Reconcile: this cycle's findings and collection results against what was stored.

Pure: `reconcile(states, findings, results, now, sources=..., snapshots=..., source_states=...)`
returns the events to announce and the new states, snapshots and source states to save, in
one `ReconcileResult`. No I/O, no clock reads. `docs/drift.md` tells the lifecycle.
"""

from __future__ import annotations

from kubedrift.drift.findings import WAIVER_EXPIRING_RULE
from kubedrift.drift.ids import event_id
from kubedrift.drift.reconcile import reconcile
from kubedrift.drift.snapshots import snapshot_of

__all__ = ["WAIVER_EXPIRING_RULE", "event_id", "reconcile", "snapshot_of"]
