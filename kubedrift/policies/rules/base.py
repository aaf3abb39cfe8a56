"""The rule contract: `RuleInfo` (the metadata every rule carries) and the `Rule` protocol.

A rule is one class in one family module under `kubedrift.policies.rules`. The engine builds
it once per evaluation with a `RuleContext` (the data every rule may read: the release
calendar, the add-on compatibility data, the removed-API table, the evaluation time) and then
calls `evaluate(cluster, target, now)` per cluster. Rules are pure: they read their arguments
and return findings, never touch the clock, files or the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from kubedrift.model.findings import Finding, FindingKey, Remedy, Severity

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
    cluster no plan group selects (skew, unknown versions, end of support).
    """

    id: str
    title: str
    severity: Severity
    rationale: str
    family: str
    needs_target: bool = True

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

    The cache lives only as long as one `evaluate` call, so keys may use `id()` of objects
    the caller keeps alive (the plan's targets) without going stale.
    """

    calendar: ReleaseCalendar
    compat: CompatData
    now: datetime
    cache: dict[Any, Any] = field(default_factory=dict)


class Rule(Protocol):
    """One policy check; see the module docstring."""

    info: ClassVar[RuleInfo]

    def __init__(self, context: RuleContext) -> None: ...

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]: ...


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
    return Finding(
        key=FindingKey(cluster=cluster.key, rule=info.id, component=component),
        severity=severity if severity is not None else info.severity,
        summary=summary,
        observed=observed,
        expected=expected,
        remedy=remedy,
    )
