"""Node pools against their control plane: behind it (an upgrade pending) and mixed versions.

The skew rules say when a pool is out of policy; these say when it is merely not done: a pool
behind its control plane still has an upgrade to make, and a pool whose nodes disagree is in
the middle of one (or stuck in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import ClassVar

from kubedrift.model.findings import Finding, Severity, UpgradeStep
from kubedrift.model.inventory import ClusterInventory, NodePool
from kubedrift.model.plan import Target
from kubedrift.policies.rules.base import (
    ContextRule,
    Draft,
    RuleInfo,
    draft,
    make_remedy,
    stamp,
)
from kubedrift.policies.rules.facts import minors_apart, plural
from kubedrift.policies.rules.parts import PlaneFacts, PoolPartRule
from kubedrift.versions import KubeVersion

_FAMILY = "node_pools"


class NodePoolBehind(PoolPartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="node-pool-behind",
        title="Node pool behind its control plane",
        severity=Severity.LOW,
        rationale=(
            "Workers follow the control plane; a pool still on an older minor has an upgrade "
            "pending and leaves less room for the next control-plane step. Low while within the "
            "plan's `node_pools.max_minor_skew` (or the skew policy when unset), medium beyond "
            "the plan's limit."
        ),
        family=_FAMILY,
    )

    def pool_drafts(self, facts: PlaneFacts, pool: NodePool) -> Iterable[Draft]:
        plane, kubelet = facts.oldest, pool.kubelet_version
        if plane is None or kubelet is None:
            return ()
        limit = facts.target.node_pools.max_minor_skew
        # Its own key too: pools that differ in what other pool rules read share these.
        key = ("pool-behind", plane.raw, limit, pool.id, pool.name, kubelet.raw)
        return self.context.drafts(key, self._drafts, pool, kubelet, plane, limit)

    def _drafts(
        self, pool: NodePool, kubelet: KubeVersion, plane: KubeVersion, limit: int | None
    ) -> Iterator[Draft]:
        behind = minors_apart(plane.minor_version, kubelet.minor_version)
        if behind and behind > 0:
            over = limit is not None and behind > limit
            allowed = f"plan allows {limit}" if limit is not None else "skew policy decides"
            yield draft(
                self.info,
                f"node-pool/{pool.id}",
                f"pool {pool.name} runs kubelet {kubelet}, {plural(behind, 'minor')} behind "
                f"the control plane {plane} ({allowed})",
                severity=Severity.MEDIUM if over else self.info.severity,
                observed=str(kubelet),
                expected=str(plane.minor_version)
                if limit is None
                else f">= {plane.major}.{plane.minor - limit}",
                remedy=make_remedy(
                    summary=f"upgrade pool {pool.name} to {plane}",
                    steps=(
                        UpgradeStep(
                            order=1,
                            action="upgrade_node_pool",
                            component=f"node-pool/{pool.id}",
                            from_version=str(kubelet),
                            to_version=str(plane),
                            reason="workers follow the control plane",
                        ),
                    ),
                ),
            )


class NodePoolMixedVersions(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="node-pool-mixed-versions",
        title="Nodes of one pool at different kubelet versions",
        severity=Severity.MEDIUM,
        rationale=(
            "A pool is upgraded as a unit; nodes at different versions mean a rollout in "
            "progress or stuck, and the pool behaves differently node to node. Not reported "
            "when the plan sets `node_pools.allow_mixed_versions`. A pool whose node versions "
            "were not counted is reported as info (could not determine)."
        ),
        family=_FAMILY,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        if target.node_pools.allow_mixed_versions:
            return ()
        out: list[Draft] = []
        for pool in cluster.node_pools:
            if len(pool.versions_seen) == 1:
                continue  # one version: nothing to say, and no memo entry per node count
            kubelet = pool.kubelet_version
            key = (
                "pool-mixed",
                pool.id,
                pool.name,
                tuple(pool.versions_seen.items()),
                pool.node_count,
                None if kubelet is None else kubelet.raw,
            )
            out.extend(self.context.drafts(key, self._drafts, pool))
        return stamp(cluster.key, out)

    def _drafts(self, pool: NodePool) -> Iterator[Draft]:
        component = f"node-pool/{pool.id}"
        if not pool.versions_seen:
            if pool.node_count == 0:
                return
            yield draft(
                self.info,
                component,
                f"could not determine whether the nodes of pool {pool.name} run one "
                "version: node versions were not collected",
                severity=Severity.INFO,
                observed=None if pool.kubelet_version is None else str(pool.kubelet_version),
            )
            return
        if not pool.mixed_versions:
            return
        seen = ", ".join(f"{v} x{n}" for v, n in sorted(pool.versions_seen.items()))
        yield draft(
            self.info,
            component,
            f"pool {pool.name} runs mixed kubelet versions: {seen}",
            observed=seen,
            expected="one kubelet version per pool",
            remedy=make_remedy(summary=f"finish the rollout of pool {pool.name}"),
        )
