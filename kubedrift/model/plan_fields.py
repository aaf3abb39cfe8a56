"""The value types of the version plan: names, globs, providers, durations, version targets.

Each type validates one kind of scalar and carries its own JSON Schema, so an editor shows
the same help that an error message gives. Messages read "expected ..., found ...".
"""

from __future__ import annotations

import re
import typing
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

from kubedrift.versions import InvalidConstraint, parse_constraint

_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_RULE = re.compile(r"^[a-z0-9*?\[\]][a-z0-9*?\[\]-]*$")
_ADDON = re.compile(r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$")
_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
DURATION_PATTERN = r"^(\d+w)?(\d+d)?(\d+h)?(\d+m)?$"


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            "expected a name of lowercase letters, digits and '-' (like prod-hangzhou), "
            f"found {value!r}"
        )
    return value


def _rule(value: str) -> str:
    if not _RULE.match(value):
        raise ValueError(
            "expected a rule id in kebab-case, globs allowed (like control-plane-behind or "
            f"addon-*), found {value!r}"
        )
    return value


def _addon_name(value: str) -> str:
    if not _ADDON.match(value):
        raise ValueError(
            f"expected an add-on name like coredns or csi-plugin (lowercase), found {value!r}"
        )
    return value


def _listify(value: object) -> object:
    """A single value stands for a list of one."""
    return value if isinstance(value, list | tuple) else [value]


def _one_or_many(item: dict[str, Any], description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "description": description,
            "anyOf": [item, {"type": "array", "items": item, "minItems": 1}],
        }
    )


Name = Annotated[
    str, AfterValidator(_name), WithJsonSchema({"type": "string", "pattern": _NAME.pattern})
]
"""A group or wave name: lowercase letters, digits and dashes."""

RuleId = Annotated[
    str, AfterValidator(_rule), WithJsonSchema({"type": "string", "pattern": _RULE.pattern})
]
AddonName = Annotated[
    str, AfterValidator(_addon_name), WithJsonSchema({"type": "string", "pattern": _ADDON.pattern})
]

PlatformName = Literal["kubernetes", "swarm", "mesos"]
"""The orchestrator a cluster runs (`kubedrift.model.inventory.Platform`)."""

Provider = Literal["ack", "tke", "eks", "gke", "aks", "kubeconfig", "incluster", "selfhosted"]
"""Where a cluster runs. `selfhosted` stands for both `kubeconfig` and `incluster`."""

PROVIDER_SYNONYMS: dict[str, frozenset[str]] = {
    "selfhosted": frozenset({"selfhosted", "kubeconfig", "incluster"}),
}

Globs = Annotated[
    tuple[Annotated[str, Field(min_length=1)], ...],
    BeforeValidator(_listify),
    Field(min_length=1),
    _one_or_many({"type": "string", "minLength": 1}, "A glob (* ? [abc]) or a list of globs."),
]
Names = Annotated[
    tuple[Name, ...],
    BeforeValidator(_listify),
    Field(min_length=1),
    _one_or_many({"type": "string", "pattern": _NAME.pattern}, "A name or a list of names."),
]
Providers = Annotated[
    tuple[Provider, ...],
    BeforeValidator(_listify),
    Field(min_length=1),
    _one_or_many(
        {"enum": list(typing.get_args(Provider))},
        "A provider or a list of providers.",
    ),
]
Platforms = Annotated[
    tuple[PlatformName, ...],
    BeforeValidator(_listify),
    Field(min_length=1),
    _one_or_many(
        {"enum": list(typing.get_args(PlatformName))}, "A platform or a list of platforms."
    ),
]
LabelValues = Annotated[
    tuple[str, ...],
    BeforeValidator(_listify),
    Field(min_length=1),
    _one_or_many({"type": "string"}, "The exact value, or a list of allowed values."),
]


def _duration(value: object) -> object:
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or not any(match.groups()):
        shown = repr(value) if isinstance(value, str) else f"the number {value}"
        raise ValueError(f"expected a duration like 72h, 3d or 1w2d, found {shown}")
    weeks, days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)


def _format_duration(value: timedelta) -> str:
    minutes = int(value.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return "".join(parts) or "0m"


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(_format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A duration: weeks, days, hours, minutes, like 72h, 3d or 1w2d.",
        }
    ),
]

_TARGET_HELP = 'a Kubernetes minor like "1.31" or a constraint like ">=1.30.0-0 <1.32.0-0"'


def _constraint(what: str) -> Any:
    def check(value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError(f"expected {what}, found an empty string")
        try:
            parse_constraint(text)
        except InvalidConstraint as exc:
            raise ValueError(f"expected {what}, found {value!r}: {exc}") from None
        return text

    return AfterValidator(check)


KubernetesTarget = Annotated[
    str,
    _constraint(_TARGET_HELP),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "description": 'A minor like "1.31" (quoted!) or a Masterminds/Helm semver '
            'constraint like ">=1.30.0-0 <1.32.0-0", "~1.30", "1.30.x".',
            "examples": ["1.31", ">=1.30.0-0 <1.32.0-0"],
        }
    ),
]
"""The Kubernetes version a group should run: a minor (`1.31`) or a semver constraint."""

PlatformTarget = Annotated[
    str,
    _constraint('a release line like "29" or "1.11", or a constraint like ">=28.5.0 <30.0.0"'),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "description": 'A release line ("29" for Docker Engine 29.x, "1.11" for Mesos '
            '1.11.x; quoted!) or a Masterminds/Helm semver constraint like ">=28.5.0 <30.0.0".',
            "examples": ["29", ">=28.5.0 <30.0.0", "1.11"],
        }
    ),
]
"""The Docker Engine or Mesos version a group should run."""

AddonConstraint = Annotated[
    str,
    _constraint('an add-on version or constraint like "1.11.1" or ">=1.9.0 <1.12.0"'),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "description": 'An exact version ("1.11.1") or a constraint (">=1.9.0 <1.12.0").',
        }
    ),
]
