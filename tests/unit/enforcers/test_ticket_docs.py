"""docs/tickets.md keeps its promises: its settings examples validate, and its sample
excerpts are lines of the reviewed snapshots (so the page cannot drift from the code)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kubedrift.enforcers.tickets import TicketsConfig

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "tickets.md").read_text(encoding="utf-8")
SNAPSHOTS = Path(__file__).parent / "snapshots"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def test_settings_examples_validate() -> None:
    [settings] = blocks("yaml")
    entries = yaml.safe_load(settings)["enforcers"]
    sinks = []
    for entry in entries:
        assert entry.pop("type") == "ticket"
        sinks.append(TicketsConfig.model_validate(entry).sink)
    assert sinks == ["github", "gitlab", "jira", "file"]


def test_samples_are_excerpts_of_the_snapshots() -> None:
    en, zh = blocks("markdown")
    for sample, name in ((en, "ticket.en.md"), (zh, "ticket.zh-CN.md")):
        snapshot = (SNAPSHOTS / name).read_text(encoding="utf-8").split("\n")
        lines = [x for x in sample.split("\n") if x.strip() and x not in ("...", "……")]
        assert len(lines) > 20
        missing = [x for x in lines if x not in snapshot]
        assert missing == [], f"docs/tickets.md sample not in {name}"
