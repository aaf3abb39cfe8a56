"""Apache Mesos collector: the only module that imports `httpx`.

One source is one Mesos cluster. Collecting it asks every configured master for its
`/version`, asks `/master/redirect` which master leads (307 to `//host:port`, 503 when none
does) and reads the agents from the leader's `/master/slaves`. A master that cannot be
read leaves its version unknown (`unknown: control_plane.components`); without a leader the
agents are unknown (`unknown: node_pools`); when no master answers at all, the collection
fails. Every call goes through the source's `ApiGate`. See docs/collectors/mesos.md.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import urlsplit

import httpx

from kubedrift.collectors import mesos_parse as parse
from kubedrift.collectors.base import ApiGate, CollectorConfig
from kubedrift.collectors.mesos_config import MesosConfig
from kubedrift.errors import CollectError, tls_failure_in
from kubedrift.model.inventory import ClusterInventory, ClusterRef, NodePool, Platform

PROVIDER = "mesos"


class MesosCollector:
    """Reads one Mesos cluster over its masters' HTTP API."""

    Config: ClassVar[type[CollectorConfig]] = MesosConfig

    def __init__(self, config: CollectorConfig, gate: ApiGate, environ: Mapping[str, str]) -> None:
        if not isinstance(config, MesosConfig):
            raise TypeError(f"MesosCollector needs a MesosConfig, got {type(config).__name__}")
        self.config = config
        self._gate = gate
        self._secret = environ.get(config.secret_env) if config.principal else None
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------
    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                if self.config.principal and not self._secret:
                    raise CollectError(
                        f"source {self.config.name}: principal {self.config.principal!r} is set "
                        f"but {self.config.secret_env} is empty",
                        reason="config",
                        retryable=False,
                    )
                principal, secret = self.config.principal, self._secret
                auth = httpx.BasicAuth(principal, secret) if principal and secret else None
                verify: ssl.SSLContext | bool = self.config.verify
                if self.config.verify and self.config.ca_cert is not None:
                    verify = ssl.create_default_context(cafile=str(self.config.ca_cert))
                self._client = httpx.Client(
                    auth=auth,
                    verify=verify,
                    timeout=self.config.timeout,
                    follow_redirects=False,
                    trust_env=False,
                )
            return self._client

    def _get(self, url: str, operation: str, accept: tuple[int, ...] = ()) -> httpx.Response:
        """GET through the gate; an error status raises unless it is in `accept`."""

        def once() -> httpx.Response:
            try:
                response = self._http().get(url)
            except httpx.TimeoutException as exc:
                raise CollectError(
                    f"{operation}: timed out", reason="timeout", retryable=True
                ) from exc
            except httpx.TransportError as exc:
                if tls_failure_in(exc):
                    raise CollectError(
                        f"{operation}: TLS failed (check ca_cert): {str(exc)[:200]}",
                        reason="auth",
                        retryable=False,
                    ) from exc
                raise CollectError(
                    f"{operation}: cannot connect: {str(exc)[:200]}",
                    reason="server",
                    retryable=True,
                ) from exc
            if response.status_code not in accept:
                _raise_for(response, operation)
            return response

        return self._gate(operation, once, region=None)

    def _json(self, url: str, operation: str) -> object:
        response = self._get(url, operation)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CollectError(
                f"{operation}: the answer is not JSON: {exc}", reason="malformed", retryable=False
            ) from exc

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # -- the collector --------------------------------------------------------------------
    def discover(self) -> list[ClusterRef]:
        return self.config.the_one_cluster(PROVIDER, self.config.mesos_name, Platform.MESOS)

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        versions: dict[str, str | None] = {}
        failures: list[CollectError] = []
        for url in self.config.masters:
            try:
                versions[url] = parse.version_of(self._json(f"{url}/version", f"GET {url}/version"))
            except ValueError as exc:
                failures.append(CollectError(str(exc), reason="malformed", retryable=False))
                versions[url] = None
            except CollectError as exc:
                failures.append(exc)
                versions[url] = None
        if len(failures) == len(self.config.masters):
            first = failures[0]
            raise CollectError(
                f"no master of {cluster.name} answered: {first}",
                reason=first.reason,
                retryable=first.retryable,
            ) from first
        reachable = next(url for url, v in versions.items() if v is not None)
        leader = self._leader(reachable)
        unknown: list[str] = ["control_plane.components"] if failures else []
        masters = [
            parse.MasterSeen(
                address=_address(url),
                version=version,
                leader=(leader == _address(url)) if leader is not None else None,
            )
            for url, version in versions.items()
        ]
        pools: tuple[NodePool, ...] = ()
        if leader is None:
            unknown.append("node_pools")
        else:
            scheme = urlsplit(reachable).scheme
            url = f"{scheme}://{leader}/master/slaves"
            try:
                agents = parse.parse_agents(
                    self._json(url, f"GET {url}"), self.config.group_by_attribute
                )
            except ValueError as exc:
                raise CollectError(str(exc), reason="malformed", retryable=False) from exc
            pools = parse.agent_pools(agents)
        return ClusterInventory.model_validate(
            {
                "ref": cluster,
                "collected_at": datetime.now(UTC),
                "control_plane": parse.control_plane(masters),
                "node_pools": pools,
                "unknown": tuple(unknown),
            }
        )

    def _leader(self, master_url: str) -> str | None:
        """`host:port` of the leading master; None when no master leads (503)."""
        operation = f"GET {master_url}/master/redirect"
        response = self._get(f"{master_url}/master/redirect", operation, accept=(503,))
        if response.status_code == 503:
            return None
        location = response.headers.get("location", "")
        netloc = urlsplit(location if "//" in location else f"//{location}").netloc
        if response.status_code != 307 or not netloc:
            raise CollectError(
                f"{operation}: expected 307 with a Location, found {response.status_code} "
                f"{location!r}",
                reason="malformed",
                retryable=False,
            )
        return netloc


def _address(url: str) -> str:
    return urlsplit(url).netloc


def _raise_for(response: httpx.Response, operation: str) -> None:
    status = response.status_code
    if status < 400:
        return
    raise CollectError.for_status(f"{operation}: HTTP {status}: {response.text[:200]}", status)
