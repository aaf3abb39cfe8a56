"""Facts several rule families derive from a cluster and its target, computed once per run.

`TargetFacts` turns a target (a minor or a constraint) into the minors it admits; the
cluster helpers name what the provider offers and memoise version parsing and matching. The
control-plane versions the rules measure (the oldest API server for "behind", the newest for
"ahead", as the skew policy does for HA control planes) are `plane_part.PlaneView`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.policies.addon_versions import numeric_version
from kubedrift.policies.rules.base import RuleContext
from kubedrift.versions import (
    Constraint,
    InvalidVersion,
    KubeVersion,
    MinorVersion,
    admits,
    parse_version,
)

# Kubernetes 1.x minors probed when a target is a constraint; 1.0 .. 1.99 covers every release
# line for decades at three minors a year.
_PROBE = tuple(MinorVersion(1, m) for m in range(100))
MANAGED_PROVIDERS = frozenset({"ack", "tke", "eks", "gke", "aks"})


@dataclass(frozen=True, slots=True)
class TargetFacts:
    """The minors a target admits (oldest first); empty when it admits none."""

    admitted: tuple[MinorVersion, ...]

    @property
    def oldest(self) -> MinorVersion | None:
        return self.admitted[0] if self.admitted else None

    @property
    def newest(self) -> MinorVersion | None:
        return self.admitted[-1] if self.admitted else None

    def next_admitted(self, minor: MinorVersion) -> MinorVersion | None:
        """The oldest admitted minor at or above `minor`."""
        return next((m for m in self.admitted if m >= minor), None)

    def describe(self) -> str:
        if not self.admitted:
            return "no minor"
        if len(self.admitted) == 1:
            return str(self.admitted[0])
        return f"{self.admitted[0]} to {self.admitted[-1]}"


def target_facts(context: RuleContext, target: Target) -> TargetFacts:
    """Cached per target for the run (targets are shared by every cluster of a group)."""
    key = ("target", id(target))
    found = context.cache.get(key)
    if found is None:
        constraint = target.constraint
        admitted = tuple(
            m for m in _PROBE if admits(constraint, f"{m}.0") or admits(constraint, f"{m}.999999")
        )
        found = context.cache[key] = TargetFacts(admitted)
    return found


def server_key(servers: Sequence[KubeVersion]) -> tuple[str, ...]:
    """The raw texts of API server versions (KubeVersion equality ignores the text)."""
    return tuple(s.raw for s in servers) if len(servers) != 1 else (servers[0].raw,)


def offered_versions(cluster: ClusterInventory) -> tuple[KubeVersion, ...]:
    """What the provider offers this cluster: upgradable first, then available (deduplicated)."""
    plane = cluster.control_plane
    return tuple(dict.fromkeys((*plane.upgradable_versions, *plane.available_versions)))


def minors_apart(newer: MinorVersion, older: MinorVersion) -> int | None:
    """newer - older in minor versions; None across majors."""
    if newer.major != older.major:
        return None
    return newer.minor - older.minor


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@lru_cache(maxsize=8192)
def addon_numbers(raw: str | None) -> tuple[int, int, int] | None:
    """`addon_versions.numeric_version`, memoised."""
    return numeric_version(raw)


@lru_cache(maxsize=8192)
def parsed(raw: str) -> KubeVersion | None:
    """`parse_version(raw)`, or None when it does not parse; memoised (fleets repeat versions)."""
    try:
        return parse_version(raw)
    except InvalidVersion:
        return None


def admitted(
    context: RuleContext, constraint: Constraint | str, version: KubeVersion | str
) -> bool:
    """`admits(constraint, version)`, memoised for the run.

    A `Constraint` is keyed by identity (targets keep theirs for the whole run), a version by
    its raw text.
    """
    ckey: object = constraint if isinstance(constraint, str) else id(constraint)
    vkey = version.raw if isinstance(version, KubeVersion) else version
    key = ("admits", ckey, vkey)
    found: bool | None = context.cache.get(key)
    if found is None:
        found = context.cache[key] = admits(constraint, version)
    return found
