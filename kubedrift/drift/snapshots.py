"""Version snapshots: the versions last seen per cluster, and what changed since.

Components are `control-plane`, `node-pool/<pool id>` (its kubelet) and `addon/<name>` (the
running version when known, else the declared one). A pool or add-on appearing or going
away is a change too: replacing a node pool by a new one is how many providers upgrade.
What could not be read is not a change: an unreadable version keeps its last known value,
and a part named in the inventory's `unknown` (`node_pools`, `addons`) keeps all of its.
"""

from __future__ import annotations

from datetime import datetime

from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.reconcile import (
    ADDON_PREFIX,
    CONTROL_PLANE,
    NODE_POOL_PREFIX,
    VersionSnapshot,
)
from kubedrift.versions import InvalidVersion, parse_version

# The marker written for "no such component" on either side of a change.
ABSENT = "(none)"

_PARTS = {"control_plane": CONTROL_PLANE, "node_pools": NODE_POOL_PREFIX, "addons": ADDON_PREFIX}


def _part(component: str) -> str:
    if component == CONTROL_PLANE:
        return "control_plane"
    return "node_pools" if component.startswith(NODE_POOL_PREFIX) else "addons"


def _read(inventory: ClusterInventory) -> dict[str, str | None]:
    """Every component the inventory lists, with its version or None when unreadable."""
    cp = inventory.control_plane.version
    read: dict[str, str | None] = {CONTROL_PLANE: cp.raw if cp is not None else None}
    for pool in inventory.node_pools:
        kubelet = pool.kubelet_version
        read[NODE_POOL_PREFIX + pool.id] = kubelet.raw if kubelet is not None else None
    for addon in inventory.addons:
        read[ADDON_PREFIX + addon.name] = addon.running_version or addon.version
    return read


def snapshot_of(
    inventory: ClusterInventory, previous: VersionSnapshot | None, now: datetime
) -> VersionSnapshot:
    """The snapshot after seeing `inventory`, keeping from `previous` what it could not read."""
    unknown_parts = {part for part in _PARTS if part in inventory.unknown}
    versions: dict[str, str] = {}
    if previous is not None:
        # Whole parts that could not be read keep everything they had.
        versions.update(
            (component, version)
            for component, version in previous.versions.items()
            if _part(component) in unknown_parts
        )
    for component, version in _read(inventory).items():
        if _part(component) in unknown_parts:
            continue
        if version is not None:
            versions[component] = version
        elif previous is not None and component in previous.versions:
            versions[component] = previous.versions[component]
    return VersionSnapshot(
        cluster=inventory.key,
        source=inventory.source,
        taken_at=now,
        versions=dict(sorted(versions.items())),
    )


def _same(component: str, before: str, after: str) -> bool:
    if before == after:
        return True
    if component.startswith(ADDON_PREFIX):
        return False  # add-on versions are free-form: only the text can be compared
    # `v1.30.2` and `1.30.2` are one version written two ways, not an upgrade.
    try:
        return parse_version(before) == parse_version(after)
    except InvalidVersion:
        return False


def changes(previous: VersionSnapshot, current: VersionSnapshot) -> dict[str, str]:
    """`component: "old -> new"` for every component whose version differs, sorted."""
    found: dict[str, str] = {}
    for component in sorted(previous.versions.keys() | current.versions.keys()):
        before = previous.versions.get(component, ABSENT)
        after = current.versions.get(component, ABSENT)
        if not _same(component, before, after):  # "(none)" never parses: a change
            found[component] = f"{before} -> {after}"
    return found
