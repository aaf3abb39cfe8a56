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
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from pydantic import BaseModel

from kubedrift.model.findings import Finding, FindingKey, Remedy, Severity, UpgradeStep

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
    key = _built(FindingKey, {"cluster": cluster.key, "rule": info.id, "component": component})
    return _built(
        Finding,
        {
            "key": key,
            "severity": severity if severity is not None else info.severity,
            "summary": summary,
            "observed": observed,
            "expected": expected,
            "remedy": remedy,
            "waived_by": None,
        },
    )


def make_remedy(summary: str, steps: Iterable[UpgradeStep] = (), docs: str | None = None) -> Remedy:
    """A remedy, built like `make_finding` (its steps are validated models already)."""
    return _built(Remedy, {"summary": summary, "steps": tuple(steps), "docs": docs})


_M = TypeVar("_M", bound=BaseModel)
_FIELDS_SET: dict[type[BaseModel], set[str]] = {}


def _built(model: type[_M], values: dict[str, Any]) -> _M:
    """An instance of `model` from a complete set of field values, without validation.

    What `model_construct` does, minus its per-field default handling: a fleet-wide run makes
    tens of thousands of findings from values that are already valid (validated inventories,
    the plan, the rules' own strings). Every field must be given; a test checks the result
    equals the validated model.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    # Shared per model: frozen models never change it, and model_copy makes a new one.
    fields_set = _FIELDS_SET.get(model)
    if fields_set is None:
        fields_set = _FIELDS_SET[model] = set(model.model_fields)
    object.__setattr__(instance, "__pydantic_fields_set__", fields_set)
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance
