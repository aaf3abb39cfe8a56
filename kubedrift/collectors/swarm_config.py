"""Settings of a Docker Swarm source (`type: swarm`), kept apart from the `docker` SDK so
settings load without it.

One source reads one Swarm through the Engine API of one of its managers: over TCP (with
TLS and a client certificate, as `dockerd --tlsverify` demands) or over the daemon's unix
socket. See docs/collectors/swarm.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from kubedrift.collectors.base import CollectorConfig

_SCHEMES = ("tcp", "unix", "http", "https")


class SwarmConfig(CollectorConfig):
    """A Swarm reached through one manager's Engine API."""

    path_fields: ClassVar[tuple[str, ...]] = ("tls_ca_cert", "tls_client_cert", "tls_client_key")

    type: Literal["swarm"] = "swarm"
    host: str = Field(
        description="a manager's Engine API: tcp://manager-1:2376 or unix:///var/run/docker.sock"
    )
    cluster_name: str | None = Field(
        default=None, min_length=1, description="the name the Swarm is reported as (default: name)"
    )
    tls: bool = Field(default=False, description="use TLS (implied by any tls_* path)")
    tls_verify: bool = Field(default=True, description="verify the daemon's certificate")
    tls_ca_cert: Path | None = Field(default=None, description="CA bundle (ca.pem)")
    tls_client_cert: Path | None = Field(default=None, description="client certificate (cert.pem)")
    tls_client_key: Path | None = Field(default=None, description="client key (key.pem)")
    api_version: str = Field(
        default="auto",
        pattern=r"^(auto|1\.\d+)$",
        description="Engine API version; auto negotiates with the daemon (/version)",
    )
    group_by_label: str | None = Field(
        default=None,
        min_length=1,
        description="node label that splits each role into pools (Spec.Labels)",
    )

    @field_validator("host")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in _SCHEMES:
            raise ValueError(
                "expected tcp://HOST:PORT, https://HOST:PORT or unix:///PATH (ssh:// is not "
                f"supported), found {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _tls_consistent(self) -> SwarmConfig:
        if (self.tls_client_cert is None) != (self.tls_client_key is None):
            raise ValueError("tls_client_cert and tls_client_key go together: give both or neither")
        if self.uses_tls and self.host.startswith("unix:"):
            raise ValueError("TLS settings apply to tcp:// hosts, not to a unix socket")
        return self

    @property
    def uses_tls(self) -> bool:
        paths = (self.tls_ca_cert, self.tls_client_cert, self.tls_client_key)
        return self.tls or self.host.startswith("https:") or any(p is not None for p in paths)

    @property
    def swarm_name(self) -> str:
        return self.cluster_name or self.name
