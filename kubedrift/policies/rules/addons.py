"""Add-ons: compatible with the cluster's minor, on the plan's version, present, running.

Collectors report add-ons under their workload or provider names (`calico-node`,
`nginx-ingress-controller`, `terway-eniip`); the plan's names and aliases come first, then the
packaged data's names, so every finding is keyed `addon/<plan or canonical name>`. Versions are
judged on what runs (`running_version`), else on what is declared, and say which. The class of
an add-on for a minor is `kubedrift.policies.addon_compat.classify_addon`, the function the
upgrade-path planner uses, so findings and remedies agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import ClassVar

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import Addon, ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed
from kubedrift.policies.addon_compat import classify_addon, numeric_version, upstream_text
from kubedrift.policies.rules.base import RuleContext, RuleInfo, make_finding, make_remedy
from kubedrift.policies.rules.facts import addon_numbers, admitted, oldest_apiserver
from kubedrift.versions import MinorVersion

_FAMILY = "addons"


def addon_groups(
    context: RuleContext, cluster: ClusterInventory, target: Target
) -> dict[str, list[Addon]]:
    """The cluster's add-ons by the name findings use (plan name, else canonical name)."""
    # One slot: the add-on rules of one cluster run back to back.
    key = ("addon-groups",)
    slot = context.cache.get(key)
    if slot is not None and slot[0] is cluster and slot[1] is target:
        return slot[2]  # type: ignore[no-any-return]
    compat = context.compat.addons
    plan_names: dict[str, str] = {}
    for name, wanted in target.addons.items():
        for alias in (name, *wanted.aliases):
            plan_names.setdefault(alias, name)
        plan_names.setdefault(compat.canonical(name), name)
    groups: dict[str, list[Addon]] = {}
    for addon in cluster.addons:
        canonical = compat.canonical(addon.name)
        named = plan_names.get(addon.name) or plan_names.get(canonical) or canonical
        groups.setdefault(named, []).append(addon)
    context.cache[key] = (cluster, target, groups)
    return groups


def _classified(context: RuleContext, addon: Addon, minor: MinorVersion) -> AddonDecision:
    """`classify_addon` memoised for the run on everything it reads of the add-on."""
    key = (
        "classify",
        addon.name,
        addon.kind,
        addon.version,
        addon.running_version,
        addon.available_versions,
        minor,
    )
    found: AddonDecision | None = context.cache.get(key)
    if found is None:
        found = context.cache[key] = classify_addon(addon, minor, compat=context.compat.addons)
    return found


def _shown(addon: Addon) -> tuple[str | None, str]:
    """The version judged and how it was read."""
    if addon.running_version is not None:
        return addon.running_version, "running"
    if addon.version is not None:
        return addon.version, "declared; running version not collected"
    return None, "unknown"


def _oldest(addons: list[Addon]) -> Addon:
    def order(addon: Addon) -> tuple[int, int, int]:
        return addon_numbers(_shown(addon)[0]) or (-1, 0, 0)

    return min(addons, key=order)


class AddonIncompatible:
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-incompatible",
        title="Add-on not known to work with the cluster's Kubernetes minor",
        severity=Severity.HIGH,
        rationale=(
            "An add-on outside the versions its project tested with the cluster's minor (CNI, "
            "ingress) may break networking or traffic at the next restart. High when the "
            "packaged data lists other versions as tested with the minor; low when only older "
            "than the version kubeadm installs with it (CoreDNS: a recommendation); info when "
            "the data does not cover the running version. kube-proxy: see skew-kube-proxy."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    def __init__(self, context: RuleContext) -> None:
        self.context = context

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        current = oldest_apiserver(cluster)
        if current is None:
            return
        minor = current.minor_version
        compat = self.context.compat.addons
        for name, addons in addon_groups(self.context, cluster, target).items():
            addon = _oldest(addons)
            facts = compat.facts(addon.name)
            # No facts at all (only its names are known): no claim either way, no finding.
            if facts is None or facts.follows_control_plane is not None:
                continue
            if facts.kubeadm is None and not facts.tested:
                continue
            decision = _classified(self.context, addon, minor)
            version, how = _shown(addon)
            if decision.need is AddonNeed.NOT_NEEDED:
                continue
            if decision.need is AddonNeed.REQUIRED:
                severity = self.info.severity
            elif decision.to_version is not None:
                severity = Severity.LOW
            else:
                severity = Severity.INFO
            yield make_finding(
                self.info,
                cluster,
                f"addon/{name}",
                f"{addon.name} {version} ({how}) on {minor}: {decision.reason}",
                severity=severity,
                observed=version,
                expected=decision.to_version,
                remedy=make_remedy(
                    summary=f"move {addon.name} to {decision.to_version}"
                    if decision.to_version
                    else f"check {addon.name} against the provider's catalogue",
                    docs=decision.source,
                ),
            )


class AddonBehindPlan:
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-behind-plan",
        title="Add-on version outside the plan's constraint",
        severity=Severity.MEDIUM,
        rationale=(
            "The plan pins add-on versions per group (`target.addons.<name>.version`); an "
            "add-on outside that constraint drifts from what the group was tested with. An "
            "unreadable version is reported as low (could not determine)."
        ),
        family=_FAMILY,
    )

    def __init__(self, context: RuleContext) -> None:
        self.context = context

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        groups = addon_groups(self.context, cluster, target)
        for name, wanted in target.addons.items():
            addons = groups.get(name)
            if not addons or wanted.version is None:
                continue
            addon = _oldest(addons)
            version, how = _shown(addon)
            text = upstream_text(version)
            if text is None:
                yield make_finding(
                    self.info,
                    cluster,
                    f"addon/{name}",
                    f"could not determine the version of {addon.name} ({version or 'none'})",
                    severity=Severity.LOW,
                    observed=version,
                    expected=wanted.version,
                )
                continue
            if admitted(self.context, wanted.version, text):
                continue
            offered = [
                raw
                for raw in addon.available_versions
                if (u := upstream_text(raw)) is not None
                and admitted(self.context, wanted.version, u)
            ]
            goal = max(offered, key=lambda r: numeric_version(r) or (0, 0, 0)) if offered else None
            yield make_finding(
                self.info,
                cluster,
                f"addon/{name}",
                f"{addon.name} {version} ({how}) is outside the plan's {wanted.version}",
                observed=version,
                expected=wanted.version,
                remedy=make_remedy(
                    summary=f"move {addon.name} to {goal or wanted.version}"
                    + (" (offered by the provider)" if goal else "")
                ),
            )


class AddonMissing:
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-missing",
        title="Required add-on not installed",
        severity=Severity.HIGH,
        rationale=(
            "The plan marks some add-ons `required`; a cluster without one (under its name or "
            "an alias) lacks a component its group depends on. When the collector could not "
            "list add-ons, reported as low (could not determine)."
        ),
        family=_FAMILY,
    )

    def __init__(self, context: RuleContext) -> None:
        self.context = context

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        groups = addon_groups(self.context, cluster, target)
        unread = "addons" in cluster.unknown
        for name, wanted in target.addons.items():
            if not wanted.required or name in groups:
                continue
            names = ", ".join((name, *wanted.aliases))
            if unread:
                summary = f"could not determine whether {name} is installed: add-ons not read"
                severity = Severity.LOW
            else:
                summary = f"required add-on {name} is not installed (looked for: {names})"
                severity = self.info.severity
            yield make_finding(
                self.info,
                cluster,
                f"addon/{name}",
                summary,
                severity=severity,
                expected=wanted.version or "installed",
                remedy=make_remedy(summary=f"install {name} {wanted.version or ''}".strip()),
            )


class AddonNotRunning:
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-not-running",
        title="Add-on declared at one version but running another",
        severity=Severity.MEDIUM,
        rationale=(
            "The image that runs (read from the pods' image IDs) is what matters; a declared "
            "version that does not run means an upgrade pending or stuck (image pull failure, "
            "a rollout blocked by a disruption budget)."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    def __init__(self, context: RuleContext) -> None:
        self.context = context

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        for name, addons in addon_groups(self.context, cluster, target).items():
            pending = [a for a in addons if a.pending]
            if not pending:
                continue
            shown = "; ".join(
                f"{a.name} declared {a.version}, running {a.running_version}" for a in pending
            )
            yield make_finding(
                self.info,
                cluster,
                f"addon/{name}",
                f"{shown}: upgrade pending or stuck",
                observed=", ".join(str(a.running_version) for a in pending),
                expected=", ".join(str(a.version) for a in pending),
                remedy=make_remedy(
                    summary="check the rollout (image pulls, disruption budgets) and finish it"
                ),
            )
