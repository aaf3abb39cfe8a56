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

The cluster is built from the fleet: one node per kubelet version count, kubeadm static
pods for `apiserver_versions`, and per add-on a workload whose pod template names the
declared tag while its pods run `running_version` (old pods not yet replaced, plus one new
pod stuck pulling the declared image) so declared-versus-running drift is visible.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import yaml

from kubedrift.sim.fleet import Fleet, SimAddon, SimCluster
from kubedrift.sim.kube_lease import LEASE_PATH, LeaseApi
from kubedrift.sim.kube_watch import NodeLog
from kubedrift.sim.server import FakeServer, Fault, Request, Response

POOL_LABEL = "kubedrift.io/node-pool"
DAEMONSETS = {
    "kube-proxy",
    "calico-node",
    "cilium",
    "kube-flannel-ds",
    "terway-eniip",
    "csi-plugin",
}
OPERATIONS = {
    ("api", "v1", "nodes"): "list_nodes",
    ("api", "v1", "namespaces", "kube-system", "pods"): "list_pods",
    ("apis", "apps", "v1", "namespaces", "kube-system", "deployments"): "list_deployments",
    ("apis", "apps", "v1", "namespaces", "kube-system", "daemonsets"): "list_daemonsets",
    ("version",): "version",
    ("metrics",): "metrics",
}


def token_for(cluster: SimCluster) -> str:
    return f"kd-sim-{cluster.id}-0a1b2c3d4e"


def _digest(image: str) -> str:
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def _status(code: int, reason: str, message: str) -> Response:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}}
    body |= {"status": "Failure", "message": message, "reason": reason, "code": code}
    return Response(code, json.dumps(body).encode(), {"Content-Type": "application/json"})


def _meta(name: str, labels: dict[str, str] | None = None, ns: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name,
        "uid": hashlib.md5(name.encode(), usedforsecurity=False).hexdigest(),
    }
    if ns:
        meta["namespace"] = ns
    if labels:
        meta["labels"] = labels
    return meta


def _container_status(name: str, image: str, pulled: bool) -> dict[str, Any]:
    state = {"running": {}} if pulled else {"waiting": {"reason": "ImagePullBackOff"}}
    return {
        "name": name,
        "image": image,
        "imageID": f"{image.rsplit(':', 1)[0]}@{_digest(image)}" if pulled else "",
        "ready": pulled,
        "restartCount": 0,
        "state": state,
    }


def _pod(
    name: str, labels: dict[str, str], container: str, image: str, **kw: Any
) -> dict[str, Any]:
    pulled = kw.get("pulled", True)
    return {
        "metadata": _meta(name, labels, "kube-system"),
        "spec": {"nodeName": kw.get("node"), "containers": [{"name": container, "image": image}]},
        "status": {"containerStatuses": [_container_status(container, image, pulled)]},
    }


class KubeCluster:
    """The objects of one simulated cluster, as the API server would list them."""

    def __init__(self, cluster: SimCluster) -> None:
        self.cluster = cluster
        self.nodes: list[dict[str, Any]] = []
        self.pods: list[dict[str, Any]] = []
        self.deployments: list[dict[str, Any]] = []
        self.daemonsets: list[dict[str, Any]] = []
        pool_of: dict[str, list[str]] = {}
        for pool in cluster.node_pools:
            labels = pool.node_labels if pool.node_labels is not None else {POOL_LABEL: pool.id}
            runtime = pool.runtime_version
            if "://" not in runtime:
                runtime = f"{pool.runtime}://{runtime}"
            index = 0
            for kubelet, count in pool.kubelet_versions.items():
                for _ in range(count):
                    name = f"{pool.id}-{index}"
                    index += 1
                    pool_of.setdefault(pool.id, []).append(name)
                    info = {
                        "architecture": "amd64",
                        "bootID": _digest(name)[7:43],
                        "containerRuntimeVersion": runtime,
                        "kernelVersion": pool.kernel_version,
                        # The kubelet reports itself here, not kube-proxy (KEP-4004).
                        "kubeProxyVersion": kubelet,
                        "kubeletVersion": kubelet,
                        "machineID": _digest(name)[7:39],
                        "operatingSystem": "linux",
                        "osImage": pool.os_image,
                        "systemUUID": _digest(name)[7:43],
                    }
                    node_labels = {"kubernetes.io/hostname": name, **labels}
                    self.nodes.append(
                        {"metadata": _meta(name, node_labels), "status": {"nodeInfo": info}}
                    )
        for i, version in enumerate(cluster.apiserver_versions):
            image = f"registry.k8s.io/kube-apiserver:{version}"
            labels = {"component": "kube-apiserver", "tier": "control-plane"}
            self.pods.append(
                _pod(
                    f"kube-apiserver-master-{i}",
                    labels,
                    "kube-apiserver",
                    image,
                    node=f"master-{i}",
                )
            )
        for addon in cluster.addons:
            self._addon(addon, pool_of)

    def _addon(self, addon: SimAddon, pool_of: dict[str, list[str]]) -> None:
        repo = addon.image or f"registry.example.com/{addon.name}"
        declared = f"{repo}:{addon.version}"
        selector = {"k8s-app": addon.name}
        container = addon.name
        kind = "DaemonSet" if addon.name in DAEMONSETS else "Deployment"
        workload = {
            "metadata": _meta(addon.name, selector, "kube-system"),
            "spec": {
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": selector},
                    "spec": {"containers": [{"name": container, "image": declared}]},
                },
            },
        }
        (self.daemonsets if kind == "DaemonSet" else self.deployments).append(workload)
        pods_on: list[tuple[str | None, str]] = []
        if addon.name == "kube-proxy":
            for pool in self.cluster.node_pools:
                version = pool.kube_proxy_version or addon.running
                pods_on += [(node, version) for node in pool_of.get(pool.id, [])]
        else:
            pods_on = [(None, addon.running), (None, addon.running)]
        for i, (node, version) in enumerate(pods_on):
            name = f"{addon.name}-{i}"
            self.pods.append(_pod(name, selector, container, f"{repo}:{version}", node=node))
        if addon.running != addon.version:
            # The rollout is stuck: the replacement pod cannot pull the declared image.
            stuck = f"{addon.name}-new"
            self.pods.append(_pod(stuck, selector, container, declared, pulled=False))

    def version(self) -> dict[str, str]:
        raw = self.cluster.version
        parts = raw.lstrip("v").split(".")
        return {
            "major": parts[0],
            "minor": parts[1] if len(parts) > 1 else "",
            "gitVersion": raw,
            "gitCommit": "0" * 40,
            "gitTreeState": "clean",
            "buildDate": "2024-04-16T00:00:00Z",
            "goVersion": "go1.22.2",
            "compiler": "gc",
            "platform": "linux/amd64",
        }

    def metrics(self) -> str:
        lines = [
            "# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs",
            "# TYPE apiserver_requested_deprecated_apis gauge",
        ]
        for api in self.cluster.deprecated_apis:
            labels = (
                f'group="{api.group}",removed_release="{api.removed_release or ""}",'
                f'resource="{api.resource}",subresource="",version="{api.version}"'
            )
            lines.append(f"apiserver_requested_deprecated_apis{{{labels}}} 1")
        lines.append('apiserver_request_total{code="200",verb="GET"} 42')
        return "\n".join(lines) + "\n"


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
                return _status(404, "NotFound", "the server could not find the requested resource")
            given = request.header("authorization") or ""
            return self.lease_api.handle(request, lease, authorized=given == f"Bearer {token}")
        sim = self.clusters.get(cluster_id or "")
        if sim is None or operation == "unknown" or request.method != "GET":
            return _status(404, "NotFound", "the server could not find the requested resource")
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or token != self.tokens[sim.cluster.id]:
            return _status(401, "Unauthorized", "Unauthorized")
        if (sim.cluster.id, operation) in self.denied:
            return _status(403, "Forbidden", f"{operation} is forbidden: User cannot do this")
        if operation == "version":
            return self._json(sim.version())
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
        return self._json(body)

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

    @staticmethod
    def _json(body: dict[str, Any]) -> Response:
        return Response(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            response = _status(429, "TooManyRequests", "too many requests, please try again")
            if fault.retry_after is not None:
                response.headers["Retry-After"] = str(int(fault.retry_after))
            return response
        if fault.kind == "auth":
            return _status(401, "Unauthorized", "Unauthorized")
        if fault.kind == "not_found":
            return _status(404, "NotFound", "the server could not find the requested resource")
        if fault.kind == "malformed":
            return Response(
                200, b'{"kind": "NodeList", "items": [{', {"Content-Type": "application/json"}
            )
        # server_error, and timeout after hanging past the client's patience
        return _status(500, "InternalError", "etcdserver: request timed out")


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
