"""A fake Kubernetes API server for the fleet's kubeconfig clusters, and their kubeconfig.

One server serves every `provider: kubeconfig` cluster of a `Fleet` under a path prefix
(`/clusters/<id>`), which is the `server:` URL of that cluster's context. It answers what
the collector reads: `/version` (the client asks for `/version/`), nodes, pods, Deployments
and DaemonSets (paged with `limit` / `continue`) and `/metrics`. Each cluster has its own
bearer token; anything else is a 401 `Status`. `deny(cluster, operation)` plays RBAC (403).
Nodes carry resourceVersions and `?watch=true` streams their changes (`kube_watch.py`:
`node_logs[cluster].set_kubelet(node, version)`, `add`, `remove`, `compact`).
`coordination.k8s.io/v1` Leases can be read, created and replaced (resourceVersion checked,
409 on a stale update) for leader election (`kube_lease.py`); they are kept in `leases`.
The objects a cluster lists are built from the fleet in `kube_objects.py`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import yaml

from kubedrift.sim.fleet import Fleet, SimCluster
from kubedrift.sim.kube_lease import LEASE_PATH, LeaseApi
from kubedrift.sim.kube_objects import KubeCluster, failure_status
from kubedrift.sim.kube_watch import NodeLog
from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response

OPERATIONS = {
    ("api", "v1", "nodes"): "list_nodes",
    ("api", "v1", "namespaces", "kube-system", "pods"): "list_pods",
    ("apis", "apps", "v1", "namespaces", "kube-system", "deployments"): "list_deployments",
    ("apis", "apps", "v1", "namespaces", "kube-system", "daemonsets"): "list_daemonsets",
    ("version",): "version",
    ("metrics",): "metrics",
}

_NOT_FOUND = "the server could not find the requested resource"


def token_for(cluster: SimCluster) -> str:
    return f"kd-sim-{cluster.id}-0a1b2c3d4e"


class FakeKubeServer(FakeServer):
    """Serves every kubeconfig cluster of a fleet; see the module docstring."""

    name = "kube"

    def __init__(self, fleet: Fleet, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clusters = {c.id: KubeCluster(c) for c in fleet.of("kubeconfig")}
        self.tokens = {c.id: token_for(c) for c in fleet.of("kubeconfig")}
        self.denied: set[tuple[str, str]] = set()
        # coordination.k8s.io/v1 Leases by (cluster, namespace, name): leader election.
        self.lease_api = LeaseApi()
        self.leases = self.lease_api.leases
        # Node changes with resourceVersions, served to `?watch=true` (`kube_watch.py`).
        self._closing = threading.Event()
        self.node_logs = {
            cid: NodeLog(sim.nodes, self._closing) for cid, sim in self.clusters.items()
        }

    def url_for(self, cluster_id: str) -> str:
        return f"{self.url}/clusters/{cluster_id}"

    def deny(self, cluster_id: str, operation: str) -> None:
        """RBAC: answer 403 to `operation` (list_nodes, metrics, ...) for this cluster."""
        self.denied.add((cluster_id, operation))

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        parts = [p for p in request.path.split("/") if p]
        if len(parts) < 2 or parts[0] != "clusters":
            return "unknown", None
        return OPERATIONS.get(tuple(parts[2:]), "unknown"), parts[1]

    def rate_limit_key(self, request: Request) -> str:
        return self.operation_of(request)[1] or "all"

    def route(self, request: Request, operation: str) -> Response:
        cluster_id = self.operation_of(request)[1]
        if (lease := LEASE_PATH.match(request.path)) is not None:
            token = self.tokens.get(lease["cluster"])
            if token is None:
                return failure_status(404, "NotFound", _NOT_FOUND)
            given = request.header("authorization") or ""
            return self.lease_api.handle(request, lease, authorized=given == f"Bearer {token}")
        sim = self.clusters.get(cluster_id or "")
        if sim is None or operation == "unknown" or request.method != "GET":
            return failure_status(404, "NotFound", _NOT_FOUND)
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or token != self.tokens[sim.cluster.id]:
            return failure_status(401, "Unauthorized", "Unauthorized")
        if (sim.cluster.id, operation) in self.denied:
            return failure_status(
                403, "Forbidden", f"{operation} is forbidden: User cannot do this"
            )
        if operation == "version":
            return json_response(200, sim.version())
        if operation == "metrics":
            return Response(200, sim.metrics().encode(), {"Content-Type": "text/plain"})
        if operation == "list_nodes" and request.query.get("watch") in ("true", "True", "1"):
            return self._watch(sim.cluster.id, request)
        kind, items = {
            "list_nodes": ("NodeList", sim.nodes),
            "list_pods": ("PodList", sim.pods),
            "list_deployments": ("DeploymentList", sim.deployments),
            "list_daemonsets": ("DaemonSetList", sim.daemonsets),
        }[operation]
        body = self._page(kind, items, request)
        if operation == "list_nodes":
            body["metadata"]["resourceVersion"] = str(self.node_logs[sim.cluster.id].version)
        return json_response(200, body)

    def _watch(self, cluster_id: str, request: Request) -> Response:
        timeout = float(request.query.get("timeoutSeconds") or 1800)
        bookmarks = request.query.get("allowWatchBookmarks") in ("true", "True", "1")
        log = self.node_logs[cluster_id]
        lines = log.watch(request.query.get("resourceVersion"), timeout, bookmarks)
        return Response(200, b"", {"Content-Type": "application/json"}, stream=lines)

    def stop(self) -> None:
        # Open watches end at once rather than at their timeout.
        self._closing.set()
        for log in self.node_logs.values():
            log.wake()
        super().stop()

    @staticmethod
    def _page(kind: str, items: list[dict[str, Any]], request: Request) -> dict[str, Any]:
        start = int(request.query.get("continue") or 0)
        limit = int(request.query.get("limit") or 0) or len(items) or 1
        chunk = items[start : start + limit]
        meta: dict[str, Any] = {"resourceVersion": "1000"}
        if start + limit < len(items):
            meta["continue"] = str(start + limit)
        return {"kind": kind, "apiVersion": "v1", "metadata": meta, "items": chunk}

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            response = failure_status(429, "TooManyRequests", "too many requests, please try again")
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(int(fault.retry_after))
            return response
        if fault.kind == "auth":
            return failure_status(401, "Unauthorized", "Unauthorized")
        if fault.kind == "not_found":
            return failure_status(404, "NotFound", _NOT_FOUND)
        if fault.kind == "malformed":
            return Response(
                200, b'{"kind": "NodeList", "items": [{', {"Content-Type": "application/json"}
            )
        # server_error, and timeout after hanging past the client's patience
        return failure_status(500, "InternalError", "etcdserver: request timed out")


def write_kubeconfig(
    server: FakeKubeServer, path: Path, *, tokens: dict[str, str] | None = None
) -> Path:
    """A kubeconfig with one context per simulated cluster, named after the cluster id."""
    ids = sorted(server.clusters)
    tokens = {**server.tokens, **(tokens or {})}
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": ids[0] if ids else "",
        "clusters": [{"name": i, "cluster": {"server": server.url_for(i)}} for i in ids],
        "users": [{"name": f"{i}-reader", "user": {"token": tokens[i]}} for i in ids],
        "contexts": [{"name": i, "context": {"cluster": i, "user": f"{i}-reader"}} for i in ids],
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path
