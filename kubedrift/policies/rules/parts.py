"""Rules whose findings are each about one part of a cluster: a node pool, an add-on group.

Such a rule reads one part and the cluster's `PlaneFacts` (its target, provider, API servers
and the kube-proxy add-on's version), nothing else of the cluster. That lets the engine ask
every part rule of a run at once, with one memo look-up per part: a fleet of 10^4 clusters
has some 10^5 parts but few distinct ones. `evaluate` (the `Rule` protocol) asks the part
method for each part in turn; the equivalence tests compare the two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import methodcaller
from typing import ClassVar, TypeVar

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import Addon, ClusterInventory, NodePool
from kubedrift.model.plan import Target
from kubedrift.policies.rules.addon_groups import keyed_groups
from kubedrift.policies.rules.base import (
    ContextRule,
    Draft,
    Rule,
    RuleContext,
    RuleInfo,
    draft,
    stamp,
)
from kubedrift.policies.rules.facts import parsed, server_key
from kubedrift.policies.rules.meta import RULE_ERROR_COMPONENT
from kubedrift.versions import KubeVersion

_R = TypeVar("_R", bound=Rule)


@dataclass(frozen=True, slots=True, eq=False)
class PlaneFacts:
    """What part rules read of a cluster besides the part; one object per distinct set of
    them in a run, so its identity (hashed and compared as such) keys the parts' drafts.

    `proxy` is the kube-proxy add-on's version: a pool's kube-proxy when the collector did not
    see it on the pool's nodes (a DaemonSet runs on every node).
    """

    target: Target
    provider: str
    servers: tuple[KubeVersion, ...]
    oldest: KubeVersion | None
    proxy: KubeVersion | None


def plane_facts(context: RuleContext, cluster: ClusterInventory, target: Target) -> PlaneFacts:
    """The cluster's `PlaneFacts`, shared for the run by every cluster with the same ones."""
    slot = context.cache.get(_SLOT)
    if slot is not None and slot[0] is cluster and slot[1] is target:
        return slot[2]  # type: ignore[no-any-return]
    servers = cluster.control_plane.apiserver_versions()
    proxy = addon_kube_proxy(cluster)
    # The target by identity: the plan keeps it alive for the run.
    key = ("plane-facts", id(target), cluster.provider, server_key(servers), proxy and proxy.raw)
    found: PlaneFacts | None = context.cache.get(key)
    if found is None:
        found = PlaneFacts(
            target=target,
            provider=cluster.provider,
            servers=servers,
            oldest=min(servers, default=None),
            proxy=proxy,
        )
        if context.reuse:
            context.cache[key] = found
    context.cache[_SLOT] = (cluster, target, found)
    return found


_SLOT = ("plane-facts-slot",)  # one slot: a cluster's part rules run back to back


def addon_kube_proxy(cluster: ClusterInventory) -> KubeVersion | None:
    """The version of the cluster's kube-proxy add-on (running, else declared), if listed."""
    for addon in cluster.addons:
        if addon.name in ("kube-proxy", "kube-proxy-worker"):
            raw = addon.running_version or addon.version
            return None if raw is None else parsed(raw)
    return None


def pool_key(pool: NodePool) -> tuple[object, ...]:
    """What pool rules may read of a pool, as a memo key: every field but the node counts
    (a fleet's pools differ in them most; `node-pool-mixed-versions` reads them on its own).
    Versions by their text: their equality ignores it."""
    kubelet, proxy = pool.kubelet_version, pool.kube_proxy_version
    return (
        pool.id,
        pool.name,
        pool.role,
        None if kubelet is None else kubelet.raw,
        None if proxy is None else proxy.raw,
        pool.runtime,
        pool.runtime_version,
        pool.os_image,
        pool.kernel_version,
        tuple(pool.versions_seen),
    )


class PoolPartRule(ContextRule):
    """A rule whose findings are each about one node pool (`pool_drafts`); it reads the pool's
    node versions but not how many nodes run each (`pool_key`). A pool it fails on is its
    `rule-error` finding; the other pools are still judged."""

    info: ClassVar[RuleInfo]

    def pool_drafts(self, facts: PlaneFacts, pool: NodePool) -> Iterable[Draft]:
        raise NotImplementedError

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        facts = plane_facts(self.context, cluster, target)
        drafts = [
            d
            for pool in cluster.node_pools
            for d in each_rule((self,), methodcaller("pool_drafts", facts, pool))
        ]
        return stamp(cluster.key, drafts)


class GroupPartRule(ContextRule):
    """A rule whose findings are each about one add-on group (`addon_groups.keyed_groups`):
    the add-ons that findings name alike (`addon/<plan or canonical name>`)."""

    info: ClassVar[RuleInfo]

    def group_drafts(
        self, facts: PlaneFacts, name: str, addons: Sequence[Addon]
    ) -> Iterable[Draft]:
        raise NotImplementedError

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        facts = plane_facts(self.context, cluster, target)
        groups = keyed_groups(self.context, cluster, target)
        drafts = [
            d
            for name, (addons, _) in groups.items()
            for d in each_rule((self,), methodcaller("group_drafts", facts, name, addons))
        ]
        return stamp(cluster.key, drafts)


def each_rule(rules: Sequence[_R], ask: Callable[[_R], Iterable[Draft]]) -> tuple[Draft, ...]:
    """Every rule's drafts for one part (`ask(rule)`), in rule order; a rule that fails gives
    its error (the per-cluster boundary, as for whole-cluster rules)."""
    out: list[Draft] = []
    for rule in rules:
        try:
            out.extend(ask(rule))
        except Exception as exc:  # the per-cluster boundary
            out.append(rule_error(rule, exc))
    return tuple(out)


def rule_error(rule: Rule, exc: Exception) -> Draft:
    """The finding of a rule that raised on a cluster (or on one of its parts)."""
    return draft(
        rule.info,
        RULE_ERROR_COMPONENT,
        f"rule {rule.info.id} could not evaluate this cluster: {type(exc).__name__}: {exc}",
        severity=Severity.MEDIUM,
    )
