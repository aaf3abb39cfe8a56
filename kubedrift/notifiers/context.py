"""What the renderer and the router know about the clusters an event is about.

Events carry only a cluster key; who owns the cluster (its plan group's `owner`), its
labels and the remedy of a finding come from the cycle that produced them. The daemon
builds a `NotifyContext` once per cycle with `context_for`.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from kubedrift.model.base import Frozen
from kubedrift.model.findings import Finding, Remedy
from kubedrift.model.inventory import ClusterRef
from kubedrift.model.plan import VersionPlan


class ClusterInfo(Frozen):
    """One cluster as messages and routes see it."""

    key: str
    name: str
    provider: str
    region: str | None = None
    source: str | None = None
    group: str | None = None
    owner: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)


class NotifyContext(Frozen):
    """Per-cycle facts the events do not carry.

    `cluster_link` is a URL template with `{cluster}` (the cluster key, URL-quoted by the
    renderer) for a per-cluster page; `fleet_link` is the page a digest links to.
    `remedies` maps `str(FindingKey)` to the finding's remedy.
    """

    clusters: dict[str, ClusterInfo] = Field(default_factory=dict)
    remedies: dict[str, Remedy] = Field(default_factory=dict)
    cluster_link: str | None = None
    fleet_link: str | None = None

    def cluster(self, key: str) -> ClusterInfo:
        """The cluster's facts; an unknown key still renders (its key as its name)."""
        known = self.clusters.get(key)
        if known is not None:
            return known
        provider = key.split("/", 1)[0] if "/" in key else "unknown"
        return ClusterInfo(key=key, name=key, provider=provider)


def context_for(
    refs: Iterable[ClusterRef],
    plan: VersionPlan | None,
    findings: Iterable[Finding] = (),
    *,
    cluster_link: str | None = None,
    fleet_link: str | None = None,
) -> NotifyContext:
    """The context of one cycle: clusters with their plan group and owner, and remedies."""
    clusters: dict[str, ClusterInfo] = {}
    for ref in refs:
        group = plan.group_for(ref) if plan is not None else None
        clusters[ref.key] = ClusterInfo(
            key=ref.key,
            name=ref.name,
            provider=ref.provider,
            region=ref.region,
            source=ref.source,
            group=group.name if group else None,
            owner=group.owner if group else None,
            labels=dict(ref.labels),
        )
    remedies = {str(f.key): f.remedy for f in findings if f.remedy is not None}
    return NotifyContext(
        clusters=clusters, remedies=remedies, cluster_link=cluster_link, fleet_link=fleet_link
    )
