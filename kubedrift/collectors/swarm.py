"""Docker Swarm collector: the only module that imports the `docker` SDK.

One source is one Swarm, read through one manager's Engine API: `GET /version` (the API
version is negotiated when `api_version: auto`), `GET /info` (is this daemon a manager of an
active swarm, and which cluster) and `GET /nodes` (every manager and worker with its Engine
version). Every call goes through the source's `ApiGate`; SDK and transport exceptions become
`CollectError` here (see `swarm_errors`). See docs/collectors/swarm.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import docker
from docker.errors import APIError, DockerException, TLSParameterError
from docker.tls import TLSConfig

from kubedrift.collectors import swarm_parse as parse
from kubedrift.collectors.base import ApiGate, CollectorConfig
from kubedrift.collectors.swarm_config import SwarmConfig
from kubedrift.collectors.swarm_errors import from_api_error, from_transport
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterInventory, ClusterRef, Platform

T = TypeVar("T")
PROVIDER = "swarm"
# Building a client at this version sends nothing; the real version is negotiated after.
MINIMUM_API_VERSION = "1.24"


class SwarmCollector:
    """Reads one Swarm through `docker.APIClient`."""

    Config: ClassVar[type[CollectorConfig]] = SwarmConfig

    def __init__(self, config: CollectorConfig, gate: ApiGate, environ: Mapping[str, str]) -> None:
        if not isinstance(config, SwarmConfig):
            raise TypeError(f"SwarmCollector needs a SwarmConfig, got {type(config).__name__}")
        self.config = config
        self._gate = gate
        self._client: Any = None
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------
    def _tls(self) -> TLSConfig | bool:
        config = self.config
        if not config.uses_tls:
            return False
        client_cert = None
        if config.tls_client_cert is not None and config.tls_client_key is not None:
            client_cert = (str(config.tls_client_cert), str(config.tls_client_key))
        ca_cert = str(config.tls_ca_cert) if config.tls_ca_cert is not None else None
        try:
            return TLSConfig(client_cert=client_cert, ca_cert=ca_cert, verify=config.tls_verify)
        except TLSParameterError as exc:
            raise CollectError(
                f"source {config.name}: {exc} (tls_ca_cert / tls_client_cert / tls_client_key)",
                reason="config",
                retryable=False,
            ) from exc

    def _api(self) -> Any:
        """The SDK client, built on first use; `auto` asks the daemon's /version first."""
        with self._lock:
            if self._client is None:
                version = self.config.api_version
                if version == "auto":
                    probe = self._new_client(MINIMUM_API_VERSION)
                    try:
                        version = str(probe.version(api_version=False)["ApiVersion"])
                    except (KeyError, TypeError) as exc:
                        raise CollectError(
                            f"GET /version: unexpected answer: no ApiVersion ({exc})",
                            reason="malformed",
                            retryable=False,
                        ) from exc
                    finally:
                        probe.close()
                self._client = self._new_client(version)
            return self._client

    def _new_client(self, version: str) -> Any:
        client = docker.APIClient(
            base_url=self.config.host,
            version=version,
            timeout=self.config.timeout,
            tls=self._tls(),
        )
        if self.config.tls_ca_cert is not None:
            # requests lets REQUESTS_CA_BUNDLE (set on many hosts) replace a session's own
            # CA file; the source's tls_ca_cert must win, so the environment is not read.
            client.trust_env = False
        return client

    def _call(self, operation: str, fn: Callable[[Any], T]) -> T:
        host = self.config.host

        def once() -> T:
            try:
                return fn(self._api())
            except CollectError:
                raise
            except APIError as exc:
                raise from_api_error(exc, operation) from exc
            except DockerException as exc:
                # Raised while negotiating the API version: the transport error is its cause.
                cause = exc.__cause__ or exc.__context__
                mapped = from_transport(cause, operation, host) if cause is not None else None
                if mapped is not None:
                    raise mapped from exc
                raise CollectError(
                    f"{operation}: {str(exc)[:300]}", reason="server", retryable=False
                ) from exc
            except (OSError, ValueError) as exc:
                mapped = from_transport(exc, operation, host)
                if mapped is None:
                    raise
                raise mapped from exc

        return self._gate(operation, once, region=None)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # -- the collector --------------------------------------------------------------------
    def discover(self) -> list[ClusterRef]:
        """The one Swarm of this source; reading it is left to `collect`."""
        return self.config.the_one_cluster(PROVIDER, self.config.swarm_name, Platform.SWARM)

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        info = self._call("GET /info", lambda api: api.info())
        self._check_manager(info)
        payload = self._call("GET /nodes", lambda api: api.nodes())
        try:
            nodes = parse.parse_nodes(payload, self.config.group_by_label)
        except ValueError as exc:
            raise CollectError(
                f"GET /nodes: unexpected answer: {exc}", reason="malformed", retryable=False
            ) from exc
        return ClusterInventory.model_validate(
            {
                "ref": cluster,
                "collected_at": datetime.now(UTC),
                "control_plane": parse.control_plane(nodes),
                "node_pools": parse.node_pools(nodes),
            }
        )

    def _check_manager(self, info: object) -> None:
        swarm = info.get("Swarm") if isinstance(info, dict) else None
        if not isinstance(swarm, dict):
            raise CollectError(
                "GET /info: unexpected answer: no Swarm section",
                reason="malformed",
                retryable=False,
            )
        state = swarm.get("LocalNodeState")
        if state != "active":
            raise CollectError(
                f"GET /info: {self.config.host} is not part of an active swarm "
                f"(LocalNodeState {state!r})",
                reason="config",
                retryable=False,
            )
        if swarm.get("ControlAvailable") is not True:
            raise CollectError(
                f"GET /info: {self.config.host} is a swarm worker, not a manager: point `host` "
                "at a manager",
                reason="config",
                retryable=False,
            )
