"""The rule contract: `RuleInfo` (the metadata every rule carries) and the `Rule` protocol.

A rule is one class in one family module under `kubedrift.policies.rules`. The engine builds
it once per evaluation with a `RuleContext` (the data every rule may read: the release
calendar, the add-on compatibility data, the removed-API table, the evaluation time) and then
calls `evaluate(cluster, target, now)` per cluster. Rules are pure: they read their arguments
and return findings, never touch the clock, files or the network.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from kubedrift.model.findings import Finding, FindingKey, Remedy, Severity, UpgradeStep
from kubedrift.model.unchecked import fields_set, model_slot_setters, unchecked

_T = TypeVar("_T")

if TYPE_CHECKING:
    from kubedrift.calendar import ReleaseCalendar
    from kubedrift.model.inventory import ClusterInventory
    from kubedrift.model.plan import Target
    from kubedrift.policies.compat import CompatData

DOCS_PAGE = "docs/rules.md"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What `kubedrift rules list` and `docs/rules.md` show for one rule.

    `id` is the stable kebab-case name used in finding keys, waivers and metric labels;
    `severity` the default (a rule may report lower or higher where its rationale says so);
    `family` the module that owns it. `needs_target` is False for rules that also hold for a
    cluster no plan group selects (skew, unknown versions, end of support). `platforms` names
    the orchestrators whose clusters the rule checks (`kubernetes`, `swarm`, `mesos`).
    """

    id: str
    title: str
    severity: Severity
    rationale: str
    family: str
    needs_target: bool = True
    platforms: tuple[str, ...] = ("kubernetes",)

    @property
    def anchor(self) -> str:
        """The heading anchor of this rule in docs/rules.md."""
        return self.id

    @property
    def docs(self) -> str:
        return f"{DOCS_PAGE}#{self.anchor}"


@dataclass(slots=True)
class RuleContext:
    """Data shared by every rule of one evaluation; `cache` holds per-run memo tables.

    `reuse` False computes every finding afresh (no drafts shared between clusters of one
    shape); the equivalence tests compare the two.

    `plan_paths` False leaves remedies as sentences without upgrade steps (the planner is the
    costly part of a fleet-wide run; a dashboard refresh may not need the steps). The cache
    lives only as long as one `evaluate` call, so keys may use `id()` of objects
    the caller keeps alive (the plan's targets) without going stale.
    """

    calendar: ReleaseCalendar
    compat: CompatData
    now: datetime
    plan_paths: bool = True
    cache: dict[Any, Any] = field(default_factory=dict)
    reuse: bool = True

    def remember(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """`compute()`, kept for the run under `key` unless `reuse` is off.

        `key` must hold everything `compute` reads except the cluster's identity (what is
        kept names no cluster), so clusters of one shape share it. `compute` must not
        return None.
        """
        if not self.reuse:
            return compute()
        found: _T | None = self.cache.get(key)
        if found is None:
            found = self.cache[key] = compute()
        return found

    def drafts(
        self, key: Hashable, compute: Callable[..., Iterable[Draft]], *args: Any
    ) -> tuple[Draft, ...]:
        """`compute(*args)`'s drafts as a tuple, kept like `remember`; `stamp` adds the cluster.

        The arguments are passed rather than bound in a closure: a fleet-wide run asks some
        10^5 times, nearly always for drafts already kept.
        """
        if not self.reuse:
            return tuple(compute(*args))
        found: tuple[Draft, ...] | None = self.cache.get(key)
        if found is None:
            found = self.cache[key] = tuple(compute(*args))
        return found


class Rule(Protocol):
    """One policy check; see the module docstring."""

    info: ClassVar[RuleInfo]

    def __init__(self, context: RuleContext) -> None: ...

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]: ...


class ContextRule:
    """Holds the evaluation's `RuleContext`: the constructor every built-in rule shares."""

    def __init__(self, context: RuleContext) -> None:
        self.context = context


# A finding without its cluster: (rule id, component, severity, summary, observed, expected,
# remedy). Rules compute drafts once per shape; `stamp` makes them one cluster's findings.
Draft = tuple[str, str, Severity, str, str | None, str | None, Remedy | None]


def draft(
    info: RuleInfo,
    component: str,
    summary: str,
    *,
    severity: Severity | None = None,
    observed: str | None = None,
    expected: str | None = None,
    remedy: Remedy | None = None,
) -> Draft:
    """What `make_finding` makes, minus the cluster; no text in it may name the cluster."""
    chosen = severity if severity is not None else info.severity
    return (info.id, component, chosen, summary, observed, expected, remedy)


def stamp(cluster: str, drafts: Iterable[Draft]) -> list[Finding]:
    """The findings of `drafts` for the cluster keyed `cluster`."""
    new, set_dict, set_fields, set_extra, set_private = object.__new__, *_SLOTS
    key_fields, finding_fields = _KEY_FIELDS, _FINDING_FIELDS
    out: list[Finding] = []
    for rule, component, severity, summary, observed, expected, remedy in drafts:
        key = new(FindingKey)
        set_dict(key, {"cluster": cluster, "rule": rule, "component": component})
        set_fields(key, key_fields)
        set_extra(key, None)
        set_private(key, None)
        finding = new(Finding)
        values: dict[str, Any] = {
            "key": key,
            "severity": severity,
            "summary": summary,
            "observed": observed,
            "expected": expected,
            "remedy": remedy,
            "waived_by": None,
        }
        set_dict(finding, values)
        set_fields(finding, finding_fields)
        set_extra(finding, None)
        set_private(finding, None)
        out.append(finding)
    return out


# Shared by every finding made here (frozen models never change them; see `unchecked`).
_KEY_FIELDS, _FINDING_FIELDS = fields_set(FindingKey), fields_set(Finding)
_SLOTS = model_slot_setters()


def make_finding(
    info: RuleInfo,
    cluster: ClusterInventory,
    component: str,
    summary: str,
    *,
    severity: Severity | None = None,
    observed: str | None = None,
    expected: str | None = None,
    remedy: Remedy | None = None,
) -> Finding:
    """A finding of rule `info` keyed by the cluster, the rule id and `component`."""
    made = draft(
        info,
        component,
        summary,
        severity=severity,
        observed=observed,
        expected=expected,
        remedy=remedy,
    )
    return stamp(cluster.key, (made,))[0]


def make_remedy(summary: str, steps: Iterable[UpgradeStep] = (), docs: str | None = None) -> Remedy:
    """A remedy, built like `make_finding` (its steps are validated models already)."""
    return unchecked(Remedy, {"summary": summary, "steps": tuple(steps), "docs": docs})
