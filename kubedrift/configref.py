"""docs/configuration.md: every key of the settings file and the version plan, from the models.

The page is generated so it cannot drift from what kubedrift accepts:
`python -m kubedrift.configref > docs/configuration.md`, and a test fails when the committed
page differs. Each model becomes a table (key, type, default, description); nested models get
their own table under their path. `sources[]`, `notifiers[]` and `enforcers[]` are documented
per built-in `type:`. Third-party plugins are left out on purpose: the page describes this
release, whatever else happens to be installed.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from kubedrift.registry import Registry

COMMAND = "python -m kubedrift.configref > docs/configuration.md"
_POLYMORPHIC = {"sources": "collectors", "notifiers": "notifiers", "enforcers": "enforcers"}
_SCALARS: dict[object, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    Path: "path",
    datetime: "timestamp",
    date: "date (YYYY-MM-DD)",
    timedelta: "duration",
    type(None): "null",
}


def _duration_markers() -> tuple[object, ...]:
    from kubedrift.daemon.config import Seconds

    return typing.get_args(Seconds)[1:]


def _is_duration(metadata: typing.Iterable[object]) -> bool:
    markers = _duration_markers()
    return any(any(item is marker for marker in markers) for item in metadata)


def _unwrap(annotation: object) -> object:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def nested_models(annotation: object) -> list[tuple[type[BaseModel], str]]:
    """The models a field holds, each with the suffix its keys take: `""`, `[]` or `.<name>`."""
    annotation = _unwrap(annotation)
    if _is_model(annotation):
        return [(typing.cast(type[BaseModel], annotation), "")]
    origin = typing.get_origin(annotation)
    args = [_unwrap(a) for a in typing.get_args(annotation)]
    found: list[tuple[type[BaseModel], str]] = []
    if origin in (tuple, list, set, frozenset):
        for model, suffix in nested_models(args[0]) if args else []:
            found.append((model, "[]" + suffix))
    elif origin in (dict, typing.Mapping, typing.get_origin(typing.Mapping[str, str])):
        for model, suffix in nested_models(args[-1]) if args else []:
            found.append((model, ".<name>" + suffix))
    elif origin in (typing.Union, types.UnionType):
        members = [nested for arg in args for nested in nested_models(arg)]
        if len(members) > 1:  # a union told apart by `type:` (report.sinks): a table each
            members = [(model, suffix + _type_suffix(model)) for model, suffix in members]
        found += members
    return found


def _type_suffix(model: type[BaseModel]) -> str:
    field = model.model_fields.get("type")
    if field is None or typing.get_origin(field.annotation) is not typing.Literal:
        return ""
    return f" type: {typing.get_args(field.annotation)[0]}"


def type_text(annotation: object) -> str:
    """A reader's name for a field's type: `list of string`, `one of "a", "b"`, ..."""
    annotated = typing.get_origin(annotation) is typing.Annotated
    if annotated and _is_duration(typing.get_args(annotation)[1:]):
        return "duration"
    annotation = _unwrap(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if _is_model(annotation):
        return "object"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(f'"{m.value}"' for m in annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(json.dumps(a, ensure_ascii=False) for a in args)
    if origin in (typing.Union, types.UnionType):
        named = [type_text(a) for a in args if a is not type(None)]
        text = " or ".join(dict.fromkeys(named))
        return f"{text}, optional" if type(None) in args else text
    if origin in (tuple, list, set, frozenset):
        return f"list of {type_text(args[0])}" if args else "list"
    if origin is not None and args and len(args) == 2:
        return f"map of {type_text(args[0])} to {type_text(args[1])}"
    return getattr(annotation, "__name__", str(annotation))


def default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    factory = field.default_factory
    value = factory() if factory is not None else field.default  # type: ignore[call-arg]
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, BaseModel):
        return "see below" if type(value).model_fields else ""
    try:
        dumped = TypeAdapter(type(value)).dump_python(value, mode="json")
    except Exception:  # an exotic default still gets a readable cell
        dumped = str(value)
    if dumped in ((), [], {}):
        return "empty"
    return f"`{json.dumps(dumped, ensure_ascii=False)}`"


def _implied_description(key: str, field: FieldInfo) -> str:
    """The discriminator of a plugin section explains itself; other fields need their own."""
    choices = typing.get_args(_unwrap(field.annotation))
    if key == "type" and typing.get_origin(_unwrap(field.annotation)) is typing.Literal:
        return f"`{choices[0]}` selects the fields of this table" if len(choices) == 1 else ""
    return ""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def model_tables(model: type[BaseModel], path: str, level: int) -> Iterator[str]:
    """Markdown tables for `model` at `path`, then for every model nested in it."""
    heading = "#" * level
    yield f"{heading} `{path}`" if path else f"{heading} Top level"
    yield ""
    doc = (model.__doc__ or "").strip().split("\n\n")[0]
    if doc and model.__module__.startswith("kubedrift"):
        yield " ".join(doc.split())
        yield ""
    yield "| key | type | default | description |"
    yield "|---|---|---|---|"
    children: list[tuple[type[BaseModel], str]] = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        nested = nested_models(field.annotation)
        polymorphic = not path and key in _POLYMORPHIC
        described = field.description or _implied_description(key, field)
        if polymorphic:
            described = f"{described} (fields by `type:` below)".strip()
        elif nested:
            described = f"{described} (fields below)".strip()
        kind = "duration" if _is_duration(field.metadata) else type_text(field.annotation)
        row = [f"`{key}`", kind, default_text(field), described]
        yield "| " + " | ".join(_cell(c) for c in row) + " |"
        if not polymorphic:
            prefix = f"{path}.{key}" if path else key
            children += [(m, prefix + suffix) for m, suffix in nested]
    yield ""
    seen: set[str] = set()
    for child, child_path in children:
        if child_path not in seen:
            seen.add(child_path)
            yield from model_tables(child, child_path, min(level + 1, 4))


def _plugin_models(family: str) -> list[tuple[str, type[BaseModel]]]:
    from kubedrift.collectors.registry import COLLECTORS
    from kubedrift.enforcers.config import ENFORCER_TYPES, settings_model
    from kubedrift.notifiers.registry import NOTIFIERS

    if family == "enforcers":
        return [(name, settings_model(name)) for name in sorted(ENFORCER_TYPES)]
    registry: Registry[Any] = COLLECTORS if family == "collectors" else NOTIFIERS
    found = []
    for name in registry.builtin_names():
        config = getattr(registry.get(name), "Config", None)
        if isinstance(config, type) and issubclass(config, BaseModel):
            found.append((name, config))
    return found


def _settings_sections() -> Iterator[str]:
    from kubedrift.settings import Settings

    yield "## The settings file (`kubedrift.yaml`)"
    yield ""
    yield (
        "Narrative and examples: [settings.md](settings.md), [daemon.md](daemon.md), "
        "[notifiers.md](notifiers.md), [enforcers.md](enforcers.md). Durations are seconds "
        "(`300`) or a number with a unit (`30s`, `10m`, `1h`, `1d`); secrets are never "
        "written here, only the names of the environment variables holding them (`*_env`). "
        "A `*_env` value must be a variable name (`^[A-Za-z_][A-Za-z0-9_]*$`); anything else, "
        "or a name shaped like a credential (`ghp_...`, a long mixed-case run of letters and "
        "digits), is refused as a secret pasted in place of the name, and not shown."
    )
    yield ""
    yield from model_tables(Settings, "", 3)
    for key, family in _POLYMORPHIC.items():
        for name, model in _plugin_models(family):
            yield from model_tables(model, f"{key}[] type: {name}", 3)


def _plan_sections() -> Iterator[str]:
    from kubedrift.model.plan import VersionPlan

    yield "## The version plan (`plan.yaml`)"
    yield ""
    yield (
        "Narrative, matching rules and examples: [plan.md](plan.md); JSON Schema for "
        "editors: [plan.schema.json](plan.schema.json)."
    )
    yield ""
    yield from model_tables(VersionPlan, "", 3)


def configuration_reference() -> str:
    lines = [
        "# Configuration reference",
        "",
        f"Generated from the settings and plan models by `{COMMAND}`;",
        "a test fails when this page is out of date. Every key kubedrift accepts is here; a key",
        "not listed is an error (with a did-you-mean) when the file is read.",
        "",
        *_settings_sections(),
        *_plan_sections(),
    ]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(configuration_reference())
