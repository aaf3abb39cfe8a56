"""Drift events -> chat `Message`s in one locale, grouped so a fleet-wide drift stays quiet.

Grouping, for the events one cycle sends to one sink:
- events about a cluster are told per cluster, one message each, as long as at most
  `digest_after` clusters are affected; beyond that, in **one digest** listing the clusters
  worst first (so 100 clusters drifting at once is one message, not 100: DingTalk allows a
  robot 20 messages a minute, Slack about one a second per channel);
- source events (no cluster) go together in one message.
So a cycle sends at most `digest_after + 1` messages to a sink, whatever the fleet's size.

The phrases are in `templates/` (en, zh-CN). Findings' summaries come from the engine in
English: English messages show them as they are, Chinese ones name the rule by its Chinese
title with the observed and expected versions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Severity
from kubedrift.notifiers.base import Locale, Message, MessageKind, event_severity, message_key
from kubedrift.notifiers.context import ClusterInfo, NotifyContext
from kubedrift.notifiers.phrases import clip, item, summary
from kubedrift.notifiers.templates import Catalog, catalog

DIGEST_AFTER = 5
MAX_ITEMS = 12

_RESOLVING = frozenset({EventType.DRIFT_RESOLVED, EventType.SOURCE_RECOVERED})
# The order changes are counted in a title, and items listed within a severity.
_CHANGES: tuple[tuple[EventType, str], ...] = (
    (EventType.DRIFT_OPENED, "change.opened"),
    (EventType.DRIFT_ESCALATED, "change.escalated"),
    (EventType.DRIFT_REMINDER, "change.reminder"),
    (EventType.WAIVER_EXPIRING, "change.waiver"),
    (EventType.VERSION_CHANGED, "change.version"),
    (EventType.DRIFT_RESOLVED, "change.resolved"),
    (EventType.SOURCE_FAILED, "change.source_failed"),
    (EventType.SOURCE_RECOVERED, "change.source_recovered"),
)
_TYPE_ORDER = {kind: i for i, (kind, _) in enumerate(_CHANGES)}


def render(
    events: Iterable[DriftEvent],
    context: NotifyContext,
    locale: Locale = "en",
    *,
    digest_after: int = DIGEST_AFTER,
    max_items: int = MAX_ITEMS,
) -> list[Message]:
    """The messages telling `events` (one cycle's, for one sink) in `locale`."""
    cat = catalog(locale)
    by_cluster: dict[str, list[DriftEvent]] = defaultdict(list)
    sources: list[DriftEvent] = []
    for event in events:
        if event.cluster is None:
            sources.append(event)
        else:
            by_cluster[event.cluster].append(event)
    messages: list[Message] = []
    if sources:
        messages.append(_sources(sources, cat, max_items))
    if len(by_cluster) > digest_after:
        messages.append(_digest(by_cluster, context, cat, max_items))
    else:
        for key in sorted(by_cluster):
            messages.append(
                _cluster(by_cluster[key], context.cluster(key), context, cat, max_items)
            )
    return messages


def _order(event: DriftEvent) -> tuple[bool, int, int, str]:
    # Problems before good news, worst first, then a stable order.
    subject = str(event.finding) if event.finding else event.cluster or event.source or ""
    return (
        event.type in _RESOLVING,
        -event_severity(event).rank,
        _TYPE_ORDER[event.type],
        subject,
    )


def _worst(events: Sequence[DriftEvent]) -> Severity:
    problems = [event_severity(e) for e in events if e.type not in _RESOLVING]
    return max(problems or [event_severity(e) for e in events])


def _tag(events: Sequence[DriftEvent], cat: Catalog) -> str:
    if all(e.type in _RESOLVING for e in events):
        return cat.t("tag.resolved")
    return cat.t(f"severity.{_worst(events).value}")


def _changes(events: Sequence[DriftEvent], cat: Catalog, *, clusters: bool = False) -> str:
    counts = Counter(e.type for e in events)
    if clusters and counts[EventType.VERSION_CHANGED]:
        # A digest counts clusters whose version moved (one event each), not versions.
        counts[EventType.VERSION_CHANGED] = len(
            {e.cluster for e in events if e.type is EventType.VERSION_CHANGED}
        )
    parts = [cat.plural(key, counts[kind]) for kind, key in _CHANGES if counts[kind]]
    return cat.t("sep").join(parts)


def _where(info: ClusterInfo, cat: Catalog) -> str:
    place = cat.t("sep").join(p for p in (info.provider, info.region) if p)
    parts = [cat.t("context.cluster", name=info.name, where=place)]
    if info.group:
        parts.append(cat.t("context.group", group=info.group))
    if info.owner:
        parts.append(cat.t("context.owner", owner=info.owner))
    return " · ".join(parts)


def _message(
    kind: MessageKind, events: Sequence[DriftEvent], cat: Catalog, **fields: object
) -> Message:
    ids = sorted({e.id for e in events})
    return Message.model_validate(
        {
            "key": message_key(kind, cat.locale, ids),
            "kind": kind,
            "locale": cat.locale,
            "severity": _worst(events),
            "event_ids": tuple(ids),
            **fields,
        }
    )


def _capped(items: list[list[str]], max_items: int, more: str, cat: Catalog) -> tuple[str, ...]:
    lines = [line for told in items[:max_items] for line in told]
    if len(items) > max_items:
        lines.append(cat.t(more, n=len(items) - max_items))
    return tuple(lines)


def _link(template: str | None, cluster: str | None = None) -> str | None:
    if template is None:
        return None
    return template.format(cluster=quote(cluster or "", safe=""))


def _cluster(
    events: Sequence[DriftEvent],
    info: ClusterInfo,
    context: NotifyContext,
    cat: Catalog,
    max_items: int,
) -> Message:
    ordered = sorted(events, key=_order)
    link = _link(context.cluster_link, info.key)
    return _message(
        "cluster",
        ordered,
        cat,
        title=cat.t(
            "title.cluster",
            tag=_tag(ordered, cat),
            cluster=info.name,
            changes=_changes(ordered, cat),
        ),
        context=_where(info, cat),
        lines=_capped([item(e, context, cat) for e in ordered], max_items, "more.items", cat),
        link=link,
        link_label=cat.t("link.cluster") if link else None,
        clusters=(info.key,),
        owner=info.owner,
    )


def _digest(
    by_cluster: dict[str, list[DriftEvent]],
    context: NotifyContext,
    cat: Catalog,
    max_items: int,
) -> Message:
    everything = [e for events in by_cluster.values() for e in events]
    infos = {key: context.cluster(key) for key in by_cluster}

    def rank(key: str) -> tuple[bool, int, str]:
        events = by_cluster[key]
        healed = all(e.type in _RESOLVING for e in events)
        return (healed, -_worst(events).rank, infos[key].name)

    items: list[list[str]] = []
    for key in sorted(by_cluster, key=rank):
        events = sorted(by_cluster[key], key=_order)
        info = infos[key]
        owner = info.owner or cat.t("context.no_owner")
        changes = _changes(events, cat)
        if events[0].type in _RESOLVING:
            line = cat.t("item.digest_resolved", cluster=info.name, owner=owner, changes=changes)
        else:
            line = cat.t(
                "item.digest",
                severity=cat.t(f"severity.{_worst(events).value}"),
                cluster=info.name,
                owner=owner,
                changes=changes,
                top=_top(events[0], cat),
            )
        items.append([clip(line)])
    owners = Counter(info.owner or cat.t("context.no_owner") for info in infos.values())
    counted = [cat.t("context.owner_count", owner=o, n=n) for o, n in owners.most_common()]
    distinct = {info.owner for info in infos.values()}
    link = _link(context.fleet_link)
    title = cat.t(
        "title.digest",
        tag=_tag(everything, cat),
        clusters=len(by_cluster),
        changes=_changes(everything, cat, clusters=True),
    )
    return _message(
        "digest",
        everything,
        cat,
        title=title,
        context=clip(cat.t("context.owners", owners=_owner_sep(cat).join(counted))),
        lines=_capped(items, max_items, "more.clusters", cat),
        link=link,
        link_label=cat.t("link.fleet") if link else None,
        clusters=tuple(sorted(by_cluster)),
        owner=distinct.pop() if len(distinct) == 1 else None,
    )


def _owner_sep(cat: Catalog) -> str:
    return "、" if cat.locale == "zh-CN" else ", "


def _top(event: DriftEvent, cat: Catalog) -> str:
    """The worst event of a cluster, short: a digest line must fit on one phone line."""
    if event.type is EventType.VERSION_CHANGED:
        return item(event, NotifyContext(), cat)[0]
    rule = event.finding.rule if event.finding else ""
    # The summary in the catalog's language, else the rule's title (Chinese), else the
    # engine's own summary (English).
    text = cat.summary_text(event.summary) or cat.rule(rule) or summary(event, cat)
    return text if len(text) <= 120 else text[:119].rstrip() + "…"


def _sources(events: Sequence[DriftEvent], cat: Catalog, max_items: int) -> Message:
    ordered = sorted(events, key=_order)
    items: list[list[str]] = []
    for event in ordered:
        source = event.source or "?"
        if event.type is EventType.SOURCE_RECOVERED:
            failures = event.detail.get("failures", "?")
            line = cat.t("item.source_recovered", source=source, failures=failures)
        else:
            raw, message = event.detail.get("reason", "?"), event.detail.get("message", "")
            reason = cat.t(f"reason.{raw}") if f"reason.{raw}" in cat.strings else raw
            line = cat.t("item.source_failed", source=source, reason=reason, message=message)
        items.append([clip(line)])
    return _message(
        "source",
        ordered,
        cat,
        title=cat.t("title.source", tag=_tag(ordered, cat), changes=_changes(ordered, cat)),
        lines=_capped(items, max_items, "more.items", cat),
    )
