"""The `WeeklyReport` model: every figure of the weekly report, as frozen data.

Renderers (HTML, Markdown, PDF, JSON) only format these values; nothing is computed there.
Durations are hours (floats) so JSON readers need no duration parser.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, computed_field

from kubedrift.model.base import Frozen
from kubedrift.model.findings import Severity

# End-of-support buckets, in display order: past the end, within 30, 90, 180 days, later, and
# no date known. Disjoint: a cluster 20 days from its end is in "30" only.
Bucket = Literal["ended", "30", "90", "180", "later", "unknown"]
BUCKETS: tuple[Bucket, ...] = ("ended", "30", "90", "180", "later", "unknown")


class Score(Frozen):
    """Compliant cluster-days over cluster-days sampled (one sample per UTC day end)."""

    compliant: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ratio(self) -> float | None:
        return self.compliant / self.total if self.total else None


class DayPoint(Frozen):
    """The fleet at the end of one UTC day of the window."""

    day: date
    clusters: int
    compliant: int


class TrendPoint(Frozen):
    """One week of a trend: [start, end) and its score (total 0: no cluster known then)."""

    start: AwareDatetime
    end: AwareDatetime
    score: Score


class TrendSeries(Frozen):
    """A 12-week trend of one slice of the fleet: all of it, a provider or a plan group."""

    name: str
    owner: str | None = None
    points: tuple[TrendPoint, ...]

    @property
    def latest(self) -> Score:
        return self.points[-1].score


class Compliance(Frozen):
    score: Score  # the window [since, until)
    previous: Score  # the window of the same length just before it
    current: Score  # the last sample: the fleet as the window ends
    days: tuple[DayPoint, ...]
    fleet: TrendSeries
    providers: tuple[TrendSeries, ...]
    groups: tuple[TrendSeries, ...]


class VersionCount(Frozen):
    provider: str
    minor: str  # "1.30", or "unknown" when the control plane version could not be read
    clusters: int


class ForecastCluster(Frozen):
    cluster: str
    provider: str
    minor: str
    ends: date | None
    days: int | None  # from the report's day (the date of `until`) to `ends`
    estimated: bool  # `ends` is a calendar estimate, not a published date
    bucket: Bucket
    group: str | None = None
    owner: str | None = None


class Forecast(Frozen):
    counts: dict[Bucket, int]
    clusters: tuple[ForecastCluster, ...]  # every bucket but "later", soonest first


class OpenFinding(Frozen):
    cluster: str
    rule: str
    component: str
    severity: Severity
    summary: str
    opened_at: AwareDatetime
    age_hours: float
    stale: bool
    group: str | None = None
    owner: str | None = None


class TeamDrift(Frozen):
    """One plan group (team) and its owner: drift open as the window ends, and time in drift."""

    group: str | None
    owner: str | None
    clusters: int
    open: int
    by_severity: dict[Severity, int]
    waived: int
    oldest_hours: float | None
    drift_hours: float
    cluster_hours: float


class TimeInDrift(Frozen):
    drift_hours: float  # cluster-hours with an open counted finding, inside the window
    cluster_hours: float  # cluster-hours the clusters were known, inside the window

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        return self.drift_hours / self.cluster_hours if self.cluster_hours else None


class Resolution(Frozen):
    """Mean time to resolve: counted findings resolved (gone) inside the window."""

    resolved: int
    mean_hours: float | None
    median_hours: float | None
    removed: int  # closed because their cluster left the fleet: not counted above


class ExpiringWaiver(Frozen):
    id: str | None
    rule: str
    owner: str
    reason: str
    expires: date
    days_left: int  # negative: expired, still in the plan
    ticket: str | None = None


class Upgrade(Frozen):
    cluster: str
    at: AwareDatetime
    changes: dict[str, str]  # component -> "old -> new", as the version_changed event says


class SourceHealth(Frozen):
    source: str
    failing: bool
    failing_since: AwareDatetime | None
    failures: int
    last_reason: str | None
    last_success_at: AwareDatetime | None
    outages: int  # failure streaks that began inside the window


class Health(Frozen):
    sources: tuple[SourceHealth, ...]
    stale_clusters: tuple[str, ...]  # open findings not confirmed by the latest collection
    unseen_clusters: tuple[str, ...]  # not collected in the 24 hours before `until`


class WeeklyReport(Frozen):
    since: AwareDatetime
    until: AwareDatetime
    generated_at: AwareDatetime
    min_severity: Severity
    clusters: int
    compliance: Compliance
    versions: tuple[VersionCount, ...]
    forecast: Forecast
    teams: tuple[TeamDrift, ...]
    oldest: tuple[OpenFinding, ...]
    time_in_drift: TimeInDrift
    resolution: Resolution
    waivers: tuple[ExpiringWaiver, ...]
    upgrades: tuple[Upgrade, ...]
    health: Health
