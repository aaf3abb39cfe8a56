"""Fake Apache Mesos masters on 127.0.0.1: one server per master of an HA set.

Each answers like a Mesos 1.x master's HTTP endpoints: `GET /version` (its own build),
`GET /master/redirect` (307 to the leading master, `Location: //host:port`, or 503 when no
master leads) and `GET /master/slaves` (the agents with their `version`; a non-leading master
answers 307 to the leader's same path). With `credentials` set, every call needs HTTP Basic
authentication (`--authenticate_http_readonly`) and is refused with 401 otherwise. Faults:
throttle (429), server_error (500), auth (401), not_found (404), malformed (a cut JSON body),
timeout (hangs).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from kubedrift.sim.fleet_platforms import SimMesos, SimMesosMaster
from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response, stop_all

_OPERATIONS = {"/version": "version", "/master/redirect": "redirect", "/master/slaves": "slaves"}


def _text(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, text.encode(), {"Content-Type": "text/plain", **(headers or {})})


def agents(cluster: SimMesos) -> list[dict[str, Any]]:
    """The `slaves` list of `GET /master/slaves`."""
    out: list[dict[str, Any]] = []
    for group in cluster.agents:
        for hostname in group.hostnames():
            agent: dict[str, Any] = {
                "id": f"{cluster.cluster_id}-S{len(out)}",
                "pid": f"slave(1)@10.30.0.{len(out) + 10}:5051",
                "hostname": hostname,
                "port": 5051,
                "registered_time": 1736150400.0,
                "active": group.active,
                "attributes": dict(group.attributes),
                "resources": {"cpus": 8.0, "mem": 31_000.0, "disk": 200_000.0},
                "capabilities": ["MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT"],
            }
            if group.version is not None:
                agent["version"] = group.version
            out.append(agent)
    return out


class MesosMasterFake(FakeServer):
    """One master of `cluster`; `peers` (set by `MesosFakeCluster`) locates the leader."""

    name = "mesos-master"

    def __init__(
        self,
        cluster: SimMesos,
        master: SimMesosMaster,
        *,
        credentials: tuple[str, str] | None = None,
        port: int = 0,
        latency: float = 0.0,
    ) -> None:
        super().__init__(port=port, latency=latency)
        self.cluster = cluster
        self.master = master
        self.credentials = credentials
        self.peers: dict[str, MesosMasterFake] = {}

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        return _OPERATIONS.get(request.path, request.path), self.master.hostname

    def _leader(self) -> MesosMasterFake | None:
        leader = self.cluster.leader
        return self.peers.get(leader.hostname) if leader is not None else None

    def _authorized(self, request: Request) -> bool:
        if self.credentials is None:
            return True
        principal, secret = self.credentials
        expected = base64.b64encode(f"{principal}:{secret}".encode()).decode()
        return request.header("authorization") == f"Basic {expected}"

    def route(self, request: Request, operation: str) -> Response:
        if not self._authorized(request):
            return _unauthorized()
        if request.method != "GET":
            return _text(405, f"Expecting 'GET', received '{request.method}'")
        if operation == "version":
            version = self.master.version
            return json_response(
                200,
                {
                    "build_date": "2020-11-19 15:59:15",
                    "build_time": 1605801555.0,
                    "build_user": "builder",
                    "git_sha": "0a5f6f1c0d4e1b9d5ed1c6d8ae30c0e8f4e6d2b1",
                    "git_tag": version,
                    "version": version,
                },
            )
        leader = self._leader()
        if operation == "redirect":
            if leader is None:
                return _text(503, "No leader elected")
            return _text(307, "", {"Location": f"//{leader.host}"})
        if operation == "slaves":
            if leader is None:
                return _text(503, "No leader elected")
            if leader is not self:
                return _text(307, "", {"Location": f"//{leader.host}{request.path}"})
            return json_response(200, {"slaves": agents(self.cluster), "recovered_slaves": []})
        return _text(404, "")

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            return _text(429, "Too many requests")
        if fault.kind == "auth":
            return _unauthorized()
        if fault.kind == "not_found":
            return _text(404, "")
        if fault.kind == "malformed":
            return Response(200, b'{"slaves": [{"id": ', {"Content-Type": "application/json"})
        return _text(500, "Failed to get agents: registry unavailable")


def _unauthorized() -> Response:
    return _text(401, "", {"WWW-Authenticate": 'Basic realm="mesos"'})


class MesosFakeCluster:
    """Every master of one simulated Mesos cluster, started and stopped together."""

    def __init__(
        self, cluster: SimMesos, *, credentials: tuple[str, str] | None = None, latency: float = 0
    ) -> None:
        self.cluster = cluster
        self.masters = [
            MesosMasterFake(cluster, master, credentials=credentials, latency=latency)
            for master in cluster.masters
        ]
        peers = {server.master.hostname: server for server in self.masters}
        for server in self.masters:
            server.peers = peers

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.masters]

    def master(self, hostname: str) -> MesosMasterFake:
        return next(s for s in self.masters if s.master.hostname == hostname)

    def reset(self) -> None:
        for server in self.masters:
            server.reset()

    def start(self) -> MesosFakeCluster:
        for server in self.masters:
            server.start()
        return self

    def stop(self) -> None:
        stop_all(self.masters)

    @contextmanager
    def running(self) -> Iterator[MesosFakeCluster]:
        with ExitStack() as stack:
            for server in self.masters:
                stack.enter_context(server.running())
            yield self
