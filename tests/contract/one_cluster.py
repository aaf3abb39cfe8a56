"""A source that is one cluster (a Swarm, a Mesos cluster): discover it, collect it, close."""

from __future__ import annotations

from typing import Protocol

from kubedrift.model.inventory import ClusterInventory, ClusterRef


class OneClusterCollector(Protocol):
    def discover(self) -> list[ClusterRef]: ...
    def collect(self, cluster: ClusterRef) -> ClusterInventory: ...
    def close(self) -> None: ...


def read_one(collector: OneClusterCollector) -> ClusterInventory:
    """The inventory of the source's only cluster; the collector is closed afterwards."""
    try:
        (ref,) = collector.discover()
        return collector.collect(ref)
    finally:
        collector.close()
