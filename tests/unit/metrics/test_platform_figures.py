"""Metric figures of Swarm and Mesos clusters: release lines behind the platform target and
the time left in the line's maintenance, from the packaged platform calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from kubedrift.calendar import load_calendar
from kubedrift.metrics.figures import cluster_figures
from kubedrift.model.plan import VersionPlan
from kubedrift.store.metrics_read import ClusterFacts

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
PLAN = VersionPlan.model_validate(
    {
        "version": 1,
        "groups": [
            {"name": "swarm", "selector": {"platform": "swarm"}, "target": {"docker_engine": "29"}},
            {"name": "k8s-only", "target": {"kubernetes": "1.31"}},
        ],
    }
)


def facts(key: str, platform: str, version: str) -> ClusterFacts:
    provider, name = key.split("/")
    return ClusterFacts(
        key=key, provider=provider, source="s", name=name, region=None, labels={},
        version=version, apiservers=(), support=None, platform=platform,
    )  # fmt: skip


def test_swarm_lag_in_lines_and_maintenance_left() -> None:
    swarm, current, mesos = cluster_figures(
        [
            facts("swarm/old", "swarm", "26.1.4"),
            facts("swarm/new", "swarm", "25.0.17"),
            facts("mesos/m", "mesos", "1.10.0"),
        ],
        frozenset(),
        PLAN,
        load_calendar(),
        NOW,
    )
    assert (swarm.group, swarm.minors_behind) == ("swarm", 3)  # 26.1 -> 27, 28, 29
    # 26.1's maintenance ended 2025-02-17; 25.0's ends 2026-12-04.
    assert swarm.support_ends_at == datetime.combine(date(2025, 2, 17), time(), UTC).timestamp()
    assert current.support_ends_at == datetime.combine(date(2026, 12, 4), time(), UTC).timestamp()
    # The Mesos cluster's group sets no `mesos` target: no lag; no maintenance date is known.
    assert (mesos.group, mesos.minors_behind, mesos.support_ends_at) == (
        "k8s-only",
        None,
        None,
    )
