"""The policy engine: `evaluate(plan, inventories, now, calendar) -> [Finding]`.

Pure: a function of its arguments (no I/O, no clock). For each cluster it finds the plan group
(the first whose selector matches), runs every rule against the group's target, applies the
plan's waivers and adds the plan-level findings: a cluster no group selects (only the rules
that need no target run for it), and waivers expiring within 14 days. Findings come back sorted
by cluster, then severity (worst first), rule and component; keys are unique.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from kubedrift.calendar import ReleaseCalendar
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.model.inventory import ClusterInventory, CollectionFailed, Platform
from kubedrift.model.plan import ClusterGroup, Target, VersionPlan
from kubedrift.model.selector import Selector
from kubedrift.model.selector_index import SelectorIndex
from kubedrift.policies.compat import CompatData, load_compat
from kubedrift.policies.gc_paused import collector_paused
from kubedrift.policies.rule_runner import RuleRunner
from kubedrift.policies.rules.base import Rule, RuleContext, make_finding, make_remedy
from kubedrift.policies.rules.meta import CLUSTER_NOT_IN_PLAN, VersionUnknown
from kubedrift.policies.rules.registry import rule_classes
from kubedrift.policies.waiver_book import WaiverBook

# What the target-free rules see for a cluster no group selects: the plan's defaults (end of
# support: provider calendar, 90 / 30 days) and a constraint admitting every version.
NO_TARGET = Target(kubernetes=">=0.0.0-0")


def evaluate(
    plan: VersionPlan,
    inventories: Iterable[ClusterInventory],
    now: datetime,
    calendar: ReleaseCalendar,
    *,
    compat: CompatData | None = None,
    rules: Sequence[type[Rule]] | None = None,
    plan_paths: bool = True,
    reuse: bool = True,
) -> list[Finding]:
    """Every finding for every cluster; see the module docstring.

    `plan_paths=False` gives remedies without upgrade steps (see `RuleContext`). `reuse=False`
    computes every cluster's findings afresh instead of sharing them between clusters of one
    shape (the same findings, slower; for the equivalence tests).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    context = RuleContext(
        calendar=calendar,
        compat=compat or load_compat(),
        now=now,
        plan_paths=plan_paths,
        reuse=reuse,
    )
    instances = [cls(context) for cls in (rules if rules is not None else rule_classes())]
    # Each platform's rules, and those of them that need no target.
    every: dict[str, RuleRunner] = {}
    target_free: dict[str, RuleRunner] = {}
    for platform in Platform:
        mine = [r for r in instances if platform in r.info.platforms]
        every[platform] = RuleRunner(context, mine)
        target_free[platform] = RuleRunner(context, [r for r in mine if not r.info.needs_target])
    waivers = WaiverBook(plan, now.date(), reuse=reuse)
    # Groups found in two stages (`SelectorIndex`), or group by group without reuse.
    group_for = SelectorIndex(plan.groups, _selector).first if reuse else plan.group_for
    by_cluster: dict[str, list[Finding]] = {}
    with collector_paused():
        for cluster in inventories:
            group = group_for(cluster)
            platform = cluster.platform
            if group is None:
                raw = [
                    _not_in_plan(cluster),
                    *target_free[platform].run(cluster, NO_TARGET, now),
                ]
            elif group.target.version_for(platform) is None:
                raw = [
                    _no_platform_target(cluster, group),
                    *target_free[platform].run(cluster, NO_TARGET, now),
                ]
            else:
                raw = every[platform].run(cluster, group.target, now)
            for finding in waivers.apply(cluster, group, _unique(raw)):
                by_cluster.setdefault(finding.key.cluster, []).append(finding)
        context.cache.clear()  # the run's memo tables go now, before the result is ordered
        # `_order`, one cluster at a time (stable sorts: the same order as one sort of all).
        return [
            finding
            for name in sorted(by_cluster)
            for finding in sorted(by_cluster[name], key=_within_cluster)
        ]


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per key: the worst when a rule reports a component twice."""
    # Keyed by the key's fields: hashing the model goes through pydantic.
    kept: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        fields = finding.key.__dict__
        key = (fields["cluster"], fields["rule"], fields["component"])
        other = kept.get(key)
        if other is None or finding.severity > other.severity:
            kept[key] = finding
    return list(kept.values())


def _order(finding: Finding) -> tuple[str, int, str, str]:
    key = finding.key
    return (key.cluster, -finding.severity.rank, key.rule, key.component)


def _within_cluster(finding: Finding) -> tuple[int, str, str]:
    key = finding.key
    return (_WORST_FIRST[finding.severity], key.rule, key.component)


_WORST_FIRST = {severity: -severity.rank for severity in Severity}


def _not_in_plan(cluster: ClusterInventory) -> Finding:
    ref = cluster.ref
    labels = ", ".join(f"{k}={v}" for k, v in sorted(ref.labels.items())) or "no labels"
    return make_finding(
        CLUSTER_NOT_IN_PLAN,
        cluster,
        "cluster",
        f"no target in the plan: no group selects {ref.name} ({ref.provider}, {labels})",
        observed=f"{ref.provider} {ref.region or '-'} {labels}",
        expected="selected by a plan group",
        remedy=make_remedy(summary="add a group (or a catch-all last group) that selects it"),
    )


_TARGET_FIELD = {"kubernetes": "kubernetes", "swarm": "docker_engine", "mesos": "mesos"}


def _no_platform_target(cluster: ClusterInventory, group: ClusterGroup) -> Finding:
    field = _TARGET_FIELD[cluster.platform]
    return make_finding(
        CLUSTER_NOT_IN_PLAN,
        cluster,
        "cluster",
        f"no target in the plan: group {group.name} selects this {cluster.platform} cluster "
        f"but sets no `{field}` version",
        observed=f"{cluster.platform} cluster in group {group.name}",
        expected=f"target.{field} in group {group.name}",
        remedy=make_remedy(
            summary=f"add `{field}:` to group {group.name}'s target, or narrow its selector "
            f"with `platform:`"
        ),
    )


def _selector(group: ClusterGroup) -> Selector:
    return group.selector


def collection_findings(failures: Iterable[CollectionFailed]) -> list[Finding]:
    """Clusters (or whole sources) that could not be collected: unknown, never compliant.

    Keyed like `version-unknown` findings (`inventory/collection`), so a failed cluster stays
    visible in a CI gate; a source-wide failure is keyed by `source/<name>`.
    """
    out: list[Finding] = []
    for failure in failures:
        cluster = failure.cluster.key if failure.cluster is not None else f"source/{failure.source}"
        what = failure.cluster.name if failure.cluster is not None else f"source {failure.source}"
        out.append(
            Finding(
                key=FindingKey(
                    cluster=cluster, rule=VersionUnknown.info.id, component="inventory/collection"
                ),
                severity=VersionUnknown.info.severity,
                summary=f"could not collect {what} ({failure.reason.value}): {failure.message}",
                observed=f"collection failed at {failure.at.isoformat()}",
                remedy=make_remedy(summary="fix the source's access and scan again"),
            )
        )
    return sorted(out, key=_order)
