"""The collectors the fault matrix runs, one entry each, and the faults it injects.

A `Subject` names a source type of the simulated fleet, the fake server that answers it,
and how to make that source's listing fail part-way (a page fails after an earlier page was
answered; for APIs that do not page, a later call fails after earlier ones answered). A
new collector whose fake `SimulatedFleet` runs joins the matrix with one line in `SUBJECTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubedrift.sim.fleet import Fleet, SimCluster, SimNodePool
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.server import FakeServer, Fault, FaultKind

# Every call fails: the source cannot list or read anything, so the cycle fails for it.
WHOLE_SOURCE_FAULTS: tuple[FaultKind, ...] = (
    "throttle",
    "server_error",
    "timeout",
    "malformed",
    "auth",
)
PARTIAL_PAGES = "partial_pages"
FAULTS: tuple[str, ...] = (*WHOLE_SOURCE_FAULTS, PARTIAL_PAGES)
# The client gives up after CALL_TIMEOUT; a hanging fake answers after HANG.
CALL_TIMEOUT, HANG = 0.5, 1.0
PAD_PREFIX = "pad-"


def listing_page(operation: str) -> Callable[[FakeServer], Iterable[Fault]]:
    """The source's cluster listing answers its first page, then fails every call."""

    def faults(server: FakeServer) -> Iterable[Fault]:
        return [Fault(kind="server_error", operation=operation, times=None, skip=1)]

    return faults


def per_cluster_page(operation: str) -> Callable[[FakeServer], Iterable[Fault]]:
    """Each cluster answers the first page of `operation`, then fails the rest."""

    def faults(server: FakeServer) -> Iterable[Fault]:
        clusters: Mapping[str, Any] = getattr(server, "clusters")  # noqa: B009 - FakeKubeServer
        return [
            Fault(kind="server_error", operation=operation, target=cid, times=None, skip=1)
            for cid in sorted(clusters)
        ]

    return faults


def padded(provider: str, per_region: int) -> Callable[[Fleet], Fleet]:
    """The fleet with `per_region` more clusters of `provider` in each of its regions, so a
    listing there takes more than one page (the source excludes them by name)."""

    def pad(fleet: Fleet) -> Fleet:
        extra = [
            SimCluster(
                provider=provider,  # type: ignore[arg-type]
                id=f"{PAD_PREFIX}{region}-{n:04d}",
                name=f"{PAD_PREFIX}{region}-{n:04d}",
                region=region,
                version="1.30.2-tke.1",
                node_pools=(SimNodePool(id="np-pad", name="pad", kubelet_versions={"1.30.2": 1}),),
            )
            for region in fleet.regions(provider)  # type: ignore[arg-type]
            for n in range(per_region)
        ]
        return Fleet(
            accounts=fleet.accounts, clusters=(*fleet.clusters, *extra), catalog=fleet.catalog
        )

    return pad


def every_call(operation: str) -> Callable[[FakeServer], Iterable[Fault]]:
    """The cluster's read answers its first calls, then `operation` fails: Swarm's `/nodes`
    after `/info`, Mesos' `/master/slaves` after every master's `/version` (no paging)."""

    def faults(server: FakeServer) -> Iterable[Fault]:
        return [Fault(kind="server_error", operation=operation, times=None)]

    return faults


def unchanged(fleet: Fleet) -> Fleet:
    return fleet


@dataclass(frozen=True)
class Subject:
    kind: str  # the source type, as `SimulatedFleet.configs` makes it
    server: Callable[[SimulatedFleet], FakeServer]
    partial_pages: Callable[[FakeServer], Iterable[Fault]]
    settings: Mapping[str, Any] = field(default_factory=dict)  # makes the listing page
    fleet: Callable[[Fleet], Fleet] = unchanged


SUBJECTS: tuple[Subject, ...] = (
    Subject("ack", lambda s: s.ack, listing_page("DescribeClustersV1"), {"page_size": 1}),
    Subject("tke", lambda s: s.tke, listing_page("DescribeClusters"), fleet=padded("tke", 100)),
    Subject("kubeconfig", lambda s: s.kube, per_cluster_page("list_nodes"), {"page_size": 1}),
    Subject("swarm", lambda s: next(iter(s.swarms.values())), every_call("nodes")),
    # The leading master (the fleet's first): it serves the agents.
    Subject("mesos", lambda s: next(iter(s.mesos.values())).masters[0], every_call("slaves")),
)


def faults_for(subject: Subject, fault: str, server: FakeServer) -> list[Fault]:
    if fault == PARTIAL_PAGES:
        return list(subject.partial_pages(server))
    return [Fault(kind=fault, times=None, hang_seconds=HANG)]  # type: ignore[arg-type]
