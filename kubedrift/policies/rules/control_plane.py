"""Control plane against its group's target: minor lag, patch lag, ahead, target not offered.

The control plane is measured by its oldest API server for "behind" and its newest for
"ahead" (an HA control plane mid-upgrade is as far along as its slowest member). A target
that is a constraint is met by any minor it admits; the allowed lag counts below the oldest
admitted minor at or above the cluster's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import ClassVar

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.policies.rules.base import (
    ContextRule,
    Draft,
    RuleInfo,
    draft,
    make_remedy,
    stamp,
)
from kubedrift.policies.rules.facts import (
    MANAGED_PROVIDERS,
    admitted,
    minors_apart,
    plural,
    target_facts,
)
from kubedrift.policies.rules.plane_part import PlanePartRule, PlaneView, plane_view
from kubedrift.policies.rules.remedy import upgrade_remedy
from kubedrift.versions import KubeVersion, MinorVersion, parse_version

COMPONENT = "control-plane"
_FAMILY = "control_plane"


class ControlPlaneMinorLag(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="control-plane-minor-lag",
        title="Control plane minor version behind the target",
        severity=Severity.HIGH,
        rationale=(
            "Every minor a cluster trails its target is one more upgrade (control planes move "
            "one minor at a time) and brings it closer to end of support. Within the plan's "
            "`allowed_lag.minors` it is reported as info; beyond it at this severity, or low "
            "during the `allowed_lag.days` after `target.since`."
        ),
        family=_FAMILY,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        current = plane_view(self.context, cluster, target).oldest
        if current is None:
            return ()
        key = ("cp-minor-lag", id(target), current.raw)
        found = self.context.remember(key, lambda: self._lag(current, target, now))
        if not found:
            return ()
        made, goal, text = found
        remedy = upgrade_remedy(self.context, cluster, goal, text, target)
        return stamp(cluster.key, ((*made[:6], remedy),))

    def _lag(
        self, current: KubeVersion, target: Target, now: datetime
    ) -> tuple[Draft, MinorVersion, str] | tuple[()]:
        """The finding (its remedy left to the planner), the goal and the remedy's text."""
        facts = target_facts(self.context, target)
        goal = facts.next_admitted(current.minor_version)
        if goal is None:
            return ()  # ahead of every admitted minor (or none admitted): control-plane-ahead
        behind = minors_apart(goal, current.minor_version)
        if not behind:
            return ()
        lag = target.allowed_lag
        expected = f"{facts.describe()} (target {target.kubernetes!r}, allowed lag {lag.minors})"
        if behind <= lag.minors:
            severity = Severity.INFO
            why = "within the allowed lag"
        else:
            severity = self.info.severity
            why = f"allowed lag is {plural(lag.minors, 'minor')}"
            if target.since is not None:
                deadline = target.since + timedelta(days=lag.days)
                if now.date() < deadline:
                    severity = Severity.LOW
                    why += f"; catch-up period runs to {deadline.isoformat()}"
        summary = (
            f"control plane {current} is {plural(behind, 'minor')} behind the target {goal} ({why})"
        )
        made = draft(
            self.info,
            COMPONENT,
            summary,
            severity=severity,
            observed=str(current),
            expected=expected,
        )
        return made, goal, f"upgrade the control plane to {goal}, one minor per step"


class ControlPlanePatchLag(PlanePartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="control-plane-patch-lag",
        title="Control plane patch release behind the newest of its minor",
        severity=Severity.MEDIUM,
        rationale=(
            "Patch releases carry bug and security fixes and are always worth taking. The newest "
            "patch is read from the provider's offered versions when collected live, else from "
            "the release calendar (the provider's for ACK/TKE, upstream otherwise); a cluster "
            "more than `allowed_lag.patches` behind, or on a patch the target's constraint "
            "rejects, is reported. Unknown newest patch: reported as info."
        ),
        family=_FAMILY,
    )

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        if view.oldest is None:
            return ()
        return self._drafts(view, view.oldest, view.target)

    def _drafts(self, view: PlaneView, current: KubeVersion, target: Target) -> Iterator[Draft]:
        limit = target.allowed_lag.patches
        facts = target_facts(self.context, target)
        if current.minor_version not in facts.admitted:
            return  # a minor off target is the minor-lag / ahead rules' finding
        if not admitted(self.context, target.constraint, current):
            yield draft(
                self.info,
                COMPONENT,
                f"control plane {current} is on the target minor but the target "
                f"{target.kubernetes!r} does not admit this patch",
                observed=str(current),
                expected=target.kubernetes,
                remedy=make_remedy(
                    summary="upgrade the control plane to a patch the target admits"
                ),
            )
            return
        if limit is None:
            return
        newest, source = self._newest_patch(view, current)
        if newest is None:
            yield draft(
                self.info,
                COMPONENT,
                f"could not determine the newest patch of {current.minor_version}: {source}",
                severity=Severity.INFO,
                observed=str(current),
            )
            return
        behind = newest.patch - current.patch
        if behind <= limit:
            return
        yield draft(
            self.info,
            COMPONENT,
            f"control plane {current} is {plural(behind, 'patch release')} behind {newest} "
            f"(allowed {limit}; newest from {source})",
            observed=str(current),
            expected=f">= {newest.major}.{newest.minor}.{newest.patch - limit}",
            remedy=make_remedy(summary=f"upgrade the control plane to {newest}"),
        )

    def _newest_patch(
        self, view: PlaneView, current: KubeVersion
    ) -> tuple[KubeVersion | None, str]:
        same = [v for v in view.offered if v.minor_version == current.minor_version]
        if same:
            return max(same), "the provider's offered versions (live)"
        window = self.context.calendar.window(view.provider, current.minor_version)
        if window is not None and window.latest_patch is not None:
            try:
                return (
                    parse_version(window.latest_patch.version),
                    f"the {window.provider} calendar ({window.latest_patch.source.id})",
                )
            except ValueError:
                pass
        return None, "no offered versions were collected and the calendar lists no patch"


class ControlPlaneAhead(PlanePartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="control-plane-ahead",
        title="Control plane newer than the target",
        severity=Severity.MEDIUM,
        rationale=(
            "A control plane newer than its group's target runs a version the plan did not "
            "approve (untested add-ons, skipped wave gates). It cannot be downgraded: raise the "
            "target or accept it with a waiver."
        ),
        family=_FAMILY,
    )

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        if view.newest is None:
            return ()
        return self._drafts(view.newest, view.target)

    def _drafts(self, current: KubeVersion, target: Target) -> Iterator[Draft]:
        facts = target_facts(self.context, target)
        if facts.newest is None or current.minor_version <= facts.newest:
            return
        ahead = minors_apart(current.minor_version, facts.newest)
        yield draft(
            self.info,
            COMPONENT,
            f"control plane {current} is {plural(ahead or 0, 'minor')} ahead of the target "
            f"{target.kubernetes!r}",
            observed=str(current),
            expected=facts.describe(),
            remedy=make_remedy(
                summary="control planes are not downgraded: raise the group's target or add "
                "a waiver"
            ),
        )


class TargetNotOffered(PlanePartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="target-not-offered",
        title="Provider does not offer the target version",
        severity=Severity.HIGH,
        rationale=(
            "A managed cluster can only move to versions its provider offers in its region; when "
            "none of them meets the target, the cluster cannot comply whatever its owners do. "
            "Fix the plan or ask the provider. Unknown offer on a managed provider: info."
        ),
        family=_FAMILY,
    )

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        current, target = view.oldest, view.target
        if current is None or admitted(self.context, target.constraint, current):
            return ()
        return self._drafts(view, current, target)

    def _drafts(self, view: PlaneView, current: KubeVersion, target: Target) -> Iterator[Draft]:
        facts = target_facts(self.context, target)
        if facts.newest is not None and current.minor_version > facts.newest:
            return  # ahead: nothing to offer
        offered = (current, *view.offered)
        provider = view.provider
        if len(offered) == 1:
            if provider in MANAGED_PROVIDERS:
                yield draft(
                    self.info,
                    COMPONENT,
                    f"could not determine whether {provider} offers the target "
                    f"{target.kubernetes!r}: no offered versions were collected",
                    severity=Severity.INFO,
                    observed=str(current),
                )
            return
        if any(admitted(self.context, target.constraint, v) for v in offered):
            return
        where = f" in {view.region}" if view.region else ""
        shown = ", ".join(str(v) for v in sorted(view.offered))
        yield draft(
            self.info,
            COMPONENT,
            f"{provider}{where} offers no version the target {target.kubernetes!r} admits: "
            "the cluster cannot comply",
            observed=f"offered: {shown}",
            expected=target.kubernetes,
            remedy=make_remedy(
                summary="change the group's target to an offered version, or ask the provider "
                "when it will offer one"
            ),
        )
