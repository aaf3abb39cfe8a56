"""The class of an add-on at one step of an upgrade path: required, optional or not needed.

`classify_addon` reads the compatibility table (`addon_compat`): the CoreDNS version kubeadm
installs per minor, tested ranges where a project publishes them, a provider's packaging of
an upstream add-on, and the plan's add-on target at the path's end. Where the data says
nothing, the reason says "no compatibility data": unknown is never compatible. kube-proxy's
class depends on the skew policy and the node pools, so the planner decides it
(`upgrade_addons`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubedrift.model.inventory import Addon
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed
from kubedrift.policies.addon_compat import AddonCompat, AddonFacts
from kubedrift.policies.addon_versions import (
    Upstream,
    numeric_version,
    running_version,
    upstream_text,
)
from kubedrift.versions import MinorVersion, admits


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
