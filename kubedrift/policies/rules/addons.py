"""Add-ons: compatible with the cluster's minor, on the plan's version, present, running.

Collectors report add-ons under their workload or provider names (`calico-node`,
`nginx-ingress-controller`, `terway-eniip`); the plan's names and aliases come first, then the
packaged data's names, so every finding is keyed `addon/<plan or canonical name>`. Versions are
judged on what runs (`running_version`), else on what is declared, and say which. The class of
an add-on for a minor is `kubedrift.policies.addon_classify.classify_addon`, the function the
upgrade-path planner uses, so findings and remedies agree; both pass the cluster's provider, so
a provider's own packaging of an upstream add-on (TKE's `nginx-ingress` add-on) is judged by
what its versions mean (`no compatibility data for TKE's nginx-ingress versions`), never as
an upstream version it is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import Addon, ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.model.upgrade_parts import AddonNeed
from kubedrift.policies.node_strategy import SELF_HOSTED
from kubedrift.policies.rules.addon_groups import (
    classified,
    keyed_groups,
    oldest_addon,
    shown_version,
)
from kubedrift.policies.rules.base import (
    ContextRule,
    Draft,
    RuleInfo,
    draft,
    make_remedy,
    stamp,
)
from kubedrift.policies.rules.parts import GroupPartRule, PlaneFacts
from kubedrift.versions import MinorVersion

_FAMILY = "addons"


class AddonIncompatible(GroupPartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-incompatible",
        title="Add-on not known to work with the cluster's Kubernetes minor",
        severity=Severity.HIGH,
        rationale=(
            "An add-on outside the versions its project tested with the cluster's minor (CNI, "
            "ingress) may break networking or traffic at the next restart. High when the "
            "packaged data lists other versions as tested with the minor; low when only older "
            "than the version kubeadm installs with it (CoreDNS: a recommendation); info when "
            "the data does not cover the running version, or when the provider versions its "
            "own packaging of the add-on in its own catalogue (TKE's nginx-ingress add-on): "
            "no compatibility data, never incompatible. kube-proxy: see skew-kube-proxy."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    def group_drafts(
        self, facts: PlaneFacts, name: str, addons: Sequence[Addon]
    ) -> Iterable[Draft]:
        if facts.oldest is None:
            return ()
        return self._drafts(name, addons, facts.oldest.minor_version, facts.provider)

    def _drafts(
        self, name: str, addons: Sequence[Addon], minor: MinorVersion, provider: str
    ) -> Iterator[Draft]:
        compat = self.context.compat.addons
        addon = oldest_addon(addons)
        facts = compat.facts(addon.name)
        # No facts at all (only its names are known): no claim either way, no finding.
        if facts is None or facts.follows_control_plane is not None:
            return
        if facts.kubeadm is None and not facts.tested:
            return
        decision = classified(self.context, addon, minor, provider)
        version, how = shown_version(addon)
        if decision.need is AddonNeed.NOT_NEEDED:
            return
        if decision.need is AddonNeed.REQUIRED:
            severity = self.info.severity
        elif decision.to_version is not None:
            severity = Severity.LOW
        else:
            severity = Severity.INFO
        yield draft(
            self.info,
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


class AddonMissing(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="addon-missing",
        title="Required add-on not installed",
        severity=Severity.HIGH,
        rationale=(
            "The plan marks some add-ons `required`; a cluster without one (under its name or "
            "an alias) lacks a component its group depends on. When the collector could not "
            "list add-ons, reported as low (could not determine); likewise on a managed "
            "cluster (ACK, TKE), whose add-ons are what the provider's add-on API lists (an "
            "add-on installed another way, by a Helm chart or a manifest, is not in that "
            "list), unless the list shows another add-on in the same role (flannel where the "
            "plan requires terway): then it is not installed."
        ),
        family=_FAMILY,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        required = self.context.remember(("addon-required", id(target)), lambda: _required(target))
        if not required:
            return ()
        groups = keyed_groups(self.context, cluster, target)
        if all(name in groups for name in required):
            return ()  # what `_drafts` would find: nothing missing
        unread = "addons" in cluster.unknown
        # A managed cluster's add-ons are what its provider's add-on API lists: one installed
        # another way (a Helm chart, a manifest) is not in that list.
        listed_by = None if cluster.provider in SELF_HOSTED else cluster.provider
        # What runs in each role (a CNI, a proxy): another add-on in the role is a fact.
        roles = tuple(sorted({(a.kind.value, a.name) for a in cluster.addons}))
        key = ("addon-missing", id(target), tuple(groups), unread, listed_by, roles)
        return stamp(
            cluster.key,
            self.context.drafts(key, self._drafts, target, groups.keys(), unread, listed_by, roles),
        )

    def _drafts(
        self,
        target: Target,
        groups: Iterable[str],
        unread: bool,
        listed_by: str | None,
        roles: tuple[tuple[str, str], ...],
    ) -> Iterator[Draft]:
        groups = set(groups)
        compat = self.context.compat.addons
        for name, wanted in target.addons.items():
            if not wanted.required or name in groups:
                continue
            names = ", ".join((name, *wanted.aliases))
            facts = compat.facts(name)
            instead = [n for kind, n in roles if facts is not None and kind == facts.kind]
            severity = Severity.LOW
            if unread:
                summary = f"could not determine whether {name} is installed: add-ons not read"
            elif listed_by is not None and not instead:
                summary = (
                    f"could not determine whether {name} is installed: it is not among the "
                    f"add-ons {listed_by.upper()} reports (looked for: {names}), which lists only "
                    "the add-ons it manages"
                )
            else:
                summary = f"required add-on {name} is not installed (looked for: {names})"
                if instead and facts is not None:
                    summary += f"; the cluster's {facts.kind} is {', '.join(instead)}"
                severity = self.info.severity
            install = f"install {name} {wanted.version or ''}".strip()
            if instead and facts is not None:
                # Another add-on holds the role (a CNI): not an install but a migration.
                install = (
                    f"replace {', '.join(instead)} with {name} (a migration of the cluster's "
                    f"{facts.kind}), or let the group's plan accept {', '.join(instead)}"
                )
            elif listed_by is not None and not unread:
                install = f"check that {name} runs in the cluster; {install} if it does not"
            yield draft(
                self.info,
                f"addon/{name}",
                summary,
                severity=severity,
                expected=wanted.version or "installed",
                remedy=make_remedy(summary=install),
            )


def _required(target: Target) -> tuple[str, ...]:
    return tuple(name for name, wanted in target.addons.items() if wanted.required)


class AddonNotRunning(GroupPartRule):
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

    def group_drafts(
        self, facts: PlaneFacts, name: str, addons: Sequence[Addon]
    ) -> Iterable[Draft]:
        return self._drafts(name, addons)

    def _drafts(self, name: str, addons: Sequence[Addon]) -> Iterator[Draft]:
        pending = [a for a in addons if a.pending]
        if not pending:
            return
        shown = "; ".join(
            f"{a.name} declared {a.version}, running {a.running_version}" for a in pending
        )
        yield draft(
            self.info,
            f"addon/{name}",
            f"{shown}: upgrade pending or stuck",
            observed=", ".join(str(a.running_version) for a in pending),
            expected=", ".join(str(a.version) for a in pending),
            remedy=make_remedy(
                summary="check the rollout (image pulls, disruption budgets) and finish it"
            ),
        )
