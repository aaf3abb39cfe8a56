"""Wave gating: which rollout waves are open for proposals, and what holds the others (pure).

The plan puts groups in waves (`staging`, then `canary`, then `production`). A wave is open
for changes when every cluster of every earlier wave

- is **at its target**: no unwaived finding above info that an upgrade remedies;
- has **soaked**: the earlier wave's `soak` has passed since the cluster actually finished,
  i.e. since its latest `cluster.version_changed` event (`finished_at`; a cluster with none
  on record has been at its target since before kubedrift looked, and counts as soaked);
- has **no high or critical finding** open (unwaived);

and the wave's `not_before` day has come. Within an open wave at most `max_parallel`
drifted clusters (in key order) get proposals at a time; the rest wait for them to finish.
The `manual-approval` gate is the review of the proposal itself (kubedrift never applies),
so it is reported, not enforced. Clusters whose group names no wave are never held.

Everything here is a function of (plan, inventories, findings, finished_at, now).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import RolloutWave, VersionPlan


@dataclass(frozen=True)
class WaveCluster:
    key: str
    name: str
    group: str
    at_target: bool
    finished_at: datetime | None  # its latest cluster.version_changed, if any on record
    soaked: bool
    serious: tuple[str, ...]  # rule ids of its open, unwaived high / critical findings


@dataclass(frozen=True)
class WaveState:
    """One wave: its clusters, whether it is open, and why not."""

    name: str
    soak: timedelta | None
    gates: tuple[str, ...]
    max_parallel: int | None
    clusters: tuple[WaveCluster, ...]
    open: bool
    held_by: tuple[str, ...]  # why it is not open; empty when open

    @property
    def at_target(self) -> int:
        return sum(1 for c in self.clusters if c.at_target)

    @property
    def compliance(self) -> float | None:
        return self.at_target / len(self.clusters) if self.clusters else None

    @property
    def done(self) -> bool:
        """Every cluster at its target, soaked, and free of high / critical findings."""
        return all(c.at_target and c.soaked and not c.serious for c in self.clusters)


@dataclass(frozen=True)
class WaveReport:
    waves: tuple[WaveState, ...]
    _wave_of: dict[str, WaveState] = field(init=False, repr=False, compare=False)
    _first: dict[str, list[WaveCluster]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # cluster key -> its wave, and each wave's first `max_parallel` drifted clusters:
        # `hold` is asked once per cluster of the fleet.
        where = {c.key: wave for wave in self.waves for c in wave.clusters}
        first = {
            wave.name: [c for c in wave.clusters if not c.at_target][: wave.max_parallel or 0]
            for wave in self.waves
        }
        object.__setattr__(self, "_wave_of", where)
        object.__setattr__(self, "_first", first)

    def hold(self, cluster: str) -> str | None:
        """Why proposals for `cluster` wait (None: they may be made)."""
        wave = self._wave_of.get(cluster)
        if wave is None:
            return None
        if not wave.open:
            return f"wave {wave.name} is not open: {'; '.join(wave.held_by)}"
        if wave.max_parallel is None:
            return None
        first = self._first[wave.name]
        if cluster in {c.key for c in first}:
            return None
        return (
            f"wave {wave.name} upgrades {wave.max_parallel} cluster(s) at a time: "
            f"{', '.join(c.name for c in first)} first"
        )


def wave_report(
    plan: VersionPlan,
    inventories: Iterable[ClusterInventory],
    findings: Sequence[Finding],
    finished_at: Mapping[str, datetime],
    now: datetime,
) -> WaveReport:
    """Every wave of `plan` in rollout order, with its clusters and whether it is open."""
    members: dict[str, list[WaveCluster]] = {wave.name: [] for wave in plan.waves}
    waves = plan.waves_in_order()
    by_cluster: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_cluster[finding.key.cluster].append(finding)
    soak_of = {wave.name: wave.soak for wave in waves}
    for inventory in sorted(inventories, key=lambda i: i.key):
        group = plan.group_for(inventory.ref)
        if group is None or group.wave is None or group.wave not in members:
            continue
        mine = by_cluster.get(inventory.key, [])
        at_target = not any(f.upgrade_worthy for f in mine)
        finished = finished_at.get(inventory.key)
        soak = soak_of[group.wave]
        soaked = at_target and (soak is None or finished is None or now >= finished + soak)
        serious = sorted({f.key.rule for f in mine if not f.waived and f.severity >= Severity.HIGH})
        members[group.wave].append(
            WaveCluster(
                inventory.key, inventory.name, group.name, at_target, finished, soaked,
                tuple(serious),
            )
        )  # fmt: skip
    states: list[WaveState] = []
    for wave in waves:
        held = [why for earlier in states for why in _holds(earlier)]
        if wave.not_before is not None and now.date() < wave.not_before:
            held.append(f"not before {wave.not_before.isoformat()}")
        states.append(_state(wave, tuple(members[wave.name]), tuple(held)))
    return WaveReport(tuple(states))


def _state(
    wave: RolloutWave, clusters: tuple[WaveCluster, ...], held: tuple[str, ...]
) -> WaveState:
    return WaveState(
        name=wave.name,
        soak=wave.soak,
        gates=tuple(wave.gates),
        max_parallel=wave.max_parallel,
        clusters=clusters,
        open=not held,
        held_by=held,
    )


def _holds(earlier: WaveState) -> list[str]:
    """Why `earlier` keeps the waves after it closed."""
    why = []
    behind = [c.name for c in earlier.clusters if not c.at_target]
    if behind:
        why.append(f"{earlier.name}: {len(behind)} cluster(s) not at target ({', '.join(behind)})")
    soaking = [c for c in earlier.clusters if c.at_target and not c.soaked]
    if soaking:
        last = max(c.finished_at for c in soaking if c.finished_at is not None)
        until = last + (earlier.soak or timedelta())
        why.append(f"{earlier.name}: soaking until {until.isoformat()}")
    # A drifted cluster is named above already; these are at target with something serious.
    serious = sorted(
        {
            f"{c.name} ({', '.join(c.serious)})"
            for c in earlier.clusters
            if c.at_target and c.serious
        }
    )
    if serious:
        why.append(f"{earlier.name}: high or critical findings open on {', '.join(serious)}")
    return why
