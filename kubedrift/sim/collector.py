"""`type: simulated`: a source that serves a simulated fleet and reads it for real.

It starts the fleet's fake servers and delegates to the real ACK, TKE, kubeconfig, Swarm and
Mesos collectors pointed at them, so a settings file can try kubedrift with no cloud account.
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
            self._collectors = self._delegates(config)
            self._owner: dict[str, Collector] = {}
        except BaseException:
            self._sim.close()
            raise

    def _delegates(self, config: SimulatedConfig) -> list[tuple[str, Collector]]:
        shared = {"labels", "include", "exclude", "include_tags", "max_rps",
                  "max_concurrency", "timeout", "retries"}  # fmt: skip
        delegates: list[tuple[str, Collector]] = []
        for sub in self._sim.configs(config.name, **config.model_dump(include=shared)):
            factory: Any = COLLECTORS.get(sub.type)
            sub_gate = Gate(sub.max_rps, RetryPolicy(retries=sub.retries))
            delegates.append((sub.type, factory(sub, sub_gate, self._sim.environ)))
        return delegates

    def discover(self) -> list[ClusterRef]:
        # One Swarm or Mesos source per cluster: the cluster's key says which delegate reads it.
        refs: list[ClusterRef] = []
        for _, collector in self._collectors:
            found = collector.discover()
            self._owner.update({ref.key: collector for ref in found})
            refs.extend(found)
        return refs

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        by_type = (c for kind, c in self._collectors if kind == cluster.provider)
        collector = self._owner.get(cluster.key) or next(by_type, None)
        if collector is None:
            raise CollectError(
                f"no simulated {cluster.provider} server", reason="config", retryable=False
            )
        return collector.collect(cluster)

    def close(self) -> None:
        for _, collector in self._collectors:
            close = getattr(collector, "close", None)
            if callable(close):
                close()
        self._sim.close()
