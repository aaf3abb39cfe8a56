"""Add-on compatibility facts for upgrade paths, and the class of an add-on at one step.

Owns: the packaged table `data/addon_compat.yaml` (the CoreDNS version kubeadm installs per
Kubernetes minor, kube-proxy following the control plane, tested ranges where an add-on
project publishes them), each fact with its source; and `classify_addon`, which says whether
a step to a Kubernetes minor requires, recommends or does not need an add-on upgrade.

kube-proxy's class depends on the skew policy and the node pools, so the planner decides it
(`kubedrift.policies.upgrade_path`); this module only names its rule and source. Where the
data says nothing, the reason says "no compatibility data": unknown is never compatible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources

import yaml
from pydantic import Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.model.inventory import Addon
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed
from kubedrift.versions import MinorVersion, admits, parse_constraint

_LEADING = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


class CompatSource(Frozen):
    title: str
    url: str
    retrieved: date
    snapshot: str | None = None


class KubeadmVersions(Frozen):
    source: str
    versions: dict[str, str]


class TestedRange(Frozen):
    versions: str
    kubernetes: tuple[str, ...]
    source: str


class FollowsControlPlane(Frozen):
    source: str


class AddonFacts(Frozen):
    kind: str = "other"
    names: tuple[str, ...] = ()
    kubeadm: KubeadmVersions | None = None
    tested: tuple[TestedRange, ...] = ()
    follows_control_plane: FollowsControlPlane | None = None


class AddonCompat(Frozen):
    """The whole table, checked: every `source:` is listed, every constraint parses."""

    schema_version: int = Field(default=1, alias="schema")
    sources: dict[str, CompatSource] = Field(default_factory=dict)
    addons: dict[str, AddonFacts] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> AddonCompat:
        used: list[str] = []
        for facts in self.addons.values():
            used += [t.source for t in facts.tested]
            if facts.kubeadm is not None:
                used.append(facts.kubeadm.source)
                for minor in facts.kubeadm.versions:
                    MinorVersion.parse(minor)
            if facts.follows_control_plane is not None:
                used.append(facts.follows_control_plane.source)
            for tested in facts.tested:
                parse_constraint(tested.versions)
        missing = sorted({s for s in used if s not in self.sources})
        if missing:
            raise ValueError(f"unknown source id(s): {', '.join(missing)}")
        return self

    @cached_property
    def _names(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for name, facts in self.addons.items():
            table[name] = name
            for alias in facts.names:
                table.setdefault(alias, name)
        return table

    def canonical(self, name: str) -> str:
        """The table's name for a workload / provider name (`kube-proxy-worker` -> kube-proxy)."""
        return self._names.get(name, name)

    def facts(self, name: str) -> AddonFacts | None:
        return self.addons.get(self.canonical(name))

    def cite(self, source_id: str) -> str:
        found = self.sources.get(source_id)
        return source_id if found is None else f"{found.title} <{found.url}>"


@lru_cache(maxsize=1)
def load_addon_compat() -> AddonCompat:
    """The packaged table, read once per process (package data, the same for every run)."""
    text = (
        resources.files("kubedrift.policies")
        .joinpath("data", "addon_compat.yaml")
        .read_text("utf-8")
    )
    return AddonCompat.model_validate(yaml.safe_load(text))


def numeric_version(raw: str | None) -> tuple[int, int, int] | None:
    """The leading numbers of a free-form add-on version: `v1.9.3.10-7dfca203-aliyun` -> 1.9.3."""
    if raw is None:
        return None
    match = _LEADING.match(raw.strip())
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def upstream_text(raw: str | None) -> str | None:
    numbers = numeric_version(raw)
    return None if numbers is None else ".".join(str(n) for n in numbers)


def running_version(addon: Addon) -> str | None:
    """What runs (the image), else what is declared: policies judge what really runs."""
    return addon.running_version or addon.version


def _pick_available(addon: Addon, at_least: tuple[int, int, int]) -> str | None:
    """The provider's oldest offered build at or above `at_least` (the smallest safe move)."""
    candidates = [
        (numbers, raw)
        for raw in addon.available_versions
        if (numbers := numeric_version(raw)) is not None and numbers >= at_least
    ]
    return min(candidates)[1] if candidates else None


def _pick_admitted(addon: Addon, constraint: str) -> str | None:
    """The provider's newest offered build the plan's constraint admits."""
    candidates = []
    for raw in addon.available_versions:
        text = upstream_text(raw)
        numbers = numeric_version(raw)
        if text is not None and numbers is not None and admits(constraint, text):
            candidates.append((numbers, raw))
    return max(candidates)[1] if candidates else None


@dataclass(frozen=True, slots=True)
class _Base:
    """What every decision about one add-on shares."""

    name: str
    kind: str
    current: str | None

    def decide(
        self,
        *,
        need: AddonNeed,
        reason: str,
        to_version: str | None = None,
        source: str | None = None,
    ) -> AddonDecision:
        return AddonDecision(
            name=self.name,
            kind=self.kind,
            need=need,
            from_version=self.current,
            to_version=to_version,
            reason=reason,
            source=source,
        )


def classify_addon(
    addon: Addon,
    minor: MinorVersion,
    *,
    compat: AddonCompat,
    plan_target: AddonTarget | None = None,
) -> AddonDecision:
    """The class of `addon` when the control plane reaches `minor`.

    `plan_target` is the plan's add-on target; give it only for the path's last step (the
    plan speaks of the target, not of the minors on the way). kube-proxy is the planner's.
    """
    name = compat.canonical(addon.name)
    facts = compat.facts(addon.name)
    current = running_version(addon)
    numbers = numeric_version(current)
    base = _Base(addon.name, addon.kind.value, current)

    if plan_target is not None and plan_target.version is not None:
        constraint = plan_target.version
        text = upstream_text(current)
        if text is None or not admits(constraint, text):
            seen = "an unreadable version" if text is None else current
            if current is None:
                seen = "an unknown version"
            return base.decide(
                need=AddonNeed.REQUIRED,
                to_version=_pick_admitted(addon, constraint) or constraint,
                reason=f"the plan asks {name} {constraint} at {minor}; it runs {seen}",
                source="plan",
            )

    if facts is None or (facts.kubeadm is None and not facts.tested):
        return base.decide(
            need=AddonNeed.OPTIONAL,
            reason=(
                f"no compatibility data for {name} with Kubernetes {minor}: check the "
                "provider's add-on catalogue before this step"
            ),
        )

    tested = _tested_decision(addon, minor, facts=facts, compat=compat, base=base)
    if tested is not None:
        return tested

    assert facts.kubeadm is not None  # no tested verdict and no kubeadm table returned above
    wanted = facts.kubeadm.versions.get(str(minor))
    source = compat.cite(facts.kubeadm.source)
    if wanted is None:
        return base.decide(
            need=AddonNeed.OPTIONAL,
            reason=f"no compatibility data for {name} with Kubernetes {minor} in the kubeadm table",
            source=source,
        )
    wanted_numbers = numeric_version(wanted)
    assert wanted_numbers is not None  # the table holds plain versions
    if numbers is None:
        return base.decide(
            need=AddonNeed.OPTIONAL,
            to_version=_pick_available(addon, wanted_numbers) or wanted,
            reason=f"running version unknown; kubeadm installs {name} {wanted} with {minor}",
            source=source,
        )
    if numbers >= wanted_numbers:
        return base.decide(
            need=AddonNeed.NOT_NEEDED,
            to_version=current,
            reason=f"at or above {wanted}, the version kubeadm installs with {minor}",
            source=source,
        )
    return base.decide(
        need=AddonNeed.OPTIONAL,
        to_version=_pick_available(addon, wanted_numbers) or wanted,
        reason=(
            f"kubeadm installs {name} {wanted} with {minor}; {current} keeps working "
            "(the table is a recommendation, not a limit)"
        ),
        source=source,
    )


def _tested_decision(
    addon: Addon, minor: MinorVersion, *, facts: AddonFacts, compat: AddonCompat, base: _Base
) -> AddonDecision | None:
    """Required when the running version is not tested with `minor` but another one is."""
    if not facts.tested:
        return None
    name = compat.canonical(addon.name)
    covering = [t for t in facts.tested if str(minor) in t.kubernetes]
    source = compat.cite(facts.tested[0].source)
    if not covering:
        return base.decide(
            need=AddonNeed.OPTIONAL,
            reason=f"no compatibility data for {name} with Kubernetes {minor}",
            source=source,
        )
    text = upstream_text(base.current)
    if text is not None and any(admits(t.versions, text) for t in covering):
        return base.decide(
            need=AddonNeed.NOT_NEEDED,
            to_version=base.current,
            reason=f"{base.current} is tested with Kubernetes {minor}",
            source=source,
        )
    ranges = ", ".join(t.versions for t in covering)
    offered = [
        raw
        for raw in addon.available_versions
        if (u := upstream_text(raw)) is not None and any(admits(t.versions, u) for t in covering)
    ]
    return base.decide(
        need=AddonNeed.REQUIRED,
        to_version=min(offered, key=lambda r: numeric_version(r) or (0, 0, 0))
        if offered
        else ranges,
        reason=(
            f"{base.current or 'an unknown version'} is not listed as tested with "
            f"Kubernetes {minor}; tested: {ranges}"
        ),
        source=source,
    )
