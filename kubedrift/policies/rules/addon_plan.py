"""`addon-behind-plan`: an add-on outside the version its plan group pins.

The plan's add-on constraints name upstream versions. A provider's build is compared through
the upstream version it stands for (`addon_compat.yaml`'s provider packaging: ACK's CoreDNS
`v1.11.3.2-f57ea7ed6-aliyun` is 1.11.3); an add-on the provider versions in its own catalogue
(TKE's nginx-ingress), or a build that maps to no upstream version, has no comparable version:
an info finding says so, never "outside the plan".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from kubedrift.model.findings import Severity
from kubedrift.model.inventory import Addon
from kubedrift.model.plan import AddonTarget
from kubedrift.policies.addon_compat import AddonCompat, ProviderPackaging
from kubedrift.policies.addon_versions import numeric_version, upstream_text
from kubedrift.policies.rules.addon_groups import oldest_addon, shown_version
from kubedrift.policies.rules.base import (
    Draft,
    RuleInfo,
    draft,
    make_remedy,
)
from kubedrift.policies.rules.facts import admitted
from kubedrift.policies.rules.parts import GroupPartRule, PlaneFacts
from kubedrift.versions import KubeVersion


class AddonBehindPlan(GroupPartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-behind-plan",
        title="Add-on version outside the plan's constraint",
        severity=Severity.MEDIUM,
        rationale=(
            "The plan pins add-on versions per group (`target.addons.<name>.version`); an "
            "add-on outside that constraint drifts from what the group was tested with. The "
            "constraint names upstream versions: a provider's build is compared through the "
            "upstream version it stands for (ACK's `v1.11.3.2-f57ea7ed6-aliyun` is CoreDNS "
            "1.11.3, per addon_compat.yaml); a provider add-on versioned in the provider's own "
            "catalogue (TKE's nginx-ingress) has no comparable version and is reported as info, "
            "never as outside. An unreadable version is reported as low (could not determine). "
            "An add-on that follows the control plane (kube-proxy) is never sent past the API "
            "servers (the skew policy): outside a constraint the control plane itself has yet "
            "to reach, it is info, moving with the control plane; else its goal is the control "
            "plane's version (or an offered one not newer)."
        ),
        family="addon_plan",
    )

    def group_drafts(
        self, facts: PlaneFacts, name: str, addons: Sequence[Addon]
    ) -> Iterable[Draft]:
        wanted = facts.target.addons.get(name)
        if wanted is None or wanted.version is None:
            return ()
        return self._drafts(name, wanted, addons, facts.provider, facts.oldest)

    def _drafts(
        self,
        name: str,
        wanted: AddonTarget,
        addons: Sequence[Addon],
        provider: str,
        plane: KubeVersion | None,
    ) -> Iterator[Draft]:
        assert wanted.version is not None
        addon = oldest_addon(addons)
        version, how = shown_version(addon)
        packaging = self.context.compat.addons.packaging(addon.name, provider)
        read = upstream_text if packaging is None else packaging.upstream
        text = read(version)
        if text is None and packaging is not None and version is not None:
            yield _incomparable(
                self.info,
                self.context.compat.addons,
                name=name,
                addon=addon,
                version=version,
                constraint=wanted.version,
                packaging=packaging,
                provider=provider,
            )
            return
        if text is None:
            yield draft(
                self.info,
                f"addon/{name}",
                f"could not determine the version of {addon.name} ({version or 'none'})",
                severity=Severity.LOW,
                observed=version,
                expected=wanted.version,
            )
            return
        if admitted(self.context, wanted.version, text):
            return
        facts = self.context.compat.addons.facts(addon.name)
        follows = plane if facts is not None and facts.follows_control_plane else None
        if follows is not None and not admitted(self.context, wanted.version, _upstream(follows)):
            yield draft(
                self.info,
                f"addon/{name}",
                f"{addon.name} {version} ({how}) is outside the plan's {wanted.version}; it "
                f"follows the control plane, which is at {follows} and must move first",
                severity=Severity.INFO,
                observed=version,
                expected=wanted.version,
                remedy=make_remedy(
                    summary=f"upgrade the control plane first; {addon.name} moves with it at "
                    "the end of the upgrade path"
                ),
            )
            return
        offered = [
            raw
            for raw in addon.available_versions
            if (u := read(raw)) is not None
            and admitted(self.context, wanted.version, u)
            and (follows is None or _not_newer(u, follows))
        ]
        goal = (
            max(offered, key=lambda r: numeric_version(read(r)) or (0, 0, 0)) if offered else None
        )
        if goal is None and follows is not None:
            # Never newer than the API servers (the skew policy): the control plane's version.
            fix = f"move {addon.name} to {follows.raw}, the control plane's version"
        elif goal is not None:
            fix = f"move {addon.name} to {goal} (offered by the provider)"
        else:
            fix = f"move {addon.name} to {wanted.version}"
        yield draft(
            self.info,
            f"addon/{name}",
            f"{addon.name} {version} ({how}) is outside the plan's {wanted.version}",
            observed=version,
            expected=wanted.version,
            remedy=make_remedy(summary=fix),
        )


def _incomparable(
    info: RuleInfo,
    compat: AddonCompat,
    *,
    name: str,
    addon: Addon,
    version: str,
    constraint: str,
    packaging: ProviderPackaging,
    provider: str,
) -> Draft:
    """A provider's version that stands for no upstream one: the plan cannot judge it."""
    label = provider.upper()
    why = (
        f"{label} versions it in its own catalogue"
        if packaging.versions == "own"
        else f"{version} does not map to an upstream version"
    )
    return draft(
        info,
        f"addon/{name}",
        f"no comparable version: {label}'s {addon.name} {version} is not an upstream "
        f"version ({why}: {packaging.reason}); the plan's {constraint} names upstream "
        "versions",
        severity=Severity.INFO,
        observed=version,
        expected=constraint,
        remedy=make_remedy(
            summary=f"check {addon.name} against {label}'s add-on catalogue, or pin it in "
            "the plan by the upstream version it runs",
            docs=compat.cite(packaging.source),
        ),
    )


def _upstream(version: KubeVersion) -> str:
    """A Kubernetes version as the plan's constraints name it (no provider build)."""
    return f"{version.major}.{version.minor}.{version.patch}"


def _not_newer(upstream: str, plane: KubeVersion) -> bool:
    """Whether the add-on version `upstream` is not newer than the API server `plane`."""
    numbers = numeric_version(upstream)
    return numbers is not None and numbers[:2] <= (plane.major, plane.minor)
