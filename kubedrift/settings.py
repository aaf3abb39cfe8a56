"""The settings file (`kubedrift.yaml`): where to look, and how hard to pull.

Each entry of `sources:` is validated by the `Config` model of the collector its `type:`
names, so an ACK source is checked against ACK's fields. Only the collector types the file
actually uses are imported. Secrets never live in this file: sources name the environment
variables that hold them (`*_env` fields) or fall back to the providers' credential chains.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from kubedrift.collectors.base import CollectorConfig
from kubedrift.daemon.config import (
    DispatchSettings,
    HttpSettings,
    LeaderSettings,
    ScheduleSettings,
    StoreSettings,
)
from kubedrift.enforcers import config as enforcer_config
from kubedrift.enforcers.base import EnforcerConfig
from kubedrift.env_names import EnvName
from kubedrift.errors import Problem, SettingsError
from kubedrift.notifiers import config as notifier_config
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.routing import Routes
from kubedrift.report.config import ReportSettings
from kubedrift.yamldoc import (
    YamlDocument,
    load_document,
    located,
    parse_model,
    read_text,
    unknown_type_problems,
)

_WHAT = "kubedrift settings with a list of 'sources'"


class Settings(BaseModel):
    """The validated settings file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: tuple[CollectorConfig, ...] = Field(
        min_length=1, description="where clusters are found: cloud accounts, kubeconfigs"
    )
    plan: Path | None = Field(
        default=None, description="the version plan file, relative to the settings file"
    )
    notifiers: tuple[NotifierConfig, ...] = Field(
        default=(), description="chat sinks (slack, dingtalk); see docs/notifiers.md"
    )
    routes: Routes | None = Field(default=None, description="which sinks hear of which events")
    enforcers: tuple[EnforcerConfig, ...] = Field(
        default=(),
        description="proposers (terraform_pr, ticket) `kubedrift propose` runs; see "
        "docs/enforcers.md",
    )
    enforcement: enforcer_config.EnforcementSettings = Field(
        default_factory=enforcer_config.EnforcementSettings,
        description="the daemon's enforcement step (off by default); see docs/enforcers.md",
    )
    # The daemon's settings (docs/daemon.md); other commands ignore them.
    store: StoreSettings = Field(
        default_factory=StoreSettings, description="the daemon's database (docs/store.md)"
    )
    schedule: ScheduleSettings = Field(
        default_factory=ScheduleSettings, description="when each source is scanned"
    )
    http: HttpSettings = Field(
        default_factory=HttpSettings, description="the health, metrics and JSON API listener"
    )
    dispatch: DispatchSettings = Field(
        default_factory=DispatchSettings, description="how the outbox of alerts is sent"
    )
    leader: LeaderSettings = Field(
        default_factory=LeaderSettings, description="which replica collects, sends and enforces"
    )
    report: ReportSettings | None = Field(
        default=None, description="the weekly report's schedule and sinks; see docs/report.md"
    )
    trigger_token_env: EnvName | None = Field(
        default=None,
        description="the environment variable holding the bearer token of POST /v1/trigger",
    )


def _source_types(data: object) -> list[object]:
    if not isinstance(data, dict):
        return []
    sources = data.get("sources")
    if not isinstance(sources, list):
        return []
    return [s.get("type") for s in sources if isinstance(s, dict)]


def _settings_model(types: list[object], file: str) -> type[Settings]:
    """A `Settings` model whose `sources` accept exactly the named collector types."""
    from kubedrift.collectors.registry import COLLECTORS

    known = sorted({t for t in types if isinstance(t, str) and t in COLLECTORS})
    configs: list[type[CollectorConfig]] = []
    for name in known:
        config = getattr(COLLECTORS.get(name), "Config", None)
        if not (isinstance(config, type) and issubclass(config, CollectorConfig)):
            problem = Problem(file, "sources", f"collector {name!r} has no Config model")
            raise SettingsError([problem])
        configs.append(config)
    if not configs:
        source_type: Any = CollectorConfig
    elif len(configs) == 1:
        source_type = configs[0]
    else:
        source_type = Annotated[Union[tuple(configs)], Field(discriminator="type")]  # noqa: UP007
    model: type[Settings] = create_model(
        "Settings",
        __base__=Settings,
        sources=(tuple[source_type, ...], Field(min_length=1)),
    )
    return model


def _unknown_types(types: list[object], document: YamlDocument) -> list[Problem]:
    from kubedrift.collectors.registry import COLLECTORS

    return unknown_type_problems(document, "sources", types, COLLECTORS.names())


def parse_settings(text: str, file: str = "<settings>") -> Settings:
    """YAML text -> `Settings`, or `SettingsError` listing every problem."""
    document, _ = load_document(text, file)
    types = _source_types(document.data) if document is not None else []
    if document is not None and (unknown := _unknown_types(types, document)):
        raise SettingsError(unknown)
    if document is not None and (bad := notifier_config.unknown_types(document)):
        raise SettingsError(bad)
    if document is not None and (bad := enforcer_config.unknown_types(document)):
        raise SettingsError(bad)
    model = _settings_model(types, file)
    if document is not None:
        model = notifier_config.with_notifiers(model, document.data, file)
        model = enforcer_config.with_enforcers(model, document.data)
    settings, _ = parse_model(text, file=file, model=model, error=SettingsError, what=_WHAT)
    try:
        _check_across(settings, file)
    except SettingsError as error:
        # The checks across fields run on the model: the file gives each problem its line.
        raise SettingsError(located(error.problems, document)) from None
    return settings


def _check_across(settings: Settings, file: str) -> None:
    names = [s.name for s in settings.sources]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        message = f"source names must be unique; repeated: {', '.join(duplicated)}"
        again = next(i for i, n in enumerate(names) if n in names[:i])
        raise SettingsError([Problem(file, f"sources[{again}].name", message)])
    if unscheduled := sorted(set(settings.schedule.sources) - set(names)):
        message = f"no source is named {', '.join(map(repr, unscheduled))}"
        raise SettingsError([Problem(file, "schedule.sources", message)])
    if bad := notifier_config.problems(settings.notifiers, settings.routes, file):
        raise SettingsError(bad)
    if bad := enforcer_config.problems(settings.enforcers, file):
        raise SettingsError(bad)


def load_settings(path: str | Path) -> Settings:
    """Read and validate a settings file; relative paths in it are resolved next to it."""
    settings = parse_settings(read_text(path, SettingsError), str(path))
    base = Path(path).parent
    sources = tuple(_resolve_paths(source, base) for source in settings.sources)
    plan = settings.plan
    if plan is not None and not plan.is_absolute():
        plan = base / plan
    enforcers = tuple(enforcer_config.resolve_paths(e, base) for e in settings.enforcers)
    return settings.model_copy(update={"sources": sources, "plan": plan, "enforcers": enforcers})


def _resolve_paths(source: CollectorConfig, base: Path) -> CollectorConfig:
    updates: dict[str, object] = {}
    for name in source.path_fields:
        value = getattr(source, name)
        if isinstance(value, Path):
            updates[name] = _next_to(base, value)
        elif isinstance(value, str):
            # A string path field may list several files, like $KUBECONFIG does.
            parts = value.split(os.pathsep)
            updates[name] = os.pathsep.join(str(_next_to(base, Path(p))) for p in parts)
    return source.model_copy(update=updates) if updates else source


def _next_to(base: Path, path: Path) -> Path:
    return path if path.expanduser().is_absolute() else base / path
