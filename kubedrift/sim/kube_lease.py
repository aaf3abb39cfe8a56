"""The fake Kubernetes API's `coordination.k8s.io/v1` Leases, for leader election tests.

GET, POST (409 when it exists) and PUT (404 when missing, 409 when the `resourceVersion`
sent is not the stored one: the optimistic concurrency two racing replicas meet in a real
cluster). Every write gets a new `resourceVersion`. `FakeKubeServer` routes to it.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from typing import Any

from kubedrift.sim.kube_objects import failure_status
from kubedrift.sim.server import Request, Response, json_response

LEASE_PATH = re.compile(
    r"^/clusters/(?P<cluster>[^/]+)/apis/coordination\.k8s\.io/v1/namespaces/(?P<namespace>[^/]+)"
    r"/leases(?:/(?P<name>[^/]+))?$"
)


class LeaseApi:
    """Leases by (cluster, namespace, name); thread-safe."""

    def __init__(self) -> None:
        self.leases: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._versions = itertools.count(1)
        self._lock = threading.Lock()

    def handle(self, request: Request, match: re.Match[str], *, authorized: bool) -> Response:
        if not authorized:
            return failure_status(401, "Unauthorized", "Unauthorized")
        cluster, namespace, name = match["cluster"], match["namespace"], match["name"]
        with self._lock:
            if request.method == "GET" and name:
                found = self.leases.get((cluster, namespace, name))
                if found is None:
                    return failure_status(404, "NotFound", f'leases "{name}" not found')
                return json_response(200, found)
            if request.method not in ("POST", "PUT"):
                return failure_status(405, "MethodNotAllowed", "method not allowed")
            body = json.loads(request.body or b"{}")
            meta = body.setdefault("metadata", {})
            name = name or meta.get("name", "")
            key = (cluster, namespace, name)
            stored = self.leases.get(key)
            if request.method == "POST" and stored is not None:
                return failure_status(409, "AlreadyExists", f'leases "{name}" already exists')
            if request.method == "PUT":
                if stored is None:
                    return failure_status(404, "NotFound", f'leases "{name}" not found')
                if meta.get("resourceVersion") != stored["metadata"]["resourceVersion"]:
                    return failure_status(409, "Conflict", "the object has been modified")
            meta.update(name=name, namespace=namespace, resourceVersion=str(next(self._versions)))
            body.update(apiVersion="coordination.k8s.io/v1", kind="Lease")
            self.leases[key] = body
            status = 201 if request.method == "POST" else 200
            return json_response(status, body)
