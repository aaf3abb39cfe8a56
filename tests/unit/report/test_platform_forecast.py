"""The weekly report's end-of-support forecast for Swarm and Mesos clusters: the end of
maintenance of their release line, from the platform calendars; unknown stays unknown."""

from __future__ import annotations

from datetime import date

from kubedrift.calendar import load_calendar
from kubedrift.report.data.fleet import forecast
from tests.unit.policies.rules.test_platforms import mesos, swarm


def test_swarm_line_end_and_mesos_unknown() -> None:
    inventories = {
        "swarm/s1": swarm({"m1": "26.1.4"}, {}),
        "swarm/s2": swarm({"m1": "25.0.17"}, {}, name="s2"),
        "mesos/m1": mesos({"a:5050": "1.11.0"}, {}),
    }
    result = forecast(inventories, {}, load_calendar(), date(2026, 11, 26))
    rows = {row.cluster: row for row in result.clusters}
    assert (rows["swarm/s1"].ends, rows["swarm/s1"].bucket) == (date(2025, 2, 17), "ended")
    assert (rows["swarm/s2"].ends, rows["swarm/s2"].days) == (date(2026, 12, 4), 8)
    # Mesos retired on a day no source gives: unknown, not "fine".
    assert (rows["mesos/m1"].ends, rows["mesos/m1"].bucket) == (None, "unknown")
