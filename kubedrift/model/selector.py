"""Which clusters a plan group or a waiver applies to, and the matching itself.

Every condition given must hold (AND); within one condition any listed value may match (OR).
Names and regions are shell-style globs (`prod-*`, `cn-*`), labels match exactly one of the
listed values, and `exclude` removes clusters by name glob. An empty selector matches every
cluster.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase, translate
from functools import lru_cache
from typing import Protocol

from pydantic import Field

from kubedrift.model.base import Frozen
from kubedrift.model.plan_fields import (
    PROVIDER_SYNONYMS,
    Globs,
    LabelValues,
    Names,
    Platforms,
    Providers,
)


class ClusterIdentity(Protocol):
    """What selectors look at; `kubedrift.model.inventory.ClusterRef` provides it.

    A `platform` attribute (`kubernetes`, `swarm`, `mesos`) is read when present; an identity
    without one is a Kubernetes cluster.
    """

    @property
    def name(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def labels(self) -> Mapping[str, str]: ...


def platform_of(cluster: ClusterIdentity) -> str:
    """The cluster's platform as a plain string (`kubernetes` when it names none)."""
    return str(getattr(cluster, "platform", None) or "kubernetes")


def _any_glob(value: str | None, globs: tuple[str, ...] | None) -> bool:
    if globs is None:
        return True
    return value is not None and bool(globs) and _one_pattern(globs)(value) is not None


@lru_cache(maxsize=1024)
def _one_pattern(globs: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """`any(fnmatchcase(value, g) for g in globs)` as one compiled pattern's `match` (a plan
    selects each of 10^4 clusters through a few selectors)."""
    return re.compile("|".join(f"(?:{translate(g)})" for g in globs)).match


def _within(glob: str, globs: tuple[str, ...]) -> bool:
    if glob in globs:
        return True
    literal = not any(c in glob for c in "*?[")
    return literal and any(fnmatchcase(glob, g) for g in globs)


class Selector(Frozen):
    """Selects clusters by platform, provider, region, name and labels."""

    platform: Platforms | None = Field(
        default=None, description="Orchestrator(s): kubernetes, swarm, mesos."
    )
    provider: Providers | None = Field(
        default=None, description="Provider(s); selfhosted also matches kubeconfig and incluster."
    )
    region: Globs | None = Field(default=None, description="Region globs (cn-*, ap-guangzhou).")
    name: Globs | None = Field(default=None, description="Cluster name globs (prod-*).")
    labels: dict[str, LabelValues] = Field(
        default_factory=dict, description="Label -> exact value or list of allowed values."
    )
    exclude: Globs | None = Field(default=None, description="Cluster name globs to leave out.")

    @property
    def is_catch_all(self) -> bool:
        return (
            self.platform is None
            and self.provider is None
            and self.region is None
            and self.name is None
            and not self.labels
            and self.exclude is None
        )

    def matches(self, cluster: ClusterIdentity) -> bool:
        return self.matches_except_name(cluster) and self.matches_name(cluster.name)

    def matches_except_name(self, cluster: ClusterIdentity) -> bool:
        """Every condition but those on the name (`name`, `exclude`)."""
        if self.platform is not None and platform_of(cluster) not in self.platform:
            return False
        if self.provider is not None and not any(
            cluster.provider in PROVIDER_SYNONYMS.get(p, frozenset({p})) for p in self.provider
        ):
            return False
        if not _any_glob(cluster.region, self.region):
            return False
        return all(cluster.labels.get(key) in values for key, values in self.labels.items())

    def matches_name(self, name: str) -> bool:
        """The conditions on the name alone: `name` globs, and `exclude`."""
        return _any_glob(name, self.name) and (
            self.exclude is None or not _any_glob(name, self.exclude)
        )

    def covers(self, other: Selector) -> bool:
        """True when every cluster `other` selects is certainly selected by this one.

        Conservative (globs are compared as text, except `*`): False means "not proven".
        """
        if self.exclude is not None:
            return False
        if self.platform is not None and (
            other.platform is None or not set(other.platform) <= set(self.platform)
        ):
            return False
        if self.provider is not None and (
            other.provider is None or not set(other.provider) <= set(self.provider)
        ):
            return False
        for mine, theirs in ((self.region, other.region), (self.name, other.name)):
            if mine is None or "*" in mine:
                continue
            if theirs is None or not all(_within(glob, mine) for glob in theirs):
                return False
        for key, values in self.labels.items():
            if key not in other.labels or not set(other.labels[key]) <= set(values):
                return False
        return True


class WaiverSelector(Selector):
    """Selects clusters for a waiver; `group` names plan groups in addition."""

    group: Names | None = Field(default=None, description="Plan group name(s).")

    def covers_cluster(self, cluster: ClusterIdentity, group: str | None) -> bool:
        return self.covers_group(group) and self.matches(cluster)

    def covers_group(self, group: str | None) -> bool:
        """The condition on the cluster's plan group (the name of none: None)."""
        return self.group is None or group in self.group
