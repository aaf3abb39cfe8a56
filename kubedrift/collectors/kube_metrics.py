"""Deprecated APIs still requested, from the API server's `/metrics` (Prometheus text).

`apiserver_requested_deprecated_apis{group,version,resource,subresource,removed_release}`
is a gauge set to 1 for every deprecated API served since that API server started. Behind
a load balancer `/metrics` answers from one instance only, so the list is a lower bound.
"""

from __future__ import annotations

import re

from kubedrift.model.inventory import DeprecatedApiUse

METRIC = "apiserver_requested_deprecated_apis"
_LINE = re.compile(METRIC + r"\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class MetricsFormatError(ValueError):
    """The body is not Prometheus text exposition."""


def deprecated_apis(text: str) -> tuple[DeprecatedApiUse, ...]:
    """Every deprecated API the server reports as requested, sorted and deduplicated."""
    if text.lstrip().startswith(("{", "<")):
        raise MetricsFormatError("expected Prometheus text, found JSON or HTML")
    found: set[DeprecatedApiUse] = set()
    for line in text.splitlines():
        if not line.startswith(METRIC + "{"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise MetricsFormatError(f"unreadable {METRIC} sample")
        try:
            value = float(match["value"])
        except ValueError as exc:
            raise MetricsFormatError(f"unreadable {METRIC} value") from exc
        if value == 0:
            continue
        labels = dict(_LABEL.findall(match["labels"]))
        resource = labels.get("resource", "")
        if labels.get("subresource"):
            resource = f"{resource}/{labels['subresource']}"
        found.add(
            DeprecatedApiUse(
                group=labels.get("group", ""),
                version=labels.get("version", ""),
                resource=resource,
                removed_release=labels.get("removed_release") or None,
            )
        )
    return tuple(sorted(found, key=lambda d: (d.group, d.version, d.resource)))
