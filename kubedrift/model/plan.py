"""The unified version plan: which clusters should run what, how late they may be, and who
may be excused.

A `VersionPlan` holds ordered cluster groups (a cluster belongs to the **first** group whose
selector matches it), each with a `Target` (model/target.py): the Kubernetes version, the
allowed lag, the end-of-support warning windows, add-on versions and a node-pool policy.
Groups roll out in `waves`; `waivers` excuse findings until a required expiry date.
Cross-references (wave names, waiver groups, unique names) are checked when the plan is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fnmatch import fnmatchcase
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from kubedrift.model.base import Frozen
from kubedrift.model.plan_fields import Duration, Name, RuleId
from kubedrift.model.selector import ClusterIdentity, Selector, WaiverSelector
from kubedrift.model.target import AddonTarget, Lag, NodePoolPolicy, SupportWindowPolicy, Target

# What a group's clusters should run is defined in model/target.py; it is part of the plan.
__all__ = [
    "SUPPORTED_VERSIONS",
    "AddonTarget",
    "ClusterGroup",
    "Gate",
    "Lag",
    "NodePoolPolicy",
    "RolloutWave",
    "SupportWindowPolicy",
    "Target",
    "VersionPlan",
    "Waiver",
]

SUPPORTED_VERSIONS = (1,)


class ClusterGroup(Frozen):
    """A set of clusters that share a target, an owner and a rollout wave."""

    name: Name = Field(description="Unique group name; findings and metrics carry it.")
    description: str | None = Field(default=None, description="Free text for readers.")
    owner: str | None = Field(
        default=None, description="Team or contact responsible; used to route alerts."
    )
    selector: Selector = Field(
        default_factory=Selector, description="Which clusters; empty selects every cluster."
    )
    target: Target = Field(description="What the group's clusters should run.")
    wave: Name | None = Field(default=None, description="The rollout wave this group is in.")


Gate = Literal[
    "previous-wave-compliant", "no-critical-findings", "no-high-findings", "manual-approval"
]


class RolloutWave(Frozen):
    """One step of a fleet-wide rollout, e.g. staging, then canary, then production."""

    name: Name = Field(description="Unique wave name; groups name it in `wave`.")
    order: int | None = Field(
        default=None, ge=0, description="Position in the rollout; list order when omitted."
    )
    soak: Duration | None = Field(
        default=None, description="How long a finished wave runs before the next may start."
    )
    gates: tuple[Gate, ...] = Field(
        default=(), description="Conditions before this wave may start."
    )
    max_parallel: int | None = Field(
        default=None, ge=1, description="Clusters upgraded at the same time within the wave."
    )
    not_before: date | None = Field(default=None, description="Do not start before this day.")
    description: str | None = Field(default=None, description="Free text for readers.")


class Waiver(Frozen):
    """An accepted exception: findings it covers are reported as waived until it expires."""

    id: Name | None = Field(default=None, description="Shown as `waived_by`; unique.")
    rule: RuleId = Field(description="Rule id in kebab-case; globs allowed (addon-*).")
    selector: WaiverSelector = Field(description="Clusters covered: groups, name globs, labels.")
    component: str | None = Field(
        default=None, description="Component glob (addon/coredns, node-pool/*); all if omitted."
    )
    reason: str = Field(min_length=1, description="Why the risk is accepted.")
    owner: str = Field(min_length=1, description="Who accepted the risk.")
    expires: date = Field(description="Last day the waiver holds (YYYY-MM-DD); required.")
    ticket: str | None = Field(default=None, description="Tracking ticket or link.")

    def active_on(self, day: date) -> bool:
        """A waiver holds up to and including its expiry date."""
        return day <= self.expires


class VersionPlan(Frozen):
    """The fleet's version plan, as read from plan.yaml."""

    version: int = Field(
        description="Plan format version; this kubedrift reads 1.",
        json_schema_extra={"enum": list(SUPPORTED_VERSIONS)},
    )
    groups: tuple[ClusterGroup, ...] = Field(
        min_length=1, description="Cluster groups; a cluster belongs to the first that selects it."
    )
    waves: tuple[RolloutWave, ...] = Field(default=(), description="Rollout order of the groups.")
    waivers: tuple[Waiver, ...] = Field(
        default=(), description="Accepted exceptions, each with an expiry date."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _supported(cls, value: object) -> object:
        if type(value) is int and value in SUPPORTED_VERSIONS:
            return value
        supported = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise ValueError(f"unsupported plan format version {value!r}: expected {supported}")

    @model_validator(mode="after")
    def _cross_references(self) -> VersionPlan:
        errors = _cross_reference_errors(self)
        if errors:
            raise ValidationError.from_exception_data("VersionPlan", errors)
        return self

    def group_for(self, cluster: ClusterIdentity) -> ClusterGroup | None:
        """The first group whose selector matches the cluster."""
        for group in self.groups:
            if group.selector.matches(cluster):
                return group
        return None

    def waves_in_order(self) -> tuple[RolloutWave, ...]:
        indexed = enumerate(self.waves)
        ordered = sorted(indexed, key=lambda iw: iw[1].order if iw[1].order is not None else iw[0])
        return tuple(wave for _, wave in ordered)

    def waivers_for(
        self, rule: str, component: str, cluster: ClusterIdentity, day: date
    ) -> tuple[Waiver, ...]:
        """Live waivers covering a finding of `rule` on `component` of `cluster`."""
        group = self.group_for(cluster)
        return tuple(
            w
            for w in self.waivers
            if w.active_on(day)
            and w.selector.covers_cluster(cluster, group.name if group else None)
            and fnmatchcase(rule, w.rule)
            and (w.component is None or fnmatchcase(component, w.component))
        )


def _error(loc: tuple[str | int, ...], value: object, message: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("value_error", "{error}", {"error": message}),
        loc=loc,
        input=value,
    )


def _duplicates(
    kind: str, names: Mapping[int, str | None], loc: tuple[str | int, ...]
) -> list[InitErrorDetails]:
    errors = []
    first: dict[str, int] = {}
    for index, name in names.items():
        if name is None:
            continue
        if name in first:
            message = f"duplicate {kind} name {name!r}: also {loc[0]}[{first[name]}]"
            errors.append(
                _error((*loc, index, "name" if kind != "waiver" else "id"), name, message)
            )
        else:
            first[name] = index
    return errors


def _cross_reference_errors(plan: VersionPlan) -> list[InitErrorDetails]:
    errors = _duplicates("group", dict(enumerate(g.name for g in plan.groups)), ("groups",))
    errors += _duplicates("wave", dict(enumerate(w.name for w in plan.waves)), ("waves",))
    errors += _duplicates("waiver", dict(enumerate(w.id for w in plan.waivers)), ("waivers",))
    waves = [w.name for w in plan.waves]
    for index, group in enumerate(plan.groups):
        if group.wave is not None and group.wave not in waves:
            known = ", ".join(waves) if waves else "none: add a `waves:` list"
            message = f"expected the name of a wave ({known}), found {group.wave!r}"
            errors.append(_error(("groups", index, "wave"), group.wave, message))
    orders: dict[int, int] = {}
    for index, wave in enumerate(plan.waves):
        if wave.order is not None:
            if wave.order in orders:
                other = orders[wave.order]
                message = f"expected a unique order, found {wave.order} (also waves[{other}])"
                errors.append(_error(("waves", index, "order"), wave.order, message))
            orders.setdefault(wave.order, index)
    groups = [g.name for g in plan.groups]
    for index, waiver in enumerate(plan.waivers):
        for position, name in enumerate(waiver.selector.group or ()):
            if name not in groups:
                message = f"expected the name of a group ({', '.join(groups)}), found {name!r}"
                loc: tuple[str | int, ...] = ("waivers", index, "selector", "group", position)
                errors.append(_error(loc, name, message))
    return errors
