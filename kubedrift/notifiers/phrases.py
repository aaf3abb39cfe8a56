"""One event -> its line(s) in a message, in one locale: the phrase level of rendering.

`render` decides what goes in which message; this module words a single event: its
severity, what drifted (the engine's English summary, or in Chinese the rule's title with
the summary's Chinese form, `zh_cn_summaries`, else with the observed and expected values),
a version change, a resolution, and the remedy's first steps (or, without steps, its
sentence, in Chinese through `zh_cn_engine`).
"""

from __future__ import annotations

from kubedrift.model.events import DriftEvent, EventType, ResolveReason
from kubedrift.model.findings import Remedy, UpgradeStep
from kubedrift.notifiers.base import event_severity
from kubedrift.notifiers.context import NotifyContext
from kubedrift.notifiers.templates import Catalog

# Long lines make chat messages unreadable on a phone, and Slack caps a block at 3000.
MAX_LINE = 280
_REMEDY_STEPS = 2


def clip(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1].rstrip() + "…"


def summary(event: DriftEvent, cat: Catalog) -> str:
    rule = event.finding.rule if event.finding else event.detail.get("rule", "")
    component = event.finding.component if event.finding else event.detail.get("component", "")
    observed, expected = event.detail.get("observed"), event.detail.get("expected")
    return cat.finding(
        event.summary, rule=rule, component=component, observed=observed, expected=expected
    )


def short_component(component: str) -> str:
    for prefix in ("node-pool/", "addon/"):
        if component.startswith(prefix):
            return component.removeprefix(prefix)
    return component


def step(step: UpgradeStep, cat: Catalog) -> str:
    versions = (
        f"{step.from_version} → {step.to_version}" if step.from_version else f"→ {step.to_version}"
    )
    phrase = cat.t(
        f"step.{step.action}", component=short_component(step.component), versions=versions
    )
    return f"{step.order}. {phrase}"


def remedy_line(remedy: Remedy, cat: Catalog) -> str:
    if not remedy.steps:
        return cat.t("remedy", steps=cat.remedy_text(remedy.summary))
    shown = [step(s, cat) for s in remedy.steps[:_REMEDY_STEPS]]
    text = cat.t("list_sep").join(shown)
    if len(remedy.steps) > _REMEDY_STEPS:
        text += cat.plural("remedy.more", len(remedy.steps) - _REMEDY_STEPS)
    return cat.t("remedy", steps=text)


def item(event: DriftEvent, context: NotifyContext, cat: Catalog) -> list[str]:
    """The line telling one event, and its remedy line when it has one."""
    severity = cat.t(f"severity.{event_severity(event).value}")
    if event.type is EventType.VERSION_CHANGED:
        moved = [f"{part} {change.replace(' -> ', ' → ')}" for part, change in event.detail.items()]
        return [clip(cat.t("item.version", changes=cat.t("list_sep").join(sorted(moved))))]
    if event.type is EventType.DRIFT_RESOLVED:
        if event.resolved_reason is ResolveReason.CLUSTER_REMOVED:
            return [clip(cat.t("item.removed", summary=summary(event, cat)))]
        since = event.detail.get("opened_at", "")[:10]
        return [clip(cat.t("item.resolved", summary=summary(event, cat), since=since))]
    if event.type is EventType.DRIFT_REMINDER:
        since = event.detail.get("opened_at", "")[:10]
        line = cat.t("item.reminder", severity=severity, since=since, summary=summary(event, cat))
    elif event.type is EventType.DRIFT_ESCALATED and event.previous_severity is not None:
        previous = cat.t(f"severity.{event.previous_severity.value}")
        line = cat.t(
            "item.escalated", severity=severity, previous=previous, summary=summary(event, cat)
        )
    else:
        line = cat.t("item.finding", severity=severity, summary=summary(event, cat))
    lines = [clip(line)]
    remedy = context.remedies.get(str(event.finding)) if event.finding else None
    if remedy is not None:
        lines.append(clip(remedy_line(remedy, cat)))
    return lines
