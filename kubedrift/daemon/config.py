"""The daemon's part of the settings file: `store`, `schedule`, `http`, `trigger_token_env`.

Plain pydantic models, imported by `kubedrift.settings`; durations are written as seconds
(`300`) or with a unit (`30s`, `10m`, `1h`, `1d`).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

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
    url: str = Field(
        default=DEFAULT_STORE_URL,
        min_length=1,
        description="SQLAlchemy URL: sqlite:///FILE (relative to the working directory) or "
        "postgresql://...",
    )


class SourceSchedule(_Model):
    """One source's own cadence; unset fields fall back to the global schedule."""

    interval: Seconds | None = Field(default=None, gt=0)
    jitter: Seconds | None = Field(default=None, ge=0)


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
        return host.strip("[]") or "0.0.0.0", int(port)
