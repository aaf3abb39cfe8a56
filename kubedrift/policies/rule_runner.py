"""Runs one list of rules on a cluster: whole-cluster rules one by one, part rules together.

A plane rule (`rules.plane_part`) reads the control plane alone; a part rule (`rules.parts`:
per node pool, per add-on group) reads one part and the cluster's `PlaneFacts`. With the run's
memo (`RuleContext.reuse`), the drafts of every such rule for one part are kept together under
one key, so a cluster costs one look-up per part instead of one per rule and part. Without it,
every rule's `evaluate` runs (the reference the equivalence tests compare with).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import methodcaller

from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.policies.rules.addon_groups import keyed_groups
from kubedrift.policies.rules.base import Draft, Rule, RuleContext, stamp
from kubedrift.policies.rules.parts import (
    GroupPartRule,
    PlaneFacts,
    PoolPartRule,
    each_rule,
    plane_facts,
    pool_key,
    rule_error,
)
from kubedrift.policies.rules.plane_part import PlanePartRule, plane_view


class RuleRunner:
    """`rules` (in order) over clusters, for one evaluation's `context`.

    Part drafts are kept under keys that hold the runner itself: another runner (other rules)
    keeps its own.
    """

    def __init__(self, context: RuleContext, rules: Sequence[Rule]) -> None:
        self.context = context
        self.rules = tuple(rules)
        self.planes = tuple(r for r in self.rules if isinstance(r, PlanePartRule))
        self.pools = tuple(r for r in self.rules if isinstance(r, PoolPartRule))
        self.groups = tuple(r for r in self.rules if isinstance(r, GroupPartRule))
        parts = PlanePartRule | PoolPartRule | GroupPartRule
        self.whole = tuple(r for r in self.rules if not isinstance(r, parts))

    def run(self, cluster: ClusterInventory, target: Target, now: datetime) -> list[Finding]:
        if not self.context.reuse:
            return _each(self.rules, cluster, target, now)
        found = _each(self.whole, cluster, target, now)
        if self.planes or self.pools or self.groups:
            found += stamp(cluster.key, self._part_drafts(cluster, target))
        return found

    def _part_drafts(self, cluster: ClusterInventory, target: Target) -> list[Draft]:
        """Every part rule's drafts for the cluster. What a stage shares (the plane view, the
        facts, the add-on groups) failing to be read is the error of each rule that reads it,
        as when each rule reads it itself (`reuse=False`)."""
        out: list[Draft] = []
        if self.planes:
            out += _guarded(self.planes, lambda: self._plane_drafts(cluster, target))
        if not (self.pools or self.groups):
            return out
        readers: tuple[Rule, ...] = (*self.pools, *self.groups)
        try:
            facts = plane_facts(self.context, cluster, target)
        except Exception as exc:  # the per-cluster boundary
            return out + [rule_error(rule, exc) for rule in readers]
        if self.pools:
            out += _guarded(self.pools, lambda: self._pool_drafts(cluster, facts))
        if self.groups:
            out += _guarded(self.groups, lambda: self._group_drafts(cluster, target, facts))
        return out

    def _plane_drafts(self, cluster: ClusterInventory, target: Target) -> Sequence[Draft]:
        view = plane_view(self.context, cluster, target)
        cache = self.context.cache
        kept: tuple[Draft, ...] | None = cache.get(planed := (self, view))
        if kept is None:
            kept = cache[planed] = each_rule(self.planes, methodcaller("plane_drafts", view))
        return kept

    def _pool_drafts(self, cluster: ClusterInventory, facts: PlaneFacts) -> list[Draft]:
        cache = self.context.cache
        out: list[Draft] = []
        for pool in cluster.node_pools:
            pooled = (self, facts, pool_key(pool))
            kept = cache.get(pooled)
            if kept is None:
                kept = cache[pooled] = each_rule(
                    self.pools, methodcaller("pool_drafts", facts, pool)
                )
            out += kept
        return out

    def _group_drafts(
        self, cluster: ClusterInventory, target: Target, facts: PlaneFacts
    ) -> list[Draft]:
        cache = self.context.cache
        out: list[Draft] = []
        for name, (addons, members) in keyed_groups(self.context, cluster, target).items():
            grouped = (self, facts, name, members)
            kept = cache.get(grouped)
            if kept is None:
                kept = cache[grouped] = each_rule(
                    self.groups, methodcaller("group_drafts", facts, name, addons)
                )
            out += kept
        return out


def _guarded(rules: Sequence[Rule], compute: Callable[[], Sequence[Draft]]) -> Sequence[Draft]:
    """`compute()`, or each of `rules`' error when what they share could not be read."""
    try:
        return compute()
    except Exception as exc:  # the per-cluster boundary
        return [rule_error(rule, exc) for rule in rules]


def _each(
    rules: Sequence[Rule], cluster: ClusterInventory, target: Target, now: datetime
) -> list[Finding]:
    out: list[Finding] = []
    for rule in rules:
        try:
            out.extend(rule.evaluate(cluster, target, now))
        except Exception as exc:  # the per-cluster boundary: one broken rule is one finding
            out += stamp(cluster.key, (rule_error(rule, exc),))
    return out
