"""End of support: the cluster's minor past, or near, the end of its provider's support.

Which dates decide, in order: the support window collected live with the cluster
(`control_plane.support`, provider metadata), then the packaged calendar: the provider's for
ACK / TKE clusters (`end_of_support.calendar: provider`), upstream's otherwise. The finding
names the source. Past end of support is critical; inside the plan's `critical_days` critical;
inside `warn_days` medium. A date no source publishes is reported as undetermined (low), or
decided by a published estimate, said so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import ClassVar

from kubedrift.calendar.lookup import calendar_provider_for
from kubedrift.model.findings import Severity
from kubedrift.model.plan import Target
from kubedrift.model.support import SupportDate, SupportWindow
from kubedrift.policies.rules.base import (
    Draft,
    RuleInfo,
    draft,
    make_remedy,
)
from kubedrift.policies.rules.plane_part import PlanePartRule, PlaneView
from kubedrift.versions import KubeVersion, MinorVersion

COMPONENT = "control-plane"


class EndOfSupport(PlanePartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="end-of-support",
        title="Kubernetes minor past or near its end of support",
        severity=Severity.CRITICAL,
        rationale=(
            "Past end of support a minor gets no fixes and managed providers force-upgrade or "
            "stop supporting the cluster. Critical once past it or inside the plan's "
            "`end_of_support.critical_days`; medium inside `warn_days`. Live provider metadata "
            "wins over the packaged calendar; the finding says which source decided."
        ),
        family="support",
        needs_target=False,
    )

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        if view.oldest is None:
            return ()
        return self._drafts(view, view.oldest, view.target, self.context.now)

    def _drafts(
        self, view: PlaneView, current: KubeVersion, target: Target, now: datetime
    ) -> Iterator[Draft]:
        minor = current.minor_version
        today = now.date()
        policy = target.end_of_support
        window, source = self._window(view, minor, policy.calendar)
        if window is None:
            yield from self._outside(view, minor, today, policy.calendar, source)
            return
        end, how = _date(window.end_of_support)
        final, _ = _date(window.support_ends)
        if end is None:
            yield draft(
                self.info,
                COMPONENT,
                f"could not determine when {minor} reaches end of support ({source}: "
                f"{window.end_of_support.note or 'no date published'})",
                severity=Severity.LOW,
                observed=str(current),
            )
            return
        days = (end - today).days
        decided = f"{source}{how}"
        if days <= 0:
            if final is not None and final > today and final != end:
                tail = f"; maintenance only until {final.isoformat()}"
            else:
                tail = ""
            summary = f"{minor} reached end of support on {end.isoformat()}{tail} ({decided})"
            severity = Severity.CRITICAL
        elif days <= policy.critical_days:
            summary = (
                f"{minor} reaches end of support in {days} days, on {end.isoformat()} ({decided})"
            )
            severity = Severity.CRITICAL
        elif days <= policy.warn_days:
            summary = (
                f"{minor} reaches end of support in {days} days, on {end.isoformat()} ({decided})"
            )
            severity = Severity.MEDIUM
        else:
            return
        yield draft(
            self.info,
            COMPONENT,
            summary,
            severity=severity,
            observed=str(current),
            expected=f"a minor supported for more than {policy.warn_days} days",
            remedy=make_remedy(
                summary=f"upgrade off {minor} (support ended {end.isoformat()})"
                if days <= 0
                else f"upgrade off {minor} before {end.isoformat()}"
            ),
        )

    def _window(
        self, view: PlaneView, minor: MinorVersion, calendar: str
    ) -> tuple[SupportWindow | None, str]:
        provider = view.provider if calendar == "provider" else "upstream"
        packaged = self.context.calendar.window(provider, minor)
        live = view.support
        if live is not None and (live.major_number, live.minor_number) == (
            minor.major,
            minor.minor,
        ):
            note = ""
            if packaged is not None and packaged.end_of_support.value != live.end_of_support.value:
                shown = packaged.end_of_support.value
                note = f"; packaged {packaged.provider} calendar says {shown}"
            return live, f"live {view.provider} metadata, preferred over package data{note}"
        if packaged is None:
            # Named as the calendar that answered: upstream's for a self-hosted cluster.
            return None, f"{_calendar_name(calendar_provider_for(provider))} calendar"
        return (
            packaged,
            f"{_calendar_name(packaged.provider)} calendar, {packaged.end_of_support.source.id}",
        )

    def _outside(
        self,
        view: PlaneView,
        minor: MinorVersion,
        today: date,
        calendar: str,
        source: str,
    ) -> Iterator[Draft]:
        provider = view.provider if calendar == "provider" else "upstream"
        if self.context.calendar.is_supported(provider, minor, today) is False:
            yield draft(
                self.info,
                COMPONENT,
                f"{minor} is older than every minor the {source} lists, all past end of support",
                observed=str(minor),
                remedy=make_remedy(summary=f"upgrade off {minor}"),
            )
            return
        yield draft(
            self.info,
            COMPONENT,
            f"could not determine the end of support of {minor}: the {source} does not list it",
            severity=Severity.LOW,
            observed=str(minor),
        )


def _date(milestone: SupportDate) -> tuple[date | None, str]:
    published = milestone.known()
    if published is not None:
        return published, ""
    estimate = milestone.known(use_estimates=True)
    if estimate is not None:
        return estimate, f"; estimated: {milestone.rule}"
    return None, ""


def _calendar_name(provider: str) -> str:
    return {"ack": "ACK", "tke": "TKE"}.get(provider, provider)
