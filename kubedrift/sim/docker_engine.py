"""A fake Docker Engine API (one Swarm manager's daemon) on 127.0.0.1, TCP, TLS or a unix socket.

It answers the read-only calls the Swarm collector makes, shaped like the Engine API reference:
`GET /_ping`, `GET /version`, `GET /info` and `GET /nodes`, with or without an API version
prefix (`/v1.47/nodes`); a prefix outside the daemon's [MinAPIVersion, ApiVersion] is refused
with 400 as dockerd refuses it. `as_worker=True` makes it a node that is not a swarm manager:
`/nodes` answers 503 "This node is not a swarm manager...". Errors are `{"message": ...}`
bodies. Faults: throttle (429), server_error (500), auth (403 from an authorization plugin),
not_found (404), malformed (a cut JSON body), timeout (hangs). TLS with a client-certificate
check comes from `kubedrift.sim.certs`.
"""

from __future__ import annotations

import hashlib
import re
import ssl
from typing import Any

from kubedrift.sim.fleet_platforms import SimSwarm
from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response

_PREFIX = re.compile(r"^/v(\d+)\.(\d+)(/.*)$")
_OPERATIONS = {"/_ping": "ping", "/version": "version", "/info": "info", "/nodes": "nodes"}
NOT_A_MANAGER = (
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
    "connect this node to swarm and try again."
)


def _message(status: int, message: str) -> Response:
    return json_response(status, {"message": message})


def _node_id(swarm: SimSwarm, hostname: str) -> str:
    return hashlib.sha256(f"{swarm.cluster_id}/{hostname}".encode()).hexdigest()[:25]


def _api(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def swarm_nodes(swarm: SimSwarm) -> list[dict[str, Any]]:
    """`GET /nodes` for a swarm: one object per node; the first manager leads."""
    nodes: list[dict[str, Any]] = []
    leader_given = False
    for group in swarm.nodes:
        for hostname in group.hostnames():
            node: dict[str, Any] = {
                "ID": _node_id(swarm, hostname),
                "Version": {"Index": 100 + len(nodes)},
                "CreatedAt": "2025-01-06T09:12:44.31228431Z",
                "UpdatedAt": "2025-06-02T07:41:02.12820733Z",
                "Spec": {
                    "Labels": dict(group.labels),
                    "Role": group.role,
                    "Availability": group.availability,
                },
                "Description": {
                    "Hostname": hostname,
                    "Platform": {"Architecture": group.architecture, "OS": group.os},
                    "Resources": {"NanoCPUs": 4_000_000_000, "MemoryBytes": 8_272_408_576},
                    "Engine": {"EngineVersion": group.engine_version, "Labels": {}, "Plugins": []},
                },
                "Status": {"State": group.state, "Addr": f"10.20.0.{len(nodes) + 10}"},
            }
            if group.role == "manager":
                leads = not leader_given and group.state == "ready"
                leader_given = leader_given or leads
                reachable = "reachable" if group.state == "ready" else "unreachable"
                node["ManagerStatus"] = {
                    "Leader": leads,
                    "Reachability": reachable,
                    "Addr": f"10.20.0.{len(nodes) + 10}:2377",
                }
            nodes.append(node)
    return nodes


class EngineFakeServer(FakeServer):
    """The Engine API of one manager of `swarm` (its first manager's daemon)."""

    name = "docker-engine"

    def __init__(
        self,
        swarm: SimSwarm,
        *,
        as_worker: bool = False,
        tls: ssl.SSLContext | None = None,
        unix_socket: str | None = None,
        port: int = 0,
        latency: float = 0.0,
    ) -> None:
        super().__init__(port=port, latency=latency, tls=tls, unix_socket=unix_socket)
        self.swarm = swarm
        self.as_worker = as_worker

    def _split(self, path: str) -> tuple[tuple[int, int] | None, str]:
        match = _PREFIX.match(path)
        if match is None:
            return None, path
        return (int(match.group(1)), int(match.group(2))), match.group(3)

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        _, path = self._split(request.path)
        return _OPERATIONS.get(path, path), self.swarm.name

    def route(self, request: Request, operation: str) -> Response:
        version, path = self._split(request.path)
        if version is not None:
            low, high = _api(self.swarm.min_api_version), _api(self.swarm.api_version)
            wanted = f"{version[0]}.{version[1]}"
            if version > high:
                return _message(
                    400,
                    f"client version {wanted} is too new. Maximum supported API version is "
                    f"{self.swarm.api_version}",
                )
            if version < low:
                return _message(
                    400,
                    f"client version {wanted} is too old. Minimum supported API version is "
                    f"{self.swarm.min_api_version}, please upgrade your client to a newer version",
                )
        if request.method not in ("GET", "HEAD"):
            return _message(405, f"method {request.method} not allowed on this fake")
        if operation == "ping":
            headers = {
                "Content-Type": "text/plain; charset=utf-8",
                "Api-Version": self.swarm.api_version,
                "Swarm": "active/worker" if self.as_worker else "active/manager",
            }
            return Response(200, b"OK", headers)
        if operation == "version":
            return json_response(200, self._version())
        if operation == "info":
            return json_response(200, self._info())
        if operation == "nodes":
            if self.as_worker:
                return _message(503, NOT_A_MANAGER)
            return json_response(200, swarm_nodes(self.swarm))
        return _message(404, f"page not found: {path}")

    def _version(self) -> dict[str, Any]:
        engine = self.swarm.daemon_version
        return {
            "Platform": {"Name": "Docker Engine - Community"},
            "Components": [{"Name": "Engine", "Version": engine, "Details": {}}],
            "Version": engine,
            "ApiVersion": self.swarm.api_version,
            "MinAPIVersion": self.swarm.min_api_version,
            "GitCommit": "4c9b3b0",
            "GoVersion": "go1.22.11",
            "Os": "linux",
            "Arch": "amd64",
            "KernelVersion": "6.1.0-31-amd64",
            "BuildTime": "2025-01-21T00:58:16.000000000+00:00",
        }

    def _info(self) -> dict[str, Any]:
        nodes = swarm_nodes(self.swarm)
        first = nodes[0]
        managers = sum(1 for n in nodes if n["Spec"]["Role"] == "manager")
        swarm: dict[str, Any] = {
            "NodeID": first["ID"],
            "NodeAddr": first["Status"]["Addr"],
            "LocalNodeState": "active",
            "ControlAvailable": not self.as_worker,
            "Error": "",
            "RemoteManagers": [
                {"NodeID": n["ID"], "Addr": n["ManagerStatus"]["Addr"]}
                for n in nodes
                if "ManagerStatus" in n
            ],
            "Nodes": len(nodes),
            "Managers": managers,
        }
        if not self.as_worker:
            swarm["Cluster"] = {"ID": self.swarm.cluster_id, "Spec": {"Name": "default"}}
        return {
            "ID": "7TRN:IPZB:QYBB:VPBQ:UWYS:ZPTE:3QWZ:7YPR:6LJU:TFDA:VKJT:JOVQ",
            "Name": first["Description"]["Hostname"],
            "ServerVersion": self.swarm.daemon_version,
            "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
            "KernelVersion": "6.1.0-31-amd64",
            "Swarm": swarm,
        }

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            return _message(429, "too many requests")
        if fault.kind == "auth":
            return _message(403, "authorization denied by plugin kubedrift-authz: read denied")
        if fault.kind == "not_found":
            return _message(404, f"page not found: {request.path}")
        if fault.kind == "malformed":
            return Response(200, b'[{"ID": "24ifsmvkjbyhk", "Spec": {', {})
        return _message(500, "rpc error: code = Unknown desc = raft: no elected cluster leader")
