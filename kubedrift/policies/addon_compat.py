"""Add-on compatibility facts, and the class of an add-on at one step.

Owns: the packaged table `data/addon_compat.yaml`, the one table the rules
(`kubedrift.policies.compat`) and the upgrade-path planner read (the CoreDNS version kubeadm
installs per Kubernetes minor, kube-proxy following the control plane, tested ranges where an
add-on project publishes them, and how a provider packages an upstream add-on), each fact
with its source; and `classify_addon`, which says whether a step to a Kubernetes minor
requires, recommends or does not need an add-on upgrade.

Add-on identity is provider-aware: a provider's own packaging of an upstream add-on (ACK's
`nginx-ingress-controller` `v1.10.4-aliyun.1`, TKE's `nginx-ingress` add-on) is judged by the
upstream tables only when its version maps to an upstream one; a provider's own catalogue
versions get "no compatibility data", never "incompatible".

kube-proxy's class depends on the skew policy and the node pools, so the planner decides it
(`kubedrift.policies.upgrade_path`); this module only names its rule and source. Where the
data says nothing, the reason says "no compatibility data": unknown is never compatible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.model.inventory import Addon
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed
from kubedrift.versions import MinorVersion, admits, parse_constraint
from kubedrift.yamldoc import load_document

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


class ProviderPackaging(Frozen):
    """How one provider packages an upstream add-on, and whether its versions are upstream's.

    `upstream`: the provider's version maps to the upstream one, through `match` (a regular
    expression the whole version must match, its first group the upstream version) or, without
    `match`, through its leading numbers. `own`: the provider versions the add-on in its own
    catalogue, so no upstream table applies.
    """

    names: tuple[str, ...] = Field(min_length=1)
    versions: Literal["upstream", "own"]
    match: str | None = None
    reason: str = Field(min_length=1)
    source: str

    @model_validator(mode="after")
    def _pattern(self) -> ProviderPackaging:
        if self.match is not None:
            if self.versions == "own":
                raise ValueError("`match` maps to upstream versions: not with `versions: own`")
            if re.compile(self.match).groups < 1:
                raise ValueError(f"`match` {self.match!r} has no group for the upstream version")
        return self

    def upstream(self, raw: str | None) -> str | None:
        """The upstream version `raw` stands for, or None when it maps to none."""
        if raw is None or self.versions == "own":
            return None
        if self.match is None:
            return upstream_text(raw)
        found = re.fullmatch(self.match, raw.strip())
        return None if found is None else upstream_text(found.group(1))


class AddonFacts(Frozen):
    kind: str = "other"
    names: tuple[str, ...] = ()
    kubeadm: KubeadmVersions | None = None
    tested: tuple[TestedRange, ...] = ()
    follows_control_plane: FollowsControlPlane | None = None
    providers: dict[str, ProviderPackaging] = Field(default_factory=dict)


class AddonCompat(Frozen):
    """The whole table, checked: every `source:` is listed, every constraint parses."""

    schema_version: int = Field(default=1, alias="schema")
    sources: dict[str, CompatSource] = Field(default_factory=dict)
    addons: dict[str, AddonFacts] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> AddonCompat:
        used: list[str] = []
        owner: dict[str, str] = {}
        for name, facts in self.addons.items():
            for alias in dict.fromkeys((name, *facts.names)):
                if owner.setdefault(alias, name) != name:
                    raise ValueError(f"name {alias!r} is given to {owner[alias]} and {name}")
            for provider, packaging in facts.providers.items():
                used.append(packaging.source)
                stray = [n for n in packaging.names if n != name and n not in facts.names]
                if stray:
                    raise ValueError(
                        f"{name}: {provider}'s name(s) {', '.join(stray)} are not among its names"
                    )
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

    def packaging(self, name: str, provider: str | None) -> ProviderPackaging | None:
        """`provider`'s own packaging of the add-on named `name`, when the table describes it."""
        facts = self.facts(name)
        if facts is None or provider is None:
            return None
        found = facts.providers.get(provider)
        return found if found is not None and name in found.names else None

    def cite(self, source_id: str) -> str:
        found = self.sources.get(source_id)
        return source_id if found is None else f"{found.title} <{found.url}>"


PACKAGED_FILE = "addon_compat.yaml"


def merge_addon_tables(*tables: Mapping[str, Any]) -> AddonCompat:
    """One `AddonCompat` from several tables; an add-on or source id given twice is an error."""
    sources: dict[str, Any] = {}
    addons: dict[str, Any] = {}
    for table in tables:
        for kind, into in (("sources", sources), ("addons", addons)):
            for key, value in (table.get(kind) or {}).items():
                if key in into:
                    raise ValueError(f"add-on data: {kind[:-1]} {key!r} is described twice")
                into[key] = value
    return AddonCompat.model_validate({"schema": 1, "sources": sources, "addons": addons})


def parse_addon_table(text: str, file: str = PACKAGED_FILE) -> AddonCompat:
    """The table in `text`; a key written twice (one fact given twice) is an error."""
    document, problems = load_document(text, f"kubedrift/policies/data/{file}")
    if problems:
        raise ValueError("; ".join(p.render() for p in problems))
    if document is None or not isinstance(document.data, dict):
        raise ValueError(f"kubedrift/policies/data/{file}: expected a mapping")
    return AddonCompat.model_validate(document.data)


@lru_cache(maxsize=1)
def load_addon_compat() -> AddonCompat:
    """The packaged table, read once per process (package data, the same for every run)."""
    text = resources.files("kubedrift.policies").joinpath("data", PACKAGED_FILE).read_text("utf-8")
    return parse_addon_table(text)


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


Upstream = Callable[[str | None], str | None]
"""Reads an add-on's version as the upstream version it stands for (None: none, or unknown)."""


def _pick_available(
    addon: Addon, at_least: tuple[int, int, int], read: Upstream = upstream_text
) -> str | None:
    """The provider's oldest offered build at or above `at_least` (the smallest safe move)."""
    candidates = [
        (numbers, raw)
        for raw in addon.available_versions
        if (numbers := numeric_version(read(raw))) is not None and numbers >= at_least
    ]
    return min(candidates)[1] if candidates else None


def _pick_admitted(addon: Addon, constraint: str, read: Upstream = upstream_text) -> str | None:
    """The provider's newest offered build whose upstream version the plan's constraint admits."""
    candidates = []
    for raw in addon.available_versions:
        text = read(raw)
        numbers = numeric_version(text)
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
    provider: str | None = None,
) -> AddonDecision:
    """The class of `addon` when the control plane reaches `minor`.

    `plan_target` is the plan's add-on target; give it only for the path's last step (the
    plan speaks of the target, not of the minors on the way). `provider` is the cluster's
    (`ack`, `tke`, ...): a provider's own packaging of an upstream add-on is judged by the
    upstream tables only when its version maps to an upstream one. kube-proxy is the planner's.
    """
    name = compat.canonical(addon.name)
    facts = compat.facts(addon.name)
    current = running_version(addon)
    base = _Base(addon.name, addon.kind.value, current)
    packaging = compat.packaging(addon.name, provider)
    read: Upstream = upstream_text if packaging is None else packaging.upstream

    # The plan's constraints name upstream versions: a provider's version is compared through
    # the upstream one it maps to; one that maps to none is not compared (no comparable one).
    unmapped = current is not None and read(current) is None
    comparable = packaging is None or (packaging.versions == "upstream" and not unmapped)
    if plan_target is not None and plan_target.version is not None and comparable:
        constraint = plan_target.version
        text = read(current)
        if text is None or not admits(constraint, text):
            seen = "an unreadable version" if text is None else current
            if current is None:
                seen = "an unknown version"
            return base.decide(
                need=AddonNeed.REQUIRED,
                to_version=_pick_admitted(addon, constraint, read) or constraint,
                reason=f"the plan asks {name} {constraint} at {minor}; it runs {seen}",
                source="plan",
            )

    if packaging is not None and not comparable:
        assert provider is not None  # a packaging is only found for a provider
        how = "versions" if packaging.versions == "own" else f"version {current}"
        reason = (
            f"no compatibility data for {provider.upper()}'s {addon.name} {how}: "
            f"{packaging.reason}; check it against the provider's add-on catalogue"
        )
        if plan_target is not None and plan_target.version is not None:
            reason += (
                f" (the plan's {plan_target.version} names upstream versions: no comparable "
                "version)"
            )
        return base.decide(
            need=AddonNeed.OPTIONAL, reason=reason, source=compat.cite(packaging.source)
        )
    # An unknown version (`current` None) under a mapped packaging falls through as unknown.

    if facts is None or (facts.kubeadm is None and not facts.tested):
        return base.decide(
            need=AddonNeed.OPTIONAL,
            reason=(
                f"no compatibility data for {name} with Kubernetes {minor}: check the "
                "provider's add-on catalogue before this step"
            ),
        )

    tested = _tested_decision(addon, minor, facts=facts, compat=compat, base=base, read=read)
    if tested is not None:
        return tested
    numbers = numeric_version(read(current))

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
            to_version=_pick_available(addon, wanted_numbers, read) or wanted,
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
        to_version=_pick_available(addon, wanted_numbers, read) or wanted,
        reason=(
            f"kubeadm installs {name} {wanted} with {minor}; {current} keeps working "
            "(the table is a recommendation, not a limit)"
        ),
        source=source,
    )


def _tested_decision(
    addon: Addon,
    minor: MinorVersion,
    *,
    facts: AddonFacts,
    compat: AddonCompat,
    base: _Base,
    read: Upstream = upstream_text,
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
    text = read(base.current)
    if text is not None and any(admits(t.versions, text) for t in covering):
        return base.decide(
            need=AddonNeed.NOT_NEEDED,
            to_version=base.current,
            reason=f"{base.current} is tested with Kubernetes {minor}",
            source=source,
        )
    if text is not None and _in_a_gap(text, facts):
        # A release between two the table describes (one whose project page was not read):
        # what it was tested with is unknown, never "untested". Releases older than the
        # table's first row stay "not listed as tested": the table starts after them.
        described = ", ".join(t.versions for t in facts.tested)
        return base.decide(
            need=AddonNeed.OPTIONAL,
            reason=(
                f"no compatibility data for {name} {base.current}: the packaged table describes "
                f"{described} only; check the project's page for {minor}"
            ),
            source=source,
        )
    ranges = ", ".join(t.versions for t in covering)
    offered = [
        raw
        for raw in addon.available_versions
        if (u := read(raw)) is not None and any(admits(t.versions, u) for t in covering)
    ]
    return base.decide(
        need=AddonNeed.REQUIRED,
        to_version=min(offered, key=lambda r: numeric_version(read(r)) or (0, 0, 0))
        if offered
        else ranges,
        reason=(
            f"{base.current or 'an unknown version'} is not listed as tested with "
            f"Kubernetes {minor}; tested: {ranges}"
        ),
        source=source,
    )


def _in_a_gap(text: str, facts: AddonFacts) -> bool:
    """`text` is described by no `tested` range but is newer than a release one describes."""
    if any(admits(t.versions, text) for t in facts.tested):
        return False
    numbers = numeric_version(text)
    return numbers is not None and any(
        (first := _first_release(t.versions)) is not None and first < numbers for t in facts.tested
    )


def _first_release(constraint: str) -> tuple[int, int, int] | None:
    """The oldest release a `tested` range names (its first version), as numbers."""
    return numeric_version(constraint.lstrip("~^>=< "))
