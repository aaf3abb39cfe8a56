"""The sample message `kubedrift notify test --route NAME` sends through a route's sinks.

One made-up `drift.opened` on a cluster named `kubedrift-notify-test`, at the route's
threshold (high at least, so it looks like the alerts the route carries) and owned by the
route's first literal owner, rendered per sink in the route's (or the sink's) locale, with
the mentions that owner's problems would get. Pure: the caller sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import FindingKey, Severity
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.context import ClusterInfo, NotifyContext
from kubedrift.notifiers.mentions import mentions_for
from kubedrift.notifiers.render import render
from kubedrift.notifiers.routing import Delivery, Outgoing, Routes, Rule

SAMPLE_CLUSTER = "sample/test/kubedrift-notify-test"
_GLOB = frozenset("*?[")


def _owner(delivery: Delivery) -> str | None:
    owners = delivery.owners if isinstance(delivery, Rule) else None
    return next((o for o in owners or () if not _GLOB & set(o)), None)


def sample(
    name: str,
    routes: Routes,
    sinks: Mapping[str, NotifierConfig],
    now: datetime,
) -> list[Outgoing]:
    """One sample message per sink of the route `name` (which must exist)."""
    delivery = routes.named()[name]
    severity = max(delivery.min_severity, Severity.HIGH)
    key = FindingKey(
        cluster=SAMPLE_CLUSTER, rule="control-plane-minor-lag", component="control-plane"
    )
    event = DriftEvent(
        id=f"notify-test|{name}|{now.isoformat()}",
        type=EventType.DRIFT_OPENED,
        at=now,
        cluster=SAMPLE_CLUSTER,
        finding=key,
        severity=severity,
        summary=(
            f"test message of route {name} (kubedrift notify test): control plane 1.29.3 "
            "is 2 minors behind the target 1.31"
        ),
        detail={"rule": key.rule, "component": key.component, "observed": "1.29.3"}
        | {"expected": "1.31"},
    )
    context = NotifyContext(
        clusters={
            SAMPLE_CLUSTER: ClusterInfo(
                key=SAMPLE_CLUSTER,
                name="kubedrift-notify-test",
                provider="sample",
                region="test",
                owner=_owner(delivery),
            )
        }
    )
    mentions = mentions_for([event], context, routes.mentions)
    outgoing = []
    for sink in delivery.sinks:
        config = sinks.get(sink)
        locale = delivery.locale or (config.default_locale if config else "en")
        for message in render([event], context, locale):
            outgoing.append(Outgoing(sink, message.model_copy(update={"mentions": mentions})))
    return outgoing
