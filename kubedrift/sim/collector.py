"""`type: simulated`: a source that serves a simulated fleet and reads it for real.

It starts the fleet's fake servers and delegates to the real ACK, TKE and kubeconfig
collectors pointed at them, so a settings file can try kubedrift with no cloud account.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from kubedrift.collectors.base import ApiGate, Collector, CollectorConfig
from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.collectors.registry import COLLECTORS
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterInventory, ClusterRef
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet


class SimulatedConfig(CollectorConfig):
    path_fields: ClassVar[tuple[str, ...]] = ("fleet",)

    type: Literal["simulated"] = "simulated"
    fleet: Path | None = Field(
        default=None, description="a fleet file; the fleet shipped with kubedrift if omitted"
    )
    latency: float = Field(default=0.0, ge=0, description="seconds added to every API call")
    rate_limit: int | None = Field(
        default=None, ge=1, description="provider-side calls per second, per account and region"
    )


class SimulatedCollector:
    Config: ClassVar[type[CollectorConfig]] = SimulatedConfig

    def __init__(self, config: CollectorConfig, gate: ApiGate, environ: Mapping[str, str]) -> None:
        if not isinstance(config, SimulatedConfig):
            raise TypeError("SimulatedCollector needs a SimulatedConfig")
        self._sim = SimulatedFleet(
            load_fleet(config.fleet), latency=config.latency, rate_limit=config.rate_limit
        ).__enter__()
        try:
            self._by_provider = self._delegates(config)
        except BaseException:
            self._sim.close()
            raise

    def _delegates(self, config: SimulatedConfig) -> dict[str, Collector]:
        shared = {"labels", "include", "exclude", "include_tags", "max_rps",
                  "max_concurrency", "timeout", "retries"}  # fmt: skip
        delegates: dict[str, Collector] = {}
        for sub in self._sim.configs(config.name, **config.model_dump(include=shared)):
            factory: Any = COLLECTORS.get(sub.type)
            sub_gate = Gate(sub.max_rps, RetryPolicy(retries=sub.retries))
            delegates[sub.type] = factory(sub, sub_gate, self._sim.environ)
        return delegates

    def discover(self) -> list[ClusterRef]:
        refs: list[ClusterRef] = []
        for collector in self._by_provider.values():
            refs.extend(collector.discover())
        return refs

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        collector = self._by_provider.get(cluster.provider)
        if collector is None:
            raise CollectError(
                f"no simulated {cluster.provider} server", reason="config", retryable=False
            )
        return collector.collect(cluster)

    def close(self) -> None:
        self._sim.close()
