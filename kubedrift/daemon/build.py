"""Builds the daemon's settings-driven parts: the outbox dispatcher with its notifiers, the
weekly reports and the enforcement step (the last two only when the settings ask for them).

Each builder takes the parts it wires together, so `Daemon` (daemon/app.py) reads as the
order things are made in and closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, cast

from kubedrift.daemon.cycle import Clock
from kubedrift.daemon.delivery import DispatchPolicy
from kubedrift.daemon.dispatch import Dispatcher
from kubedrift.daemon.notify import Directory, effective_routes
from kubedrift.notifiers.base import Notifier, NotifierFactory
from kubedrift.settings import Settings

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from kubedrift.calendar import ReleaseCalendar
    from kubedrift.daemon.enforce import EnforcementStep
    from kubedrift.daemon.weekly import WeeklyReports
    from kubedrift.model.plan import VersionPlan
    from kubedrift.store.repo import Store


def build_dispatcher(
    settings: Settings,
    environ: Mapping[str, str],
    store: Store,
    directory: Directory,
    *,
    clock: Clock,
    is_leader: Callable[[], bool],
) -> Dispatcher:
    """The outbox dispatcher, one notifier per `notifiers:` entry, routed by `routes:`."""
    from kubedrift.notifiers.registry import NOTIFIERS

    configs = {config.name: config for config in settings.notifiers}
    notifiers: dict[str, Notifier] = {}
    for name, config in configs.items():
        # The registry is untyped (plugins load by dotted path); the contract tests
        # check every notifier against `NotifierFactory`.
        factory = cast("NotifierFactory", NOTIFIERS.get(config.type))
        notifiers[name] = factory(config, environ)
    d = settings.dispatch
    policy = DispatchPolicy(
        batch=d.batch,
        lease=timedelta(seconds=d.lease),
        base_delay=timedelta(seconds=d.base_delay),
        max_delay=timedelta(seconds=d.max_delay),
        dead_after=timedelta(seconds=d.dead_after),
    )
    return Dispatcher(
        store,
        notifiers,
        configs,
        effective_routes(settings.routes, settings.notifiers),
        context=directory.context,
        clock=clock,
        policy=policy,
        is_leader=is_leader,
        threads=store,  # follow-ups reply in their opening message's thread
    )


def build_weekly_reports(
    settings: Settings,
    environ: Mapping[str, str],
    store: Store,
    *,
    plan: Callable[[], VersionPlan],
    calendar: ReleaseCalendar,
    clock: Clock,
    is_leader: Callable[[], bool],
    monotonic: Callable[[], float],
    registry: CollectorRegistry,
) -> WeeklyReports | None:
    """The weekly report job (`report:`), or None when the settings have no report."""
    if settings.report is None:
        return None
    from kubedrift.daemon.weekly import WeeklyReports

    return WeeklyReports(
        settings.report,
        store,
        plan=plan,
        calendar=calendar,
        clock=clock,
        is_leader=is_leader,
        environ=environ,
        monotonic=monotonic,
        registry=registry,
    )


def build_enforcement(
    settings: Settings,
    store: Store,
    *,
    plan: Callable[[], VersionPlan],
    calendar: ReleaseCalendar,
    clock: Clock,
    is_leader: Callable[[], bool],
    registry: CollectorRegistry,
) -> EnforcementStep | None:
    """The enforcement step (docs/enforcers.md), or None when enforcement is off or unset."""
    if not settings.enforcement.enabled or not settings.enforcers:
        return None
    from kubedrift.daemon.enforce import EnforcementStep, build_enforcers

    return EnforcementStep(
        store=store,
        enforcers=build_enforcers(settings.enforcers),
        plan=plan,
        calendar=calendar,
        clock=clock,
        is_leader=is_leader,
        registry=registry,
        waves=settings.enforcement.waves,
    )
