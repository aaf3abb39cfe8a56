"""The upgrade order of a Docker Swarm or Apache Mesos cluster, as `UpgradeStep`s (pure).

Both keep their state in a quorum of managers / masters (Swarm's Raft, Mesos' replicated
log), so they are upgraded first and one at a time, the leader last, each back and healthy
before the next: quorum is kept throughout. Workers / agents follow, pool by pool; a worker
or agent must never run a newer version than its managers / masters. Only the steps still
needed are listed: an instance or pool already admitted by the target is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubedrift.calendar.platforms import platform_calendar
from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import ClusterInventory, ComponentVersion
from kubedrift.versions import Constraint, KubeVersion, admits

_WORDS = {
    "swarm": ("manager", "worker", "drain it (docker node update --availability drain)"),
    "mesos": ("master", "agent", "stop it, install the new binaries and restart it"),
}


@dataclass(frozen=True)
class PlatformPath:
    """The steps and the version they lead to (`to_version`: a release or the target text)."""

    to_version: str
    steps: tuple[UpgradeStep, ...]


def destination(platform: str, target: str, constraint: Constraint) -> str:
    """The newest release the calendar lists that the target admits; the target text if none."""
    calendar = platform_calendar(platform)
    if calendar is not None:
        for line in reversed(calendar.ordered()):
            if line.latest_patch and admits(constraint, line.latest_patch):
                return line.latest_patch
    return target


def _behind(version: KubeVersion | None, constraint: Constraint) -> bool:
    return version is None or not admits(constraint, version)


def _manager_order(members: tuple[ComponentVersion, ...]) -> list[ComponentVersion]:
    # Followers first, the leader last: the leader changes once, at the end.
    return sorted(members, key=lambda c: (c.leader is True, c.instance or ""))


def platform_path(cluster: ClusterInventory, target: str, constraint: Constraint) -> PlatformPath:
    """The steps that bring `cluster` (swarm or mesos) to `target`."""
    platform = str(cluster.platform)
    leader_word, worker_word, how = _WORDS[platform]
    to = destination(platform, target, constraint)
    steps: list[UpgradeStep] = []
    members = [c for c in cluster.control_plane.components if _behind(c.version, constraint)]
    total = len(cluster.control_plane.components)
    for member in _manager_order(tuple(members)):
        role = f"the leading {leader_word}" if member.leader else f"{leader_word}"
        steps.append(
            UpgradeStep(
                order=len(steps) + 1,
                action="upgrade_control_plane",
                component=f"control-plane/{member.component}/{member.instance or '?'}",
                from_version=member.version.raw if member.version else None,
                to_version=to,
                reason=(
                    f"{role} {member.instance}: one at a time so {total // 2 + 1} of {total} "
                    f"{leader_word}s keep quorum; {how}, upgrade, wait until it is back and "
                    "reachable before the next"
                ),
            )
        )
    for pool in cluster.node_pools:
        if pool.role == "manager" or not _behind(pool.kubelet_version, constraint):
            continue
        steps.append(
            UpgradeStep(
                order=len(steps) + 1,
                action="upgrade_node_pool",
                component=f"node-pool/{pool.id}",
                from_version=pool.kubelet_version.raw if pool.kubelet_version else None,
                to_version=to,
                reason=(
                    f"{worker_word}s in pool {pool.name}, after every {leader_word}: no "
                    f"{worker_word} may run a newer version than the {leader_word}s; a few at a "
                    "time"
                ),
            )
        )
    return PlatformPath(to_version=to, steps=tuple(steps))
