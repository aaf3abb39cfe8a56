"""The collector plugin contract and the settings every source shares.

A collector is constructed with its validated `Config`, an `ApiGate` that applies the
source's rate limit, timeout budget and retries to every provider call, and the process
environment (for credentials). It discovers clusters and collects one cluster at a time;
it raises `CollectError` (never an SDK exception) and never returns partial data silently:
a part it could not read is named in `ClusterInventory.unknown`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from typing import ClassVar, Protocol, TypeVar

from pydantic import Field

from kubedrift.model.base import Frozen
from kubedrift.model.inventory import ClusterInventory, ClusterRef, Platform

T = TypeVar("T")


class CollectorConfig(Frozen):
    """Settings shared by every source; each collector extends it with its own fields.

    `path_fields` names the fields holding file paths: a relative path in a settings file
    is resolved against the directory of that file.
    """

    path_fields: ClassVar[tuple[str, ...]] = ()

    name: str = Field(min_length=1, description="unique name of this source")
    type: str = Field(description="collector type: ack, tke, kubeconfig, incluster, simulated")
    regions: tuple[str, ...] = Field(default=(), description="regions to scan (cloud sources)")
    endpoint: str | None = Field(
        default=None,
        description="base URL or host:port overriding the provider's endpoint "
        "(private endpoints, tests)",
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="static labels merged onto every cluster found"
    )
    include: tuple[str, ...] = Field(default=("*",), description="cluster name globs to keep")
    exclude: tuple[str, ...] = Field(default=(), description="cluster name globs to drop")
    include_tags: dict[str, str] = Field(
        default_factory=dict, description="keep only clusters carrying all these tags"
    )
    max_rps: float = Field(default=10.0, gt=0, description="API calls per second, per region")
    max_concurrency: int = Field(default=8, ge=1, le=256, description="clusters read at once")
    timeout: float = Field(default=10.0, gt=0, description="seconds allowed for one API call")
    retries: int = Field(default=4, ge=0, le=10, description="retries of a retryable call")

    def wants(self, ref: ClusterRef) -> bool:
        """Whether the include/exclude globs and tag filter keep this cluster."""
        if not any(fnmatch.fnmatchcase(ref.name, g) for g in self.include):
            return False
        if any(fnmatch.fnmatchcase(ref.name, g) for g in self.exclude):
            return False
        return all(ref.labels.get(k) == v for k, v in self.include_tags.items())

    def the_one_cluster(self, provider: str, name: str, platform: Platform) -> list[ClusterRef]:
        """`discover` of a source that is one cluster (a Swarm, a Mesos set of masters):
        that cluster, unless the filters drop it."""
        ref = ClusterRef(
            provider=provider,
            source=self.name,
            id=name,
            name=name,
            platform=platform,
            labels=dict(self.labels),
        )
        return [ref] if self.wants(ref) else []


class ApiGate(Protocol):
    """Runs one provider call under the source's rate limit, retry and back-off policy.

    `operation` names the call in logs and errors (`DescribeClustersV1`); `region` picks
    the rate-limit bucket. `fn` must raise `CollectError` for provider failures.
    """

    def __call__(self, operation: str, fn: Callable[[], T], *, region: str | None = None) -> T: ...


class Collector(Protocol):
    Config: ClassVar[type[CollectorConfig]]

    def discover(self) -> list[ClusterRef]: ...

    def collect(self, cluster: ClusterRef) -> ClusterInventory: ...


class CollectorFactory(Protocol):
    Config: ClassVar[type[CollectorConfig]]

    def __call__(
        self, config: CollectorConfig, gate: ApiGate, environ: Mapping[str, str]
    ) -> Collector: ...
