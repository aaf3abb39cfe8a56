"""Add-on versions as free text: the upstream version a provider's build stands for.

Collectors report add-on versions as the workload's image tag or the provider's catalogue
entry (`v1.9.3.10-7dfca203-aliyun`, `1.11.3`); the compatibility table and the plan speak of
upstream releases. These read the leading numbers of such a text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kubedrift.model.inventory import Addon

_LEADING = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


def numeric_version(raw: str | None) -> tuple[int, int, int] | None:
    """The leading numbers of a free-form add-on version: `v1.9.3.10-7dfca203-aliyun` -> 1.9.3."""
    if raw is None:
        return None
    match = _LEADING.match(raw.strip())
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def upstream_text(raw: str | None) -> str | None:
    numbers = numeric_version(raw)
    return None if numbers is None else ".".join(str(n) for n in numbers)


def running_version(addon: Addon) -> str | None:
    """What runs (the image), else what is declared: policies judge what really runs."""
    return addon.running_version or addon.version


Upstream = Callable[[str | None], str | None]
"""Reads an add-on's version as the upstream version it stands for (None: none, or unknown)."""
