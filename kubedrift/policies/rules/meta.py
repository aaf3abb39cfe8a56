"""Findings about what kubedrift could not see or could not decide: unknown versions, clusters
no plan group selects, waivers about to expire.

`version-unknown` is a rule like the others. `cluster-not-in-plan` and `waiver-expiring` are
decided by the engine (they concern the plan, not one cluster's data); their metadata lives
here so `kubedrift rules list` and docs/rules.md list every finding kubedrift can report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import ClassVar

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.policies.rules.base import (
    ContextRule,
    RuleInfo,
    make_finding,
    make_remedy,
)
from kubedrift.policies.rules.facts import parsed

_FAMILY = "meta"

# The component of a rule's finding on a cluster it raised on: that cycle did not judge the
# rule's other findings there (drift keeps them open rather than resolve them).
RULE_ERROR_COMPONENT = "rule-error"

CLUSTER_NOT_IN_PLAN = RuleInfo(
    id="cluster-not-in-plan",
    title="Cluster selected by no plan group",
    severity=Severity.LOW,
    rationale=(
        "A cluster no group selects has no target: only the rules that need none (skew, end "
        "of support, unknown versions, add-ons not running) apply to it. Add a group (or a "
        "catch-all last group) so it is held to a plan. The same holds for a cluster whose "
        "group sets no version for its platform: a Swarm cluster needs `docker_engine:`, a "
        "Mesos cluster `mesos:`, a Kubernetes cluster `kubernetes:` in the group's target."
    ),
    family=_FAMILY,
    needs_target=False,
    platforms=("kubernetes", "swarm", "mesos"),
)

WAIVER_EXPIRING = RuleInfo(
    id="waiver-expiring",
    title="Waiver expiring within 14 days",
    severity=Severity.LOW,
    rationale=(
        "A waiver holds up to and including its `expires` day; then the findings it covers "
        "are reported again at full severity. Reported per cluster whose findings it waives, "
        "14 days ahead, so the owner can renew it or fix the findings. An expired waiver "
        "waives nothing: the findings it covered name it in their summary."
    ),
    family=_FAMILY,
    needs_target=False,
)

ENGINE_RULES = (CLUSTER_NOT_IN_PLAN, WAIVER_EXPIRING)
# What a node pool's version is, by platform: the kubelet, a Swarm node's Engine, a Mesos agent.
_NODE_VERSION = {"swarm": "Docker Engine", "mesos": "Mesos agent"}


class VersionUnknown(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="version-unknown",
        title="Version could not be determined",
        severity=Severity.MEDIUM,
        rationale=(
            "A version (or a whole part of the inventory) that could not be read is not "
            "compliant by default: every rule that needs it stays silent, so this finding is "
            "the only sign of the gap. Fix the collector's access or the source."
        ),
        family=_FAMILY,
        needs_target=False,
        platforms=("kubernetes", "swarm", "mesos"),
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        plane = cluster.control_plane
        # What a finding below already says is not said again for the collector's note of it.
        said: set[str] = set()
        if not plane.apiserver_versions():
            yield self._unknown(cluster, "control-plane", "the control plane version")
            said.add("control_plane.version")
        for item in plane.components:
            if item.version is None:
                name = f"control-plane/{item.component}"
                if item.instance:
                    name += f"/{item.instance}"
                yield self._unknown(cluster, name, f"the version of {item.component}")
        for pool in cluster.node_pools:
            unreadable = [raw for raw in pool.versions_seen if parsed(raw) is None]
            if pool.kubelet_version is None:
                what = f"pool {pool.name}'s {_NODE_VERSION.get(cluster.platform, 'kubelet')}"
                yield self._unknown(cluster, f"node-pool/{pool.id}", what)
                said.add(f"node_pools.{pool.id}.kubelet_version")
            elif unreadable:
                yield self._unknown(
                    cluster,
                    f"node-pool/{pool.id}",
                    f"some {_NODE_VERSION.get(cluster.platform, 'kubelet')} versions of pool "
                    f"{pool.name} ({', '.join(unreadable)})",
                )
        for addon in cluster.addons:
            if addon.version is None and addon.running_version is None:
                yield self._unknown(cluster, f"addon/{addon.name}", f"add-on {addon.name}")
        for part in cluster.unknown:
            if part not in said:
                yield self._unknown(cluster, f"inventory/{part}", f"the cluster's {part}")

    def _unknown(self, cluster: ClusterInventory, component: str, what: str) -> Finding:
        return make_finding(
            self.info,
            cluster,
            component,
            f"could not determine {what}",
            remedy=make_remedy(summary="check the collector's access to this part of the cluster"),
        )
