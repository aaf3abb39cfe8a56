"""The daemon's part of the settings file: `store`, `schedule`, `http`, `dispatch`, `leader`,
`trigger_token_env`.

Plain pydantic models, imported by `kubedrift.settings`; durations are written as seconds
(`300`) or with a unit (`30s`, `10m`, `1h`, `1d`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from kubedrift.env_names import EnvName
from kubedrift.errors import Problem, SettingsError

DEFAULT_STORE_URL = "sqlite:///kubedrift.sqlite"
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def _seconds(value: object) -> object:
    """`90`, `90s`, `1.5m` -> 90.0; anything else is left for pydantic to reject."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(
                f"expected a duration like 30s, 10m, 1h or a number of seconds, found {value!r}"
            )
        return float(match[1]) * _UNITS[match[2] or "s"]
    return value


Seconds = Annotated[float, BeforeValidator(_seconds)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StoreSettings(_Model):
    """`store:`: where the daemon keeps inventories, drift states, events and the outbox."""

    url: str = Field(
        default=DEFAULT_STORE_URL,
        min_length=1,
        description="SQLAlchemy URL: sqlite:///FILE (relative to the working directory) or "
        "postgresql://...",
    )
    url_env: EnvName | None = Field(
        default=None,
        min_length=1,
        description="environment variable holding the whole URL instead (it may carry a "
        "password); libpq's PGHOST/PGPASSWORD/... also apply to a postgresql:// url",
    )

    @model_validator(mode="after")
    def _one_source(self) -> StoreSettings:
        if self.url_env is not None and "url" in self.model_fields_set:
            raise ValueError("expected url or url_env, not both")
        return self

    def resolve_url(self, environ: Mapping[str, str]) -> str:
        """The store URL, read from `url_env` when it is set."""
        if self.url_env is None:
            return self.url
        value = environ.get(self.url_env, "").strip()
        if not value:
            problem = Problem(
                "settings",
                "store.url_env",
                f"expected the environment variable {self.url_env} to hold the store URL; "
                "it is not set",
            )
            raise SettingsError([problem])
        return value


class SourceSchedule(_Model):
    """One source's own cadence; unset fields fall back to the global schedule."""

    interval: Seconds | None = Field(
        default=None, gt=0, description="this source's time between scans"
    )
    jitter: Seconds | None = Field(
        default=None, ge=0, description="this source's random delay added to each scan"
    )


class NodeWatchSettings(_Model):
    """`schedule.node_watch:`: re-collect a kubeconfig / in-cluster cluster when its nodes
    change (docs/daemon.md, "Node watch")."""

    enabled: bool = Field(default=True, description="watch the nodes of kube sources")
    debounce: Seconds = Field(
        default=30.0, ge=0, description="a change re-collects its cluster this long after it"
    )
    watch_timeout: Seconds = Field(
        default=300.0, ge=10, le=3600, description="length of one watch request"
    )


class ScheduleSettings(_Model):
    interval: Seconds = Field(default=600.0, gt=0, description="seconds between a source's scans")
    jitter: Seconds = Field(
        default=30.0, ge=0, description="random delay added to each scan, spreads load"
    )
    misfire_grace: Seconds = Field(
        default=60.0, gt=0, description="a scan later than this (daemon busy or asleep) is skipped"
    )
    plan_poll: Seconds = Field(default=5.0, gt=0, description="how often the plan file is checked")
    plan_debounce: Seconds = Field(
        default=2.0, ge=0, description="a changed plan must stay unchanged this long to apply"
    )
    sources: dict[str, SourceSchedule] = Field(
        default_factory=dict, description="per-source overrides, by source name"
    )
    node_watch: NodeWatchSettings = Field(
        default_factory=NodeWatchSettings,
        description="re-collect a kubeconfig / in-cluster cluster when its nodes change",
    )

    def for_source(self, name: str) -> tuple[float, float]:
        """(interval, jitter) in seconds for the source called `name`."""
        own = self.sources.get(name, SourceSchedule())
        interval = own.interval if own.interval is not None else self.interval
        jitter = own.jitter if own.jitter is not None else self.jitter
        return interval, jitter


class HttpSettings(_Model):
    listen: str = Field(
        default="0.0.0.0:8080",
        pattern=r"^\[?[^\s\]]*\]?:\d{1,5}$",
        description="host:port the HTTP API listens on",
    )

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.listen.rpartition(":")
        # Every interface is the container's default; `http.listen` narrows it.
        return host.strip("[]") or "0.0.0.0", int(port)  # nosec B104


class DispatchSettings(_Model):
    """`dispatch:`: how the outbox is drained (docs/daemon.md, "Dispatch")."""

    interval: Seconds = Field(default=10.0, gt=0, description="seconds between outbox drains")
    batch: int = Field(default=500, ge=1, le=10_000, description="rows claimed per sink a drain")
    lease: Seconds = Field(
        default=300.0, gt=0, description="a claimed row is re-claimable after this (crash)"
    )
    base_delay: Seconds = Field(default=30.0, gt=0, description="wait after a first failure")
    max_delay: Seconds = Field(default=3600.0, gt=0, description="longest wait between attempts")
    dead_after: Seconds = Field(
        default=86400.0,
        gt=0,
        description="a row still failing this long after it was written is dead-lettered",
    )


LeaderMode = Literal["auto", "kubernetes", "postgres", "none"]


class LeaderSettings(_Model):
    """`leader:`: who among the replicas collects, dispatches and enforces."""

    mode: LeaderMode = Field(
        default="auto",
        description="auto: a Kubernetes Lease in a cluster, a PostgreSQL advisory lock with a "
        "PostgreSQL store, none (always leader) otherwise",
    )
    lease_name: str = Field(
        default="kubedrift-leader", min_length=1, description="the Kubernetes Lease's name"
    )
    namespace: str | None = Field(
        default=None, description="the Lease's namespace (default: the pod's own)"
    )
    kubeconfig: str | None = Field(
        default=None, description="kubeconfig for the Lease outside a cluster (mode kubernetes)"
    )
    identity: str | None = Field(default=None, description="this replica's name (default: pod)")
    lease_duration: Seconds = Field(
        default=15.0, ge=1, description="how long others wait before taking an unrenewed lead"
    )
    renew_deadline: Seconds = Field(
        default=10.0, ge=1, description="a leader that could not renew for this long steps down"
    )
    retry_period: Seconds = Field(
        default=2.0, gt=0, description="time between tries to take or renew the lead"
    )
    lock_key: int = Field(
        default=0x6B64_7269_6674, description="the PostgreSQL advisory lock key (bigint)"
    )

    @model_validator(mode="after")
    def _periods(self) -> LeaderSettings:
        # A holder must give up before others may take over, and renew more than once.
        if not self.retry_period < self.renew_deadline < self.lease_duration:
            raise ValueError("expected retry_period < renew_deadline < lease_duration")
        return self
