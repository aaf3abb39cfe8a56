"""The packaged data the rules read besides the calendar: add-on compatibility, removed APIs.

Add-on facts are `kubedrift.policies.addon_compat`'s one table (`addon_compat.yaml`, loaded
by `load_addon_compat`), the same object the upgrade-path planner classes add-ons with, so a
finding and its remedy read the same facts. Removed APIs come from `removed_apis.yaml`. Every
fact names its source. Loading is cached: package data is the same for every run.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.policies.addon_compat import AddonCompat, load_addon_compat, merge_addon_tables

__all__ = [
    "CompatData",
    "DataSource",
    "RemovedApi",
    "RemovedApis",
    "load_compat",
    "merge_addon_tables",
]


class DataSource(Frozen):
    title: str
    url: str
    retrieved: date
    snapshot: str | None = None


class RemovedApi(Frozen):
    """An API version Kubernetes stopped serving in `release`."""

    group: str
    version: str
    resources: tuple[str, ...]
    release: str
    replacement: str
    source: str


class RemovedApis(Frozen):
    schema_version: int = Field(default=1, alias="schema")
    sources: dict[str, DataSource] = Field(default_factory=dict)
    removed: tuple[RemovedApi, ...] = ()

    @model_validator(mode="after")
    def _sources_exist(self) -> RemovedApis:
        missing = sorted({r.source for r in self.removed if r.source not in self.sources})
        if missing:
            raise ValueError(f"unknown source id(s): {', '.join(missing)}")
        return self

    def lookup(self, group: str, version: str, resource: str) -> RemovedApi | None:
        for entry in self.removed:
            if entry.group == group and entry.version == version and resource in entry.resources:
                return entry
        return None


class CompatData(Frozen):
    addons: AddonCompat
    apis: RemovedApis


def _read(name: str) -> dict[str, Any]:
    text = resources.files("kubedrift.policies").joinpath("data", name).read_text("utf-8")
    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise ValueError(f"kubedrift/policies/data/{name}: expected a mapping")
    return loaded


@lru_cache(maxsize=1)
def load_compat() -> CompatData:
    """The packaged data (read once per process)."""
    apis = RemovedApis.model_validate(_read("removed_apis.yaml"))
    return CompatData(addons=load_addon_compat(), apis=apis)
