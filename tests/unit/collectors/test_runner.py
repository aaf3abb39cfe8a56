"""The runner against small in-test collectors: it is the contract every plugin meets."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import ClassVar

from kubedrift.collectors.base import CollectorConfig
from kubedrift.collectors.runner import Source, collect_all, collect_source
from kubedrift.errors import CollectError
from kubedrift.model.inventory import (
    ClusterInventory,
    ClusterRef,
    Collected,
    CollectionFailed,
    ControlPlane,
    FailureReason,
)
from kubedrift.versions import parse_version

AT = datetime(2026, 11, 26, tzinfo=UTC)


def clock() -> datetime:
    return AT


class ScriptedCollector:
    """Lists `names`; `failures` maps a name to the exception its collect() raises."""

    Config: ClassVar[type[CollectorConfig]] = CollectorConfig

    def __init__(
        self,
        names: list[str],
        failures: dict[str, Exception] | None = None,
        discovery_error: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        self.names = names
        self.failures = failures or {}
        self.discovery_error = discovery_error
        self.delay = delay
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()

    def discover(self) -> list[ClusterRef]:
        if self.discovery_error:
            raise self.discovery_error
        return [
            ClusterRef(provider="ack", source="s", id=n, name=n, region="cn-hangzhou")
            for n in self.names
        ]

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delay)
            if cluster.name in self.failures:
                raise self.failures[cluster.name]
            return ClusterInventory(
                ref=cluster,
                collected_at=AT,
                control_plane=ControlPlane(version=parse_version("1.30.1-aliyun.1")),
            )
        finally:
            with self._lock:
                self.active -= 1


def _source(collector: ScriptedCollector, **config: object) -> Source:
    return Source(CollectorConfig.model_validate({"name": "s", "type": "ack", **config}), collector)


def test_one_failing_cluster_does_not_stop_the_others() -> None:
    collector = ScriptedCollector(
        ["a", "b", "c"],
        failures={
            "b": CollectError("Throttling.User", reason="throttled", retryable=True),
            "c": RuntimeError("bug"),
        },
    )
    results = collect_source(_source(collector), clock=clock)
    assert [type(r) for r in results] == [Collected, CollectionFailed, CollectionFailed]
    b, c = results[1], results[2]
    assert isinstance(b, CollectionFailed) and isinstance(c, CollectionFailed)
    assert b.reason is FailureReason.THROTTLED
    assert b.cluster is not None and b.cluster.name == "b"
    assert c.reason is FailureReason.INTERNAL
    assert "unexpected RuntimeError: bug" in c.message


def test_failed_discovery_is_one_source_failure() -> None:
    collector = ScriptedCollector(
        [], discovery_error=CollectError("InvalidAccessKeyId", reason="auth", retryable=False)
    )
    [result] = collect_source(_source(collector), clock=clock)
    assert isinstance(result, CollectionFailed)
    assert result.cluster is None
    assert result.reason is FailureReason.AUTH
    assert result.at == AT


def test_include_and_exclude_globs() -> None:
    collector = ScriptedCollector(["prod-a", "prod-b", "dev-a"])
    results = collect_source(_source(collector, include=["prod-*"], exclude=["*-b"]), clock=clock)
    names = [r.inventory.ref.name for r in results if isinstance(r, Collected)]
    assert names == ["prod-a"]


def test_concurrency_is_bounded() -> None:
    collector = ScriptedCollector([f"c{i}" for i in range(12)], delay=0.02)
    collect_source(_source(collector, max_concurrency=3), clock=clock)
    assert 1 < collector.peak <= 3


def test_sources_run_side_by_side_and_keep_order() -> None:
    first = ScriptedCollector(["a1", "a2"])
    second = ScriptedCollector(
        [], discovery_error=CollectError("x", reason="timeout", retryable=True)
    )
    seen: list[object] = []
    results = collect_all([_source(first), _source(second)], clock=clock, on_result=seen.append)
    assert len(results) == 3 == len(seen)
    assert isinstance(results[-1], CollectionFailed)
    assert results[-1].reason is FailureReason.TIMEOUT
