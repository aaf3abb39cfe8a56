"""The settings file's `enforcers:` and `enforcement:` sections, as `kubedrift.settings` reads
them.

Each entry is validated by the settings model of the enforcer its `type:` names
(`terraform_pr`, `ticket`), as a discriminated union of only the types the file uses, so only
those modules are imported (the Terraform enforcer needs the `terraform` extra). Relative
`workdir` / `directory` paths are resolved next to the settings file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from kubedrift.enforcers.base import EnforcerConfig
from kubedrift.errors import Problem
from kubedrift.yamldoc import YamlDocument, unknown_type_problems

M = TypeVar("M", bound=BaseModel)

# type -> (the settings model, the enforcer class), as "module:attribute" paths.
ENFORCER_TYPES: dict[str, tuple[str, str]] = {
    "terraform_pr": (
        "kubedrift.enforcers.terraform_pr:TerraformPrConfig",
        "kubedrift.enforcers.terraform_pr:TerraformPrEnforcer",
    ),
    "ticket": (
        "kubedrift.enforcers.tickets:TicketsConfig",
        "kubedrift.enforcers.tickets:TicketEnforcer",
    ),
}
_PATH_FIELDS = ("workdir", "directory")
_models: dict[str, type[EnforcerConfig]] = {}


class EnforcementSettings(BaseModel):
    """`enforcement:`: whether the daemon runs the enforcers itself (docs/enforcers.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(
        default=False,
        description="after each cycle, the leader proposes for drifted clusters and "
        "closes what resolved (the same run as `kubedrift propose`)",
    )
    waves: bool = Field(
        default=True, description="hold proposals of clusters whose rollout wave is not open"
    )


def _load(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def settings_model(name: str) -> type[EnforcerConfig]:
    """The settings model of enforcer type `name`: its config plus `type: Literal[name]`."""
    if name not in _models:
        base: type[EnforcerConfig] = _load(ENFORCER_TYPES[name][0])
        literal: Any = Literal[name]
        model: type[EnforcerConfig] = create_model(
            f"{base.__name__}Entry", __base__=base, type=(literal, ...)
        )
        _models[name] = model
    return _models[name]


def enforcer_class(config: EnforcerConfig) -> Any:
    """The enforcer class that takes `config` (an entry of `Settings.enforcers`)."""
    return _load(ENFORCER_TYPES[str(getattr(config, "type", ""))][1])


def _types(data: object) -> list[object]:
    entries = data.get("enforcers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [e.get("type") for e in entries if isinstance(e, dict)]


def unknown_types(document: YamlDocument) -> list[Problem]:
    """A problem per `enforcers[i].type` naming no enforcer."""
    known = sorted(ENFORCER_TYPES)
    return unknown_type_problems(document, "enforcers", _types(document.data), known)


def with_enforcers(model: type[M], data: object) -> type[M]:
    """`model` whose `enforcers` accept exactly the enforcer types the file names."""
    known = sorted({t for t in _types(data) if isinstance(t, str) and t in ENFORCER_TYPES})
    if not known:
        return model
    configs = [settings_model(name) for name in known]
    entry: Any = (
        configs[0]
        if len(configs) == 1
        else Annotated[Union[tuple(configs)], Field(discriminator="type")]  # noqa: UP007
    )
    extended: type[M] = create_model(
        model.__name__, __base__=model, enforcers=(tuple[entry, ...], Field(default=()))
    )
    return extended


def resolve_paths(config: EnforcerConfig, base: Path) -> EnforcerConfig:
    """`config` with its relative folders made relative to `base` (the settings' folder)."""
    updates: dict[str, object] = {}
    for name in _PATH_FIELDS:
        value = getattr(config, name, None)
        if isinstance(value, Path) and not value.expanduser().is_absolute():
            updates[name] = base / value
    return config.model_copy(update=updates) if updates else config


def problems(enforcers: tuple[EnforcerConfig, ...], file: str) -> list[Problem]:
    """Cross-checks: at most one `ticket` enforcer per sink and project."""
    seen: set[tuple[object, ...]] = set()
    found = []
    for index, config in enumerate(enforcers):
        if getattr(config, "type", None) != "ticket":
            continue
        ident = tuple(getattr(config, n, None) for n in ("sink", "project", "directory"))
        if ident in seen:
            message = "two ticket enforcers file in the same place"
            found.append(Problem(file, f"enforcers[{index}]", message))
        seen.add(ident)
    return found
