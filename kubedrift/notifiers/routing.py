"""Which sinks hear of which events: the settings file's `routes:` section.

```yaml
routes:
  rules:                       # in order; the first match wins unless it says `continue: true`
    - name: payments-pages
      owners: [team-payments-sre]
      min_severity: high
      sinks: [dingtalk-payments]
      locale: zh-CN
      quiet_hours: {start: "22:00", end: "08:00", timezone: Asia/Shanghai}
      repeat_interval: 4h      # what stays open at high/critical is told again every 4 hours
  owners:                      # shorthand: an owner's events go to these sinks
    team-platform: slack-platform
  default:                     # events no rule and no owner entry took
    sinks: [slack-platform]
    min_severity: medium
  mentions:                    # owner -> DingTalk accounts to @ for its problems
    team-payments-sre: {mobiles: ["13800000000"], min_severity: high}
```

An owner is the `owner` of the plan group a cluster belongs to. `owners` entries behave as
rules placed after `rules`, with the default's `min_severity`, `events` and `locale`. The
default applies only to events nothing else took. A condition on something an event does not
have (the owner of a source failure) does not match. `compose` then renders each sink's
share of a cycle with `render`, so grouping is per sink: a sink gets at most
`digest_after + 1` messages a cycle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from pydantic import ConfigDict, Field, field_validator

from kubedrift.daemon.config import Seconds
from kubedrift.model.base import Frozen
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Severity
from kubedrift.model.plan_fields import Globs, LabelValues
from kubedrift.notifiers.base import Locale, Message, NotifierConfig, event_severity
from kubedrift.notifiers.context import ClusterInfo, NotifyContext
from kubedrift.notifiers.mentions import Mention, mentions_for
from kubedrift.notifiers.quiet import QuietHours
from kubedrift.notifiers.render import DIGEST_AFTER, render

# One sink name or a list, like the plan's globs and label values.
Sinks = Globs
# The name `notify test --route` and reminders give the `default` delivery.
DEFAULT_ROUTE = "default"
# Reminders more often than this would be a flood, not a reminder.
MIN_REPEAT = 300.0


class Delivery(Frozen):
    """Where and how matched events are told: shared by rules and the default."""

    sinks: Sinks = Field(description="names of entries under `notifiers:`")
    locale: Locale | None = Field(default=None, description="overrides the sink's locale")
    min_severity: Severity = Field(default=Severity.INFO, description="at or above this")
    events: tuple[EventType, ...] | None = Field(
        default=None, description="event types to take; all when omitted"
    )
    digest_after: int = Field(
        default=DIGEST_AFTER, ge=0, le=20, description="more clusters than this: one digest"
    )
    quiet_hours: QuietHours | None = Field(
        default=None, description="a daily window holding non-urgent messages until it ends"
    )
    repeat_interval: Seconds | None = Field(
        default=None,
        description="tell what stays open at high or critical again this often (like 4h)",
    )

    @field_validator("repeat_interval")
    @classmethod
    def _not_a_flood(cls, value: float | None) -> float | None:
        if value is not None and value < MIN_REPEAT:
            raise ValueError(
                f"expected at least 5m ({MIN_REPEAT:.0f} seconds) between reminders, found "
                f"{value:g} seconds"
            )
        return value


class Rule(Delivery):
    """A route: conditions (all must hold; within one, any value) and where to send."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, description="unique route name (`notify test --route`)")
    owners: Globs | None = Field(default=None, description="plan group owner globs")
    groups: Globs | None = Field(default=None, description="plan group name globs")
    clusters: Globs | None = Field(default=None, description="cluster key/name globs")
    providers: Globs | None = Field(default=None, description="provider globs (ack, tke, ...)")
    sources: Globs | None = Field(default=None, description="source name globs")
    rules: Globs | None = Field(default=None, description="policy rule id globs")
    labels: dict[str, LabelValues] = Field(
        default_factory=dict, description="cluster label -> allowed values"
    )
    continue_: bool = Field(
        default=False, alias="continue", description="also try the rules after this one"
    )

    def matches(self, event: DriftEvent, cluster: ClusterInfo | None) -> bool:
        if not _takes(self, event):
            return False
        rule = event.finding.rule if event.finding else None
        source = event.source or (cluster.source if cluster else None)
        checks = (
            (self.owners, cluster.owner if cluster else None),
            (self.groups, cluster.group if cluster else None),
            (self.providers, cluster.provider if cluster else None),
            (self.sources, source),
            (self.rules, rule),
        )
        if not all(_globbed(value, globs) for globs, value in checks):
            return False
        if self.clusters is not None and not (
            cluster is not None
            and (_globbed(cluster.key, self.clusters) or _globbed(cluster.name, self.clusters))
        ):
            return False
        labels = cluster.labels if cluster else {}
        return all(labels.get(k) in allowed for k, allowed in self.labels.items())


class Routes(Frozen):
    """The `routes:` section."""

    rules: tuple[Rule, ...] = ()
    owners: dict[str, Sinks] = Field(default_factory=dict, description="owner -> sink name(s)")
    default: Delivery | None = None
    mentions: dict[str, Mention] = Field(
        default_factory=dict, description="owner -> DingTalk accounts to @ for its problems"
    )

    def sink_names(self) -> set[str]:
        names = {s for r in self.rules for s in r.sinks}
        names |= {s for sinks in self.owners.values() for s in sinks}
        return names | set(self.default.sinks if self.default else ())

    def named(self) -> dict[str, Delivery]:
        """Every route by name: `rules`, the `owners` shorthand (`owner:NAME`), `default`."""
        found: dict[str, Delivery] = {rule.name: rule for rule in self.all_rules()}
        if self.default is not None:
            found.setdefault(DEFAULT_ROUTE, self.default)
        return found

    def all_rules(self) -> tuple[Rule, ...]:
        """`rules`, then one rule per `owners` entry (inheriting the default's settings)."""
        base = self.default or Delivery(sinks=("-",))
        shorthand = tuple(
            Rule(
                name=f"owner:{owner}",
                owners=(owner,),
                sinks=sinks,
                locale=base.locale,
                min_severity=base.min_severity,
                events=base.events,
                digest_after=base.digest_after,
                quiet_hours=base.quiet_hours,
                repeat_interval=base.repeat_interval,
            )
            for owner, sinks in self.owners.items()
        )
        return self.rules + shorthand


def _globbed(value: str | None, globs: tuple[str, ...] | None) -> bool:
    if globs is None:
        return True
    return value is not None and any(fnmatchcase(value, g) for g in globs)


def _takes(delivery: Delivery, event: DriftEvent) -> bool:
    if delivery.events is not None and event.type not in delivery.events:
        return False
    return event_severity(event) >= delivery.min_severity


@dataclass(frozen=True, order=True)
class Destination:
    """One sink in one locale; `digest_after` from the route that chose it."""

    sink: str
    locale: Locale
    digest_after: int


def route(
    events: Iterable[DriftEvent],
    context: NotifyContext,
    routes: Routes,
    sinks: Mapping[str, NotifierConfig],
) -> dict[Destination, list[DriftEvent]]:
    """Each destination's events; an event nothing takes is left out."""
    rules = routes.all_rules()
    chosen: dict[Destination, list[DriftEvent]] = defaultdict(list)
    for event in events:
        seen: set[Destination] = set()
        for delivery in deliveries(event, context, routes, rules):
            for sink in delivery.sinks:
                config = sinks.get(sink)
                locale = delivery.locale or (config.default_locale if config else "en")
                destination = Destination(sink, locale, delivery.digest_after)
                if destination not in seen:
                    seen.add(destination)
                    chosen[destination].append(event)
    return dict(chosen)


def deliveries(
    event: DriftEvent,
    context: NotifyContext,
    routes: Routes,
    rules: tuple[Rule, ...] | None = None,
) -> list[Delivery]:
    """The routes that take `event`: matching rules in order (up to the first without
    `continue`), else the default when it takes it. `rules` is `routes.all_rules()`.
    A reminder belongs to the one route whose `repeat_interval` made it."""
    if event.type is EventType.DRIFT_REMINDER:
        named = routes.named().get(event.detail.get("route", ""))
        return [named] if named is not None else []
    cluster = context.cluster(event.cluster) if event.cluster else None
    taken: list[Delivery] = []
    for rule in routes.all_rules() if rules is None else rules:
        if rule.matches(event, cluster):
            taken.append(rule)
            if not rule.continue_:
                break
    if not taken and routes.default is not None and _takes(routes.default, event):
        taken.append(routes.default)
    return taken


@dataclass(frozen=True)
class Outgoing:
    sink: str
    message: Message


def compose(
    events: Iterable[DriftEvent],
    context: NotifyContext,
    routes: Routes,
    sinks: Mapping[str, NotifierConfig],
) -> list[Outgoing]:
    """One cycle's events -> the messages to send, per sink, grouped and rendered."""
    outgoing: list[Outgoing] = []
    for destination, chosen in sorted(route(events, context, routes, sinks).items()):
        for rendered in render(
            chosen, context, destination.locale, digest_after=destination.digest_after
        ):
            told = set(rendered.event_ids)
            mentions = mentions_for((e for e in chosen if e.id in told), context, routes.mentions)
            message = rendered.model_copy(update={"mentions": mentions}) if mentions else rendered
            outgoing.append(Outgoing(destination.sink, message))
    return outgoing
