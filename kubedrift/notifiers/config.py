"""The settings file's `notifiers:` and `routes:` sections, as `kubedrift.settings` reads them.

Each `notifiers:` entry is validated by the `Config` of the notifier its `type:` names (a
discriminated union of only the types the file uses, so only those modules are imported),
like `sources:`. Cross-checks: names unique, every sink a route names is configured.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar, Union

from pydantic import BaseModel, Field, create_model

from kubedrift.errors import Problem, SettingsError
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.registry import NOTIFIERS
from kubedrift.notifiers.routing import Routes
from kubedrift.yamldoc import YamlDocument, unknown_type_problems

M = TypeVar("M", bound=BaseModel)


def _types(data: object) -> list[object]:
    entries = data.get("notifiers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [e.get("type") for e in entries if isinstance(e, dict)]


def unknown_types(document: YamlDocument) -> list[Problem]:
    """A problem per `notifiers[i].type` naming no registered notifier."""
    return unknown_type_problems(document, "notifiers", _types(document.data), NOTIFIERS.names())


def with_notifiers(model: type[M], data: object, file: str) -> type[M]:
    """`model` whose `notifiers` accept exactly the notifier types the file names."""
    known = sorted({t for t in _types(data) if isinstance(t, str) and t in NOTIFIERS})
    configs: list[type[NotifierConfig]] = []
    for name in known:
        config = getattr(NOTIFIERS.get(name), "Config", None)
        if not (isinstance(config, type) and issubclass(config, NotifierConfig)):
            raise SettingsError([Problem(file, "notifiers", f"notifier {name!r} has no Config")])
        configs.append(config)
    if not configs:
        return model
    entry: Any = (
        configs[0]
        if len(configs) == 1
        else Annotated[Union[tuple(configs)], Field(discriminator="type")]  # noqa: UP007
    )
    extended: type[M] = create_model(
        model.__name__, __base__=model, notifiers=(tuple[entry, ...], Field(default=()))
    )
    return extended


def problems(
    notifiers: tuple[NotifierConfig, ...], routes: Routes | None, file: str
) -> list[Problem]:
    """Names repeated, and sinks routes name that no notifier has."""
    found = []
    names = [n.name for n in notifiers]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        found.append(
            Problem(file, "notifiers", f"names must be unique; repeated: {', '.join(repeated)}")
        )
    if routes is not None:
        missing = sorted(routes.sink_names() - set(names))
        if missing:
            message = (
                f"routes name sinks that are not configured under notifiers: {', '.join(missing)}"
            )
            found.append(Problem(file, "routes", message))
    return found
