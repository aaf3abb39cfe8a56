"""The HTTP surface through Starlette's TestClient, on a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from kubedrift.daemon.cycle import Cycles
from kubedrift.daemon.http import create_app
from kubedrift.daemon.status import DaemonStatus
from kubedrift.store.repo import Store
from tests.unit.daemon.fixtures import Clock, ScriptedCollector, cycles, store

TOKEN = "t0ken-for-tests"


class Setup:
    def __init__(self, tmp_path: Path, token: str | None) -> None:
        self.store: Store = store(tmp_path)
        self.status = DaemonStatus(["a", "b"])
        self.clock = Clock()
        self.a = ScriptedCollector("a", {"c1": "1.29.3"})
        self.b = ScriptedCollector("b", {"c2": "1.30.2"})
        self.cycles: Cycles = cycles(self.store, [self.a, self.b], self.clock)
        self.cycles.on_cycle = self.status.record
        self.triggered: list[str | None] = []
        self.client = TestClient(create_app(self.store, self.status, self.trigger, token=token))

    def trigger(self, source: str | None) -> list[str]:
        self.triggered.append(source)
        return list(self.cycles.scan(None if source is None else [source]).sources)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Setup]:
    setup = Setup(tmp_path, TOKEN)
    with setup.client:
        yield setup
    setup.store.close()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_and_readiness_after_every_source_was_scanned(api: Setup) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    not_ready = api.client.get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json()["checks"] == {"store": True, "first_cycle": False}
    api.cycles.scan(["a"])
    assert api.client.get("/readyz").status_code == 503  # b never scanned yet
    api.cycles.scan(["b"])
    assert api.client.get("/readyz").status_code == 200


def test_readiness_fails_when_the_store_is_gone(api: Setup) -> None:
    api.cycles.scan()
    api.store.close()
    api.store.engine.dispose()
    Path(api.store.engine.url.database or "").unlink()
    Path(api.store.engine.url.database or "").mkdir()  # a directory: SQLite cannot open it
    response = api.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["store"] is False


def test_metrics_expose_the_default_registry_and_the_cycle_metrics(api: Setup) -> None:
    api.cycles.scan()
    api.cycles.reevaluate()
    response = api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples[("kubedrift_cycles_total", (("kind", "scan"), ("outcome", "ok")))] == 1
    assert samples[("kubedrift_cycles_total", (("kind", "reevaluate"), ("outcome", "ok")))] == 1
    stamp = samples[("kubedrift_last_cycle_timestamp_seconds", (("kind", "scan"),))]
    assert stamp == pytest.approx(api.clock.now.timestamp())
    assert "python_info" in text  # the default registry's collectors


def test_clusters_findings_and_events(api: Setup) -> None:
    api.cycles.scan()
    clusters = {c["key"]: c for c in api.client.get("/v1/clusters").json()["clusters"]}
    assert set(clusters) == {"tke/ap-shanghai/c1", "tke/ap-shanghai/c2"}
    c1 = clusters["tke/ap-shanghai/c1"]
    assert (c1["version"], c1["source"], c1["stale"]) == ("1.29.3", "a", False)
    assert c1["open_findings"] > 0

    everything = api.client.get("/v1/findings").json()["findings"]
    mine = api.client.get("/v1/findings", params={"cluster": "tke/ap-shanghai/c1"}).json()
    assert 0 < len(mine["findings"]) < len(everything)
    assert {f["key"]["cluster"] for f in mine["findings"]} == {"tke/ap-shanghai/c1"}
    high = api.client.get("/v1/findings", params={"severity": "high"}).json()["findings"]
    assert all(f["severity"] in ("high", "critical") for f in high)
    assert api.client.get("/v1/findings", params={"severity": "dire"}).status_code == 400

    events = api.client.get("/v1/events", params={"limit": 2}).json()["events"]
    assert len(events) == 2 and events[0]["type"] == "drift.opened"
    later = api.client.get("/v1/events", params={"since": "2030-01-01T00:00:00+00:00"})
    assert later.json()["events"] == []
    assert api.client.get("/v1/events", params={"since": "2030-01-01"}).status_code == 400
    assert api.client.get("/v1/events", params={"limit": "0"}).status_code == 400
    assert api.client.get("/v1/events", params={"limit": "x"}).status_code == 400


@pytest.mark.parametrize(
    "headers",
    [{}, auth("wrong"), {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_the_trigger_needs_the_bearer_token(api: Setup, headers: dict[str, str]) -> None:
    response = api.client.post("/v1/trigger", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in response.text
    assert api.triggered == []


def test_the_trigger_scans_one_source_or_all(api: Setup) -> None:
    one = api.client.post("/v1/trigger", headers=auth(), json={"source": "b"})
    assert (one.status_code, one.json()) == (202, {"triggered": ["b"]})
    assert api.b.calls > 0 and api.a.calls == 0
    every = api.client.post("/v1/trigger", headers=auth())
    assert (every.status_code, every.json()) == (202, {"triggered": ["a", "b"]})
    by_query = api.client.post("/v1/trigger?source=a", headers=auth())
    assert by_query.json() == {"triggered": ["a"]}
    assert api.client.post("/v1/trigger", headers=auth(), json={"source": "zz"}).status_code == 404
    assert api.client.post("/v1/trigger", headers=auth(), content=b"{").status_code == 400
    assert api.client.post("/v1/trigger", headers=auth(), json=["a"]).status_code == 400
    assert api.client.get("/v1/trigger").status_code == 405


def test_without_a_configured_token_the_trigger_is_closed(tmp_path: Path) -> None:
    setup = Setup(tmp_path, None)
    with setup.client:
        assert setup.client.post("/v1/trigger", headers=auth("")).status_code == 401
        assert setup.client.post("/v1/trigger", headers=auth()).status_code == 401
    setup.store.close()
    assert setup.triggered == []
