"""The plan's waivers applied to one cluster's findings: live ones waive, expired ones are
named in the finding they no longer waive, and a waiver expiring within `EXPIRING_DAYS` is a
finding of its own (`waiver-expiring`)."""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase

from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import ClusterGroup, VersionPlan, Waiver
from kubedrift.model.selector import Selector
from kubedrift.model.selector_index import SelectorIndex
from kubedrift.policies.rules.base import make_finding, make_remedy
from kubedrift.policies.rules.meta import WAIVER_EXPIRING

EXPIRING_DAYS = 14


class WaiverBook:
    """The plan's waivers split by `day`: live ones waive, expired ones are named.

    `reuse` keeps the waivers that could cover a cluster per distinct set of what their
    selectors read but the name (see `_covering`); False checks every waiver on every cluster.
    """

    def __init__(self, plan: VersionPlan, day: date, *, reuse: bool = True) -> None:
        self.day, self.reuse = day, reuse
        self.live = [w for w in plan.waivers if w.active_on(day)]
        self.expired = [w for w in plan.waivers if not w.active_on(day)]
        # Waivers found in two stages (`SelectorIndex`), the plan group part of the key.
        self.live_index = SelectorIndex(self.live, _selector, _covers_group)
        self.expired_index = SelectorIndex(self.expired, _selector, _covers_group)

    def _covering(
        self, cluster: ClusterInventory, group: str | None
    ) -> tuple[list[Waiver], list[Waiver]]:
        if not self.reuse:
            return (
                [w for w in self.live if w.selector.covers_cluster(cluster, group)],
                [w for w in self.expired if w.selector.covers_cluster(cluster, group)],
            )
        return (
            self.live_index.matching(cluster, group),
            self.expired_index.matching(cluster, group),
        )

    def apply(
        self, cluster: ClusterInventory, group: ClusterGroup | None, findings: list[Finding]
    ) -> list[Finding]:
        live, expired = self._covering(cluster, group.name if group is not None else None)
        if not live and not expired:
            return findings
        out: list[Finding] = []
        used: dict[int, tuple[Waiver, int]] = {}
        for finding in findings:
            waiver = _first(live, finding)
            gone = None if waiver is not None else _first(expired, finding)
            if waiver is not None:
                count = used.get(id(waiver), (waiver, 0))[1]
                used[id(waiver)] = (waiver, count + 1)
                out.append(finding.model_copy(update={"waived_by": _label(waiver)}))
            elif gone is not None:
                summary = (
                    f"{finding.summary} (waiver {_label(gone)} expired on "
                    f"{gone.expires.isoformat()})"
                )
                out.append(finding.model_copy(update={"summary": summary}))
            else:
                out.append(finding)
        for waiver, count in used.values():
            left = (waiver.expires - self.day).days
            if left <= EXPIRING_DAYS:
                out.append(_expiring(cluster, waiver, left, count))
        return out


def _selector(waiver: Waiver) -> Selector:
    return waiver.selector


def _covers_group(waiver: Waiver, group: str | None) -> bool:
    return waiver.selector.covers_group(group)


def _first(waivers: list[Waiver], finding: Finding) -> Waiver | None:
    rule, component = finding.key.rule, finding.key.component
    for waiver in waivers:
        if fnmatchcase(rule, waiver.rule) and (
            waiver.component is None or fnmatchcase(component, waiver.component)
        ):
            return waiver
    return None


def _label(waiver: Waiver) -> str:
    return waiver.id or waiver.rule


def _expiring(cluster: ClusterInventory, waiver: Waiver, left: int, count: int) -> Finding:
    when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
    return make_finding(
        WAIVER_EXPIRING,
        cluster,
        f"waiver/{_label(waiver)}",
        f"waiver {_label(waiver)} (owner {waiver.owner}) expires {when}, on "
        f"{waiver.expires.isoformat()}: {count} finding(s) it waives here will be reported again",
        observed=waiver.expires.isoformat(),
        expected=f"expiry more than {EXPIRING_DAYS} days away, or the findings fixed",
        remedy=make_remedy(summary="renew the waiver with a new expiry, or fix what it covers"),
    )
