"""Reading one cluster through a `KubeApi`: which calls, in which order, and what RBAC may hide.

Calls, each under the gate (the context name is the rate-limit bucket): `GET /version`;
the nodes (paged); per add-on namespace the pods, Deployments and DaemonSets (paged);
`GET /metrics`. A 403 on a list or on `/metrics` names the part in `unknown` and the rest is
reported; everything else that outlives the gate's retries fails the cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from kubedrift.collectors.base import ApiGate
from kubedrift.collectors.kube_addons import addons, control_plane_components, proxy_versions
from kubedrift.collectors.kube_facts import PodFacts, WorkloadFacts
from kubedrift.collectors.kube_metrics import MetricsFormatError, deprecated_apis
from kubedrift.collectors.kube_pools import group_pools
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterInventory, ClusterRef, ControlPlane, DeprecatedApiUse
from kubedrift.versions import InvalidVersion, parse_version

if TYPE_CHECKING:
    from kubedrift.collectors.kube import KubeSettings
    from kubedrift.collectors.kube_api import KubeApi

log = logging.getLogger(__name__)
T = TypeVar("T")
Fetch = Callable[[str | None], tuple[list[T], str | None]]


class ClusterReader:
    """Reads one cluster once; `unknown` gathers the parts that could not be read."""

    def __init__(self, api: KubeApi, gate: ApiGate, settings: KubeSettings, ref: ClusterRef):
        self.api = api
        self.gate = gate
        self.settings = settings
        self.ref = ref
        self.unknown: set[str] = set()

    def call(self, operation: str, fn: Callable[[], T]) -> T:
        return self.gate(operation, fn, region=self.ref.id)

    def pages(self, operation: str, fetch: Fetch[T]) -> list[T]:
        """Every page of a list: one gated call per page, following `metadata.continue`."""
        items: list[T] = []
        token: str | None = None
        while True:
            page, token = self.call(operation, partial(fetch, token))
            items.extend(page)
            if not token:
                return items

    def optional(self, part: str, operation: str, fetch: Fetch[T]) -> list[T] | None:
        from kubedrift.collectors.kube_api import ForbiddenError

        try:
            return self.pages(operation, fetch)
        except ForbiddenError:
            log.info("forbidden: %s", operation, extra={"cluster": self.ref.key, "part": part})
            self.unknown.add(part)
            return None

    def read(self, now: datetime) -> ClusterInventory:
        raw = self.call("GET /version", self.api.version)
        try:
            version = parse_version(raw)
        except InvalidVersion:
            version = None
            self.unknown.add("control_plane.version")
        nodes = self.optional("node_pools", "list nodes", self.api.nodes)
        pods: list[PodFacts] = []
        workloads: list[WorkloadFacts] = []
        for ns in self.settings.namespaces:
            pods += self.optional("pods", f"list pods {ns}", partial(self.api.pods, ns)) or []
            for kind, fetch in (
                ("deployments", partial(self.api.deployments, ns)),
                ("daemonsets", partial(self.api.daemonsets, ns)),
            ):
                workloads += self.optional("addons", f"list {kind} {ns}", fetch) or []
        if "pods" in self.unknown:
            # Without pods: no running versions, no static pods, no kube-proxy per pool.
            self.unknown.discard("pods")
            self.unknown.update(
                {"addons.running_version", "control_plane.components", "node_pools.kube_proxy"}
            )
        control_plane = ControlPlane(version=version, components=control_plane_components(pods))
        pools = group_pools(nodes or [], self.settings.pool_labels, proxy_versions(workloads, pods))
        deprecated = self.deprecated()
        return ClusterInventory.model_validate(
            {
                "ref": self.ref,
                "collected_at": now,
                "control_plane": control_plane,
                "node_pools": pools,
                "addons": addons(workloads, pods),
                "deprecated_apis": deprecated,
                "unknown": tuple(sorted(self.unknown)),
            }
        )

    def deprecated(self) -> tuple[DeprecatedApiUse, ...] | None:
        if not self.settings.read_metrics:
            self.unknown.add("deprecated_apis")
            return None
        try:
            return deprecated_apis(self.call("GET /metrics", self.api.metrics))
        except (CollectError, MetricsFormatError) as exc:
            # Optional and often forbidden (nonResourceURLs /metrics): it never fails a
            # cluster, whatever went wrong; it is reported as not known.
            log.info(
                "deprecated APIs not readable: %s",
                exc,
                extra={"cluster": self.ref.key, "part": "deprecated_apis"},
            )
            self.unknown.add("deprecated_apis")
            return None
