"""What the dispatcher and the cycle's outbox rows need to know about routes and clusters.

`Directory` builds the `NotifyContext` (each cluster's name, plan group, owner, labels, and
the remedies of its current findings) from the store's latest inventories and the plan in
force, and keeps it until a saved cycle, the plan or the date moves: routing one cycle's
events must not reload every inventory per event, nor a backlog's drain re-evaluate the fleet
every half minute.
`RoutedSinks` is the cycle's per-event sinks function: the sinks the settings' `routes` give
an event, so the outbox holds one row per (event, sink that will tell it). With no `routes`
section every configured notifier hears of every event (the routes' default then is "all").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from kubedrift.calendar import ReleaseCalendar
from kubedrift.model.events import DriftEvent
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import VersionPlan
from kubedrift.notifiers.base import NotifierConfig
from kubedrift.notifiers.context import NotifyContext, context_for
from kubedrift.notifiers.routing import Delivery, Routes, route
from kubedrift.policies.engine import evaluate

# How long a built context is used before it is checked (see `Directory`). Owners and labels
# change with the plan file or a collection, both rare against this.
CONTEXT_TTL = 30.0
# A cluster the context does not know forces a check, but not sooner than this after the
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


@dataclass(frozen=True)
class _Built:
    """A built context, when it was built or last found current (monotonic seconds), and
    what it was built from: the store revision, the plan and the date (None without a
    revision source)."""

    at: float
    context: NotifyContext
    inputs: tuple[int, VersionPlan, date] | None


class Directory:
    """The notify context of the fleet as stored.

    A built context is used as it is for `CONTEXT_TTL` s (a cluster it does not know: for
    `UNKNOWN_REBUILD_AFTER` s). Then it is checked: with `revision` (the store's, moved by
    every saved cycle), it is rebuilt only when the revision, the plan or the date moved since
    it was built, since nothing else changes what it holds (the findings' remedies read the
    date, not the time); without, it is rebuilt. Rebuilding reads and evaluates the whole
    stored fleet (evaluate alone takes 1.5-1.8 s at 10,000 clusters), so while notifications
    drain a backlog the check saves a rebuild every half minute.
    """

    def __init__(
        self,
        inventories: Callable[[], Mapping[str, ClusterInventory]],
        plan: Callable[[], VersionPlan],
        calendar: ReleaseCalendar,
        clock: Callable[[], datetime],
        *,
        revision: Callable[[], int] | None = None,
        cluster_link: str | None = None,
        fleet_link: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inventories, self._plan, self._calendar = inventories, plan, calendar
        self._clock, self._monotonic, self._revision = clock, monotonic, revision
        self._links = {"cluster_link": cluster_link, "fleet_link": fleet_link}
        self._lock = threading.Lock()
        self._built: _Built | None = None
        # Keys unknown to the last build: asked again, they do not force another one.
        self._unknown: set[str] = set()

    def context(self, clusters: Iterable[str] = ()) -> NotifyContext:
        """The context; checked when old, or when one of `clusters` is new to it."""
        with self._lock:
            now = self._monotonic()
            built = self._built
            wanted = set(clusters)
            if built is not None and now - built.at < CONTEXT_TTL:
                new = {k for k in wanted if k not in built.context.clusters}
                if self._revision is None:
                    # Each check rebuilds: a key the last build did not find waits for the TTL.
                    new -= self._unknown
                if not new:
                    return built.context
                if now - built.at < UNKNOWN_REBUILD_AFTER:
                    self._unknown |= new
                    return built.context
            plan, when = self._plan(), self._clock()
            inputs = None if self._revision is None else (self._revision(), plan, when.date())
            if built is not None and inputs is not None and inputs == built.inputs:
                context = built.context  # nothing it is made of has moved
            else:
                context = self._build(plan, when)
            self._built = _Built(now, context, inputs)
            self._unknown = {k for k in wanted if k not in context.clusters}
            return context

    def _build(self, plan: VersionPlan, now: datetime) -> NotifyContext:
        inventories = list(self._inventories().values())
        # The remedies are the engine's: evaluating the stored inventories is pure and
        # cheap next to a chat call, and it keeps "Fix:" lines in delayed messages.
        findings = evaluate(plan, inventories, now, self._calendar)
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
