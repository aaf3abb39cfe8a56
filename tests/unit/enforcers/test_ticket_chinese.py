"""The Chinese ticket shows the planner's sentences and the checks' notes in Chinese; the
English ticket keeps them as the planner wrote them."""

from __future__ import annotations

import pytest

from kubedrift.enforcers.ticket_content import build_ticket
from kubedrift.enforcers.ticket_model import Ticket
from kubedrift.enforcers.ticket_render import render_ticket
from kubedrift.enforcers.ticket_templates import PLANNER_TEXT
from kubedrift.enforcers.ticket_templates.zh_cn import NOTES, TEXTS
from kubedrift.model.inventory import ControlPlane, NodePool
from kubedrift.versions import parse_version
from tests.unit.enforcers.ticket_cases import ack_prod, path_and_findings, ticket

NOTE_CASES = [
    ("control plane version unknown", "控制面版本未知"),
    ("kubelet unknown", "kubelet 版本未知"),
    ("add-ons could not be read", "无法读取组件信息"),
    ("deprecated API usage was not collected", "未采集已弃用 API 的调用情况"),
    ("per-node versions not collected", "未采集各节点的版本"),
    ("node pools could not be read", "无法读取节点池信息"),
]


def sentences(t: Ticket) -> list[str]:
    """Every free sentence a ticket carries (the planner's, and the checks' notes)."""
    out = [*t.blocked_by, *t.warnings, *(p.reason for p in t.pools)]
    for step in t.steps:
        out += [step.reason, *step.blocked_by, *step.warnings]
    out += [e.text for c in t.checks for e in c.evidence if e.rule is None and e.text]
    return out


def tickets() -> list[Ticket]:
    """The realistic cluster, and the same cluster with what kubedrift could not read."""
    realistic = ack_prod()
    unread_apis = ack_prod(deprecated=None)
    blind_pools = tuple(
        NodePool(id=p.id, name=p.name, kubelet_version=None, node_count=p.node_count)
        for p in realistic.node_pools
    )
    only_128 = ControlPlane(
        version=parse_version("1.28.9-aliyun.1"),
        available_versions=(parse_version("1.28.9-aliyun.1"),),
    )
    return [
        ticket(realistic),
        ticket(ack_prod(deprecated=None).model_copy(update={"node_pools": blind_pools})),
        ticket(realistic.model_copy(update={"control_plane": only_128})),
        ticket(realistic.model_copy(update={"control_plane": ControlPlane(version=None)})),
        ticket(realistic.model_copy(update={"node_pools": (), "unknown": ("addons",)})),
        # Without findings (no rule said "not collected"), the check says so itself.
        build_ticket(unread_apis, path_and_findings(unread_apis)[0], []),
    ]


@pytest.mark.parametrize(("english", "chinese"), NOTE_CASES)
def test_the_checks_notes(english: str, chinese: str) -> None:
    assert TEXTS.chinese(english) == chinese


def test_every_note_has_a_case() -> None:
    assert [
        form.pattern.pattern
        for form in NOTES
        if not any(form.pattern.fullmatch(english) for english, _ in NOTE_CASES)
    ] == []


def test_every_sentence_of_the_tickets_reads_in_chinese() -> None:
    found = [s for t in tickets() for s in sentences(t)]
    assert {english for english, _ in NOTE_CASES} <= set(found)
    missed = {s: TEXTS.untranslated(s) for s in found if TEXTS.untranslated(s)}
    assert not missed, f"ticket sentences without a Chinese form: {missed}"
    for t in tickets():
        chinese, english = render_ticket(t, "zh-CN").body, render_ticket(t, "en").body
        for sentence in sentences(t):
            assert sentence in english
            assert TEXTS.chinese(sentence) in chinese


def test_english_is_left_as_written() -> None:
    assert PLANNER_TEXT["en"]("before the path: anything") == "before the path: anything"
