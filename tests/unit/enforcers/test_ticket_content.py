"""Ticket content from a realistic inventory: the checklist's automatic results, the steps
with their batches, in-place vs replacement, rollback; and the reviewed en / zh-CN snapshots.

The snapshots in `snapshots/` are the Markdown body of the ticket, read by a person when they
change. To rewrite them after a deliberate change:
`KUBEDRIFT_UPDATE_SNAPSHOTS=1 pytest tests/unit/enforcers`, then review the diff.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest

from kubedrift.enforcers.jira import markdown_to_jira
from kubedrift.enforcers.ticket_content import batches, build_ticket
from kubedrift.enforcers.ticket_model import CheckStatus, Ticket
from kubedrift.enforcers.ticket_render import render_ticket
from kubedrift.enforcers.ticket_templates import TERMS, TICKET_STRINGS
from kubedrift.model.inventory import ControlPlane, NodePool
from kubedrift.model.upgrade_parts import NodeStrategy
from kubedrift.notifiers.base import LOCALES, Locale
from kubedrift.versions import parse_version
from tests.unit.enforcers.ticket_cases import ack_prod, path_and_findings, ticket

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("KUBEDRIFT_UPDATE_SNAPSHOTS") == "1"


def results(t: Ticket) -> dict[str, CheckStatus]:
    return {c.id: c.status for c in t.checks}


def test_realistic_cluster_fails_the_checks_it_should() -> None:
    t = ticket()
    assert t.key == "ack/cn-hangzhou/c8d3f0a1b2|upgrade"
    assert results(t) == {
        "target_offered": "pass",
        "skew_now": "fail",  # kubelet 1.24 under an API server at 1.28: 4 minors
        "skew_path": "pass",  # the planner moves the pool first
        "addons_compatible": "to_check",  # terway has no compatibility data
        "removed_apis": "fail",  # flowcontrol v1beta2 is gone in 1.29
        "pool_versions": "fail",  # web runs two patches
        "nodes_ready": "to_check",  # not collected: never a pass
        "apiservices": "to_check",
        "etcd_backup": "to_check",
        "apiserver_lb": "to_check",
        "network": "to_check",
        "instances": "to_check",
        "node_os": "to_check",
        "kubelet_runtime": "to_check",
        "capacity": "to_check",
    }
    checks = {c.id: c for c in t.checks}
    [skew] = checks["skew_now"].evidence
    assert (skew.rule, skew.component, skew.observed) == (
        "skew-kubelet",
        "node-pool/np-legacy",
        "1.24.6-aliyun.1",
    )
    [api] = checks["removed_apis"].evidence
    assert api.rule == "removed-api-in-use" and "flowcontrol" in (api.observed or "")
    assert [e.component for e in checks["addons_compatible"].evidence] == ["terway-eniip"]
    assert all(not c.automatic for c in t.checks[7:])


def test_steps_batches_and_strategies() -> None:
    t = ticket()
    shape = [(s.kind, s.name, s.to_version, s.jump) for s in t.steps]
    assert shape == [
        ("node_pool", "legacy", "1.28.9-aliyun.1", False),
        ("control_plane", "control-plane", "1.30.1-aliyun.1", True),  # ACK skips 1.29
        ("node_pool", "web", "1.30.1-aliyun.1", False),
        ("node_pool", "legacy", "1.30.1-aliyun.1", False),
    ]
    legacy, web = t.steps[0], t.steps[2]
    assert legacy.strategy is NodeStrategy.REPLACEMENT and "Docker" in (
        legacy.strategy_reason or ""
    )
    assert legacy.batches is not None and legacy.batches.model_dump() == {
        "nodes": 6,
        "size": 1,
        "count": 6,
        "max_unavailable": 0,
        "max_surge": 1,
    }
    assert web.strategy is NodeStrategy.IN_PLACE
    assert web.batches is not None and (web.batches.max_unavailable, web.batches.count) == (2, 12)
    assert [(p.name, p.strategy, p.kubelet) for p in t.pools] == [
        ("legacy", NodeStrategy.REPLACEMENT, "1.24.6-aliyun.1"),
        ("web", NodeStrategy.IN_PLACE, "1.28.3-aliyun.1"),
    ]
    assert t.managed and t.final_version == "1.30.1-aliyun.1"


@pytest.mark.parametrize(
    ("nodes", "strategy", "expected"),
    [
        (None, NodeStrategy.IN_PLACE, (1, None, 1, 0)),
        (1, NodeStrategy.REPLACEMENT, (1, 1, 0, 1)),
        (9, NodeStrategy.IN_PLACE, (1, 9, 1, 0)),
        (24, NodeStrategy.IN_PLACE, (2, 12, 2, 0)),
        (25, NodeStrategy.REPLACEMENT, (2, 13, 0, 2)),
        (500, NodeStrategy.IN_PLACE, (10, 50, 10, 0)),  # capped
    ],
)
def test_batches(
    nodes: int | None, strategy: NodeStrategy, expected: tuple[int, int | None, int, int]
) -> None:
    b = batches(nodes, strategy)
    assert (b.size, b.count, b.max_unavailable, b.max_surge) == expected


def test_unknowns_are_to_check_never_pass() -> None:
    inventory = ack_prod(deprecated=None)
    pools = tuple(
        NodePool(id=p.id, name=p.name, kubelet_version=None, node_count=p.node_count)
        for p in inventory.node_pools
    )
    inventory = inventory.model_copy(update={"node_pools": pools})
    status = results(ticket(inventory))
    assert status["removed_apis"] == "to_check"
    assert status["skew_now"] == "to_check"
    assert status["pool_versions"] == "to_check"


def test_clean_cluster_passes_what_kubedrift_can_see() -> None:
    inventory = ack_prod(deprecated=(), legacy_kubelet="1.28.9-aliyun.1")
    pools = tuple(
        p.model_copy(update={"versions_seen": {str(p.kubelet_version): p.node_count or 1}})
        for p in inventory.node_pools
    )
    status = results(ticket(inventory.model_copy(update={"node_pools": pools})))
    assert {k: status[k] for k in ("skew_now", "skew_path", "removed_apis", "pool_versions")} == {
        "skew_now": "pass",
        "skew_path": "pass",
        "removed_apis": "pass",
        "pool_versions": "pass",
    }


def test_target_not_offered_fails_and_marks_the_ticket_blocked() -> None:
    only_128 = ControlPlane(
        version=parse_version("1.28.9-aliyun.1"),
        available_versions=(parse_version("1.28.9-aliyun.1"),),
    )
    t = ticket(ack_prod().model_copy(update={"control_plane": only_128}))
    [offered] = [c for c in t.checks if c.id == "target_offered"]
    assert offered.status == "fail"
    assert any("not among the versions" in (e.text or "") for e in offered.evidence)
    assert "blocked" in render_ticket(t, "en").title


def test_waived_findings_do_not_fail_a_check() -> None:
    inventory = ack_prod()
    path, findings = path_and_findings(inventory)
    waived = [
        f.model_copy(update={"waived_by": "w1"}) if f.key.rule == "removed-api-in-use" else f
        for f in findings
    ]
    status = results(build_ticket(inventory, path, waived))
    assert status["removed_apis"] == "pass"


def test_catalogs_match_across_languages() -> None:
    keys = {locale: set(TICKET_STRINGS[locale]) for locale in LOCALES}
    assert keys["en"] == keys["zh-CN"]
    fields = string.Formatter()
    for key in keys["en"]:
        en = {f for _, f, _, _ in fields.parse(TICKET_STRINGS["en"][key]) if f}
        zh = {f for _, f, _, _ in fields.parse(TICKET_STRINGS["zh-CN"][key]) if f}
        assert en == zh, key
    assert {p: set(t) for p, t in TERMS["en"].items()} == {
        p: set(t) for p, t in TERMS["zh-CN"].items()
    }


def test_rendering_is_deterministic_and_jira_converts() -> None:
    a, b = render_ticket(ticket(), "zh-CN"), render_ticket(ticket(), "zh-CN")
    assert a == b
    wiki = markdown_to_jira(a.body)
    assert "h2. 升级前检查清单" in wiki and "\n# *节点池 legacy*" in wiki


@pytest.mark.parametrize("locale", LOCALES)
def test_snapshot(locale: Locale) -> None:
    rendered = render_ticket(ticket(), locale)
    text = f"{rendered.title}\n\n{rendered.body}"
    path = SNAPSHOTS / f"ticket.{locale}.md"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
