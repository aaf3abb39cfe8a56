"""What the dispatcher and the cycle's outbox rows need to know about routes and clusters.

`Directory` builds the `NotifyContext` (each cluster's name, plan group, owner, labels, and
the remedies of its current findings) from the store's latest inventories and the plan in
force, cached briefly: routing one cycle's events must not reload every inventory per event.
`RoutedSinks` is the cycle's per-event sinks function: the sinks the settings' `routes` give
an event, so the outbox holds one row per (event, sink that will tell it). With no `routes`
section every configured notifier hears of every event (the routes' default then is "all").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from kubedrift.calendar import ReleaseCalendar
from kubedrift.model.events import DriftEvent
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.context import NotifyContext, context_for
from kubedrift.notifiers.routing import Delivery, Routes, route
from kubedrift.policies.engine import evaluate

# How long a built context is reused. Owners and labels change with the plan file or a
# collection, both rare against this; a cluster the context does not know forces a rebuild.
CONTEXT_TTL = 30.0
# A cluster the context does not know forces a rebuild, but not sooner than this after the
# last one: the clusters new in a cycle reach the store only when the cycle's save commits,
# so rebuilding for each of them while that save routes its events would evaluate the whole
# stored fleet once per new cluster (minutes for a first scan of 1,000 clusters).
UNKNOWN_REBUILD_AFTER = 5.0


def effective_routes(routes: Routes | None, notifiers: Iterable[NotifierConfig]) -> Routes:
    """The settings' routes, or "every event to every notifier" when there are none."""
    if routes is not None:
        return routes
    names = tuple(n.name for n in notifiers)
    return Routes(default=Delivery(sinks=names)) if names else Routes()


class Directory:
    """The notify context of the fleet as stored, rebuilt at most every `CONTEXT_TTL` s."""

    def __init__(
        self,
        inventories: Callable[[], Mapping[str, ClusterInventory]],
        plan: Callable[[], VersionPlan],
        calendar: ReleaseCalendar,
        clock: Callable[[], datetime],
        *,
        cluster_link: str | None = None,
        fleet_link: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inventories, self._plan, self._calendar = inventories, plan, calendar
        self._clock, self._monotonic = clock, monotonic
        self._links = {"cluster_link": cluster_link, "fleet_link": fleet_link}
        self._lock = threading.Lock()
        self._built: tuple[float, NotifyContext] | None = None
        # Keys unknown to the last build: asked again, they do not force another one.
        self._unknown: set[str] = set()

    def context(self, clusters: Iterable[str] = ()) -> NotifyContext:
        """The context; rebuilt when old, or when one of `clusters` is new to it."""
        with self._lock:
            now = self._monotonic()
            built = self._built
            wanted = set(clusters)
            if built is not None and now - built[0] < CONTEXT_TTL:
                new = {k for k in wanted if k not in built[1].clusters and k not in self._unknown}
                if not new:
                    return built[1]
                if now - built[0] < UNKNOWN_REBUILD_AFTER:
                    self._unknown |= new
                    return built[1]
            context = self._build()
            self._built = (now, context)
            self._unknown = {k for k in wanted if k not in context.clusters}
            return context

    def _build(self) -> NotifyContext:
        inventories = list(self._inventories().values())
        plan = self._plan()
        # The remedies are the engine's: evaluating the stored inventories is pure and
        # cheap next to a chat call, and it keeps "Fix:" lines in delayed messages.
        findings = evaluate(plan, inventories, self._clock(), self._calendar)
        return context_for(
            (inventory.ref for inventory in inventories),
            plan,
            findings,
            cluster_link=self._links["cluster_link"],
            fleet_link=self._links["fleet_link"],
        )


class RoutedSinks:
    """`Cycles.sinks`: the sinks an event's routes name (cluster owner from the store).

    A cluster seen for the first time in this very cycle is not in the store yet: its owner
    is unknown and its events take the rules that need no owner, then the default.
    """

    def __init__(
        self, routes: Routes, notifiers: Mapping[str, NotifierConfig], directory: Directory
    ) -> None:
        self.routes, self.notifiers, self.directory = routes, notifiers, directory

    def __call__(self, event: DriftEvent) -> list[str]:
        context = self.directory.context([event.cluster] if event.cluster else [])
        chosen = route([event], context, self.routes, self.notifiers)
        return sorted({destination.sink for destination in chosen})
