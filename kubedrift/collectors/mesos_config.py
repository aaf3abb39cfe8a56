"""Settings of an Apache Mesos source (`type: mesos`), kept apart from the HTTP client.

One source is one Mesos cluster: the HTTP addresses of every master of its HA set. See
docs/collectors/mesos.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from kubedrift.collectors.base import CollectorConfig
from kubedrift.env_names import EnvName


class MesosConfig(CollectorConfig):
    """A Mesos cluster reached through its masters' HTTP endpoints."""

    path_fields: ClassVar[tuple[str, ...]] = ("ca_cert",)

    type: Literal["mesos"] = "mesos"
    masters: tuple[str, ...] = Field(
        min_length=1,
        description="every master of the HA set: http://mesos-m1:5050, https://...",
    )
    cluster_name: str | None = Field(
        default=None,
        min_length=1,
        description="the name the cluster is reported as (default: name)",
    )
    principal: str | None = Field(
        default=None, min_length=1, description="HTTP Basic principal (authenticated masters)"
    )
    secret_env: EnvName = Field(
        default="MESOS_HTTP_SECRET",
        min_length=1,
        description="environment variable holding the principal's secret",
    )
    ca_cert: Path | None = Field(default=None, description="CA bundle for https masters")
    verify: bool = Field(default=True, description="verify the masters' certificates")
    group_by_attribute: str | None = Field(
        default=None, min_length=1, description="agent attribute that splits agents into pools"
    )

    @field_validator("masters")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"expected http://HOST:PORT or https://HOST:PORT, found {url!r}")
        if len(set(value)) != len(value):
            raise ValueError("a master is listed twice")
        return tuple(url.rstrip("/") for url in value)

    @property
    def mesos_name(self) -> str:
        return self.cluster_name or self.name
