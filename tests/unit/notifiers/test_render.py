"""Rendering: the reviewed en and zh-CN snapshots, grouping and the phrase catalogs.

The snapshots in `snapshots/` are the plain-text form of each message (`Message.text()`
with the bold markers kept), read by a person when they change. To rewrite them after a
deliberate change: `KUBEDRIFT_UPDATE_SNAPSHOTS=1 pytest tests/unit/notifiers`, then review
the diff.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest

from kubedrift.model.events import EventType
from kubedrift.notifiers.base import LOCALES, Locale, Message
from kubedrift.notifiers.render import render
from kubedrift.notifiers.templates import CATALOGS
from kubedrift.policies.rules.meta import CLUSTER_NOT_IN_PLAN, WAIVER_EXPIRING
from kubedrift.policies.rules.registry import BUILTIN_RULES
from tests.unit.notifiers.cycle import CONTEXT, EVENTS, PAY, fleet_drift

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("KUBEDRIFT_UPDATE_SNAPSHOTS") == "1"


def _show(messages: list[Message]) -> str:
    blocks = []
    for m in messages:
        lines = [m.title, *([m.context] if m.context else []), *m.lines]
        if m.link:
            lines.append(f"[{m.link_label}] {m.link}")
        blocks.append("\n".join(lines))
    return "\n\n---\n\n".join(blocks) + "\n"


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", LOCALES)
def test_cycle_snapshot(locale: Locale) -> None:
    _check(f"cycle.{locale}.txt", _show(render(EVENTS, CONTEXT, locale)))


@pytest.mark.parametrize("locale", LOCALES)
def test_digest_snapshot(locale: Locale) -> None:
    events, context = fleet_drift(100)
    _check(f"digest.{locale}.txt", _show(render(events, context, locale)))


def test_cycle_is_one_message_per_cluster_plus_sources() -> None:
    messages = render(EVENTS, CONTEXT, "en")
    assert [(m.kind, m.clusters) for m in messages] == [
        ("source", ()),
        ("cluster", (PAY,)),
        ("cluster", ("tke/ap-shanghai/cls-7xk2p9ab",)),
    ]
    pay = messages[1]
    assert pay.severity == "high"
    assert pay.owner == "team-payments-sre"
    assert set(pay.event_ids) == {e.id for e in EVENTS if e.cluster == PAY}
    # Every event is told exactly once.
    told = [i for m in messages for i in m.event_ids]
    assert sorted(told) == sorted(e.id for e in EVENTS)


@pytest.mark.parametrize("clusters", [1, 5, 6, 100, 1000])
def test_fleet_wide_drift_sends_a_handful(clusters: int) -> None:
    events, context = fleet_drift(clusters)
    messages = render(events, context, "zh-CN")
    assert len(messages) == (clusters if clusters <= 5 else 1)
    assert sorted(i for m in messages for i in m.event_ids) == sorted(e.id for e in events)
    if clusters > 5:
        (digest,) = messages
        assert digest.kind == "digest"
        # At most 12 clusters, then "…… 另有 N 个集群".
        assert len(digest.lines) == min(clusters, 12) + (clusters > 12)
        if clusters > 12:
            assert digest.lines[-1] == f"…… 另有 {clusters - 12} 个集群"
        assert digest.owner is None  # three teams


def test_digest_after_is_the_threshold() -> None:
    events, context = fleet_drift(8)
    assert len(render(events, context, "en", digest_after=8)) == 8
    assert len(render(events, context, "en", digest_after=7)) == 1


def test_keys_are_stable_and_differ_by_locale() -> None:
    reordered = tuple(reversed(EVENTS))
    en = [m.key for m in render(EVENTS, CONTEXT, "en")]
    assert en == [m.key for m in render(reordered, CONTEXT, "en")]
    zh = [m.key for m in render(EVENTS, CONTEXT, "zh-CN")]
    assert not set(en) & set(zh)


def test_resolved_only_is_tagged_resolved() -> None:
    resolved = [e for e in EVENTS if e.type is EventType.DRIFT_RESOLVED]
    (en,) = render(resolved, CONTEXT, "en")
    (zh,) = render(resolved, CONTEXT, "zh-CN")
    assert en.title == "[RESOLVED] pay-prod-hz: 1 resolved"
    assert zh.title == "【已恢复】pay-prod-hz：已恢复 1 项"


def test_long_lines_are_clipped() -> None:
    event = EVENTS[0].model_copy(update={"summary": "x" * 1000})
    (message,) = render([event], CONTEXT, "en")
    assert len(message.lines[0]) == 280
    assert message.lines[0].endswith("…")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_phrases_and_placeholders() -> None:
    en, zh = CATALOGS["en"].strings, CATALOGS["zh-CN"].strings

    def base(keys: set[str]) -> set[str]:
        # `.one` is optional: Chinese has no singular form.
        return {k for k in keys if not k.endswith(".one")}

    assert base(set(en)) == base(set(zh))
    for k in base(set(en)):
        if k.startswith("summary."):
            # English shows the engine's summary; Chinese builds it from the parts (the
            # summary's Chinese form among them).
            assert _fields(en[k]) == {"text"}
            assert _fields(zh[k]) <= {"rule", "component", "observed", "expected", "said"}
        else:
            assert _fields(en[k]) == _fields(zh[k]), k


def test_every_rule_has_a_chinese_title() -> None:
    meta = {CLUSTER_NOT_IN_PLAN.id, WAIVER_EXPIRING.id}  # the engine's own, not registered
    assert set(CATALOGS["zh-CN"].rules) == set(BUILTIN_RULES) | meta
