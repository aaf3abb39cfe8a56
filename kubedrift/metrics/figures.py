"""Per-cluster figures for the metrics: plan group, minor lag, end of support, compliance.

The same facts the rules use, so a dashboard and the findings never disagree: the plan group
is the first whose selector matches (`VersionPlan.group_for`); minor lag counts from the
oldest API server to the oldest minor the target admits at or above it
(`control-plane-minor-lag`); the end of support comes from live provider metadata when it
was collected, else from the packaged calendar the target names, a published estimate when
no date is published (`end-of-support`). Pure: data and `now` in, figures out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from kubedrift.calendar import ReleaseCalendar
from kubedrift.model.findings import Severity
from kubedrift.model.plan import ClusterGroup, Target, VersionPlan
from kubedrift.model.support import SupportWindow
from kubedrift.policies.compat import load_compat
from kubedrift.policies.engine import NO_TARGET
from kubedrift.policies.platform_lag import ahead, end_of_maintenance, lines_behind
from kubedrift.policies.rules.base import RuleContext
from kubedrift.policies.rules.facts import minors_apart, parsed, target_facts
from kubedrift.store.metrics_read import ClusterFacts
from kubedrift.versions import KubeVersion, admits

# A cluster is compliant when no open, unwaived finding is at or above this severity: the
# weekly report's default threshold (`Store.history(min_severity=LOW)`), so the dashboard's
# compliance and the report's agree. `info` findings (lag within the allowed lag) do not count.
COMPLIANCE_FLOOR = Severity.LOW
FLAGGING = tuple(s for s in Severity if s >= COMPLIANCE_FLOOR)


@dataclass(frozen=True, slots=True)
class ClusterFigures:
    """One cluster's per-cluster values; None where unknown (the series is left out)."""

    key: str
    name: str
    provider: str
    region: str
    version: str
    group: str
    minors_behind: int | None
    # Unix time standard support of the control plane's minor ends (the scrape subtracts
    # its `now`: the only figure that moves between cycles).
    support_ends_at: float | None
    compliant: bool


def cluster_figures(
    clusters: Iterable[ClusterFacts],
    flagged: Collection[str],
    plan: VersionPlan | None,
    calendar: ReleaseCalendar,
    now: datetime,
) -> list[ClusterFigures]:
    """Figures of `clusters`, in their order; `flagged` are the keys of clusters with an open,
    unwaived finding at `FLAGGING` severities."""
    context = RuleContext(calendar=calendar, compat=load_compat(), now=now, plan_paths=False)
    # Fleets repeat shapes: one lag per (target, version) and one end date per (provider,
    # calendar, minor) serve every cluster alike.
    lags: dict[tuple[int, str], int | None] = {}
    ends: dict[tuple[str, int, int], date | None] = {}
    out = []
    for cluster in clusters:
        group = plan.group_for(cluster) if plan is not None else None
        current = _oldest_apiserver(cluster)
        lag: int | None = None
        ends_at: float | None = None
        if current is not None and cluster.platform != "kubernetes":
            lag, ends_at = _platform_figures(cluster, group, current)
        elif current is not None:
            if group is not None and group.target.kubernetes is not None:
                lag_key = (id(group.target), current.raw)
                if lag_key not in lags:
                    lags[lag_key] = _minors_behind(context, group.target, current)
                lag = lags[lag_key]
            target = group.target if group is not None else NO_TARGET
            end = _end_of_support(calendar, cluster, current, target, ends)
            if end is not None:
                ends_at = datetime.combine(end, time(), UTC).timestamp()
        out.append(
            ClusterFigures(
                key=cluster.key,
                name=cluster.name,
                provider=cluster.provider,
                region=cluster.region or "",
                version=cluster.version or "",
                group=group.name if group is not None else "",
                minors_behind=lag,
                support_ends_at=ends_at,
                compliant=cluster.key not in flagged,
            )
        )
    return out


def _platform_figures(
    cluster: ClusterFacts, group: ClusterGroup | None, current: KubeVersion
) -> tuple[int | None, float | None]:
    """Swarm / Mesos: release lines behind the group's target, and when the line's
    maintenance ends (None when the group sets no target or no source gives the date)."""
    wanted = group.target.version_for(cluster.platform) if group is not None else None
    lag = None if wanted is None else (
        0 if ahead(cluster.platform, current, wanted) else
        lines_behind(cluster.platform, current, wanted)
    )  # fmt: skip
    if lag is not None and wanted is not None and admits(wanted, current):
        lag = 0
    end = end_of_maintenance(cluster.platform, current)
    return lag, None if end is None else datetime.combine(end, time(), UTC).timestamp()


def _oldest_apiserver(cluster: ClusterFacts) -> KubeVersion | None:
    """The oldest visible API server, else the cluster's version (as the rules'
    `PlaneView.oldest`: an HA control plane mid-upgrade is as far along as its slowest
    member)."""
    raws = cluster.apiservers or ((cluster.version,) if cluster.version else ())
    versions = [v for v in map(parsed, raws) if v is not None]
    return min(versions, default=None)


def _minors_behind(context: RuleContext, target: Target, current: KubeVersion) -> int | None:
    """Minors from `current` up to the oldest admitted minor at or above it: 0 when it is
    admitted or ahead of every admitted minor; None when the target admits no minor or the
    goal is another major (no minor count between them)."""
    facts = target_facts(context, target)
    if not facts.admitted:
        return None
    goal = facts.next_admitted(current.minor_version)
    if goal is None:
        return 0
    return minors_apart(goal, current.minor_version)


def _end_of_support(
    calendar: ReleaseCalendar,
    cluster: ClusterFacts,
    current: KubeVersion,
    target: Target,
    memo: dict[tuple[str, int, int], date | None],
) -> date | None:
    """End of standard support of the control plane's (oldest) minor, as the
    `end-of-support` rule decides it; None when no source tells."""
    minor = current.minor_version
    live = cluster.support
    if live is not None and (live.major_number, live.minor_number) == (minor.major, minor.minor):
        return _date(live)
    provider = cluster.provider if target.end_of_support.calendar == "provider" else "upstream"
    key = (provider, minor.major, minor.minor)
    if key not in memo:
        window = calendar.window(provider, minor)
        memo[key] = _date(window) if window is not None else None
    return memo[key]


def _date(window: SupportWindow) -> date | None:
    milestone = window.end_of_support
    return milestone.known() or milestone.known(use_estimates=True)
