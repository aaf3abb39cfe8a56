"""Rules whose findings are about the control plane alone: asked together, once per plane.

A plane rule reads a `PlaneView` (the target, the provider and region, the API servers and
other control-plane components, what the provider offers, the live support window) and
nothing else of the cluster, so the engine asks every plane rule of a run once per distinct
view (`policies.rule_runner`), like the part rules of `rules.parts`. A fleet of 10^4
clusters has a few dozen distinct control planes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import methodcaller
from typing import ClassVar

from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory, ComponentVersion
from kubedrift.model.plan import Target
from kubedrift.model.support import SupportWindow
from kubedrift.policies.rules.base import ContextRule, Draft, RuleContext, RuleInfo, stamp
from kubedrift.policies.rules.facts import offered_versions
from kubedrift.policies.rules.parts import each_rule
from kubedrift.policies.rules.remedy import freeze
from kubedrift.versions import KubeVersion


@dataclass(frozen=True, slots=True, eq=False)
class PlaneView:
    """What plane rules read of a cluster; one object per distinct view in a run (its
    identity keys the drafts). `offered`: upgradable first, then available, deduplicated."""

    target: Target
    provider: str
    region: str | None
    servers: tuple[KubeVersion, ...]
    oldest: KubeVersion | None
    newest: KubeVersion | None
    components: tuple[ComponentVersion, ...]
    offered: tuple[KubeVersion, ...]
    support: SupportWindow | None


def plane_view(context: RuleContext, cluster: ClusterInventory, target: Target) -> PlaneView:
    """The cluster's `PlaneView`, shared for the run by every cluster with the same one."""
    slot = context.cache.get(_SLOT)
    if slot is not None and slot[0] is cluster and slot[1] is target:
        return slot[2]  # type: ignore[no-any-return]
    plane = cluster.control_plane
    version = plane.version
    # Everything the view is made of, as raw texts (version equality ignores the text).
    key = (
        "plane-view",
        id(target),  # the plan keeps its targets alive for the run
        cluster.provider,
        cluster.region,
        None if version is None else version.raw,
        tuple((c.component, c.version and c.version.raw, c.instance) for c in plane.components),
        tuple(v.raw for v in plane.upgradable_versions),
        tuple(v.raw for v in plane.available_versions),
        freeze(plane.support),
    )
    found: PlaneView | None = context.cache.get(key)
    if found is None:
        servers = plane.apiserver_versions()
        found = PlaneView(
            target=target,
            provider=cluster.provider,
            region=cluster.region,
            servers=servers,
            oldest=min(servers, default=None),
            newest=max(servers, default=None),
            components=plane.components,
            offered=offered_versions(cluster),
            support=plane.support,
        )
        if context.reuse:
            context.cache[key] = found
    context.cache[_SLOT] = (cluster, target, found)
    return found


_SLOT = ("plane-view-slot",)  # one slot: a cluster's rules run back to back


class PlanePartRule(ContextRule):
    """A rule whose findings are about the control plane alone (`plane_drafts`)."""

    info: ClassVar[RuleInfo]

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        raise NotImplementedError

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        view = plane_view(self.context, cluster, target)
        return stamp(cluster.key, each_rule((self,), methodcaller("plane_drafts", view)))
