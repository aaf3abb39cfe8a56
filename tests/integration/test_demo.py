"""`kubedrift demo`: fake servers -> real SDKs -> collectors -> engine, in one command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kubedrift.cli import main
from kubedrift.model.inventory import InventoryDocument
from kubedrift.notifiers.templates import zh_cn_engine, zh_cn_summaries
from kubedrift.notifiers.templates.zh_cn_planner import PLANNER

pytestmark = pytest.mark.slow


def test_demo_prints_inventory_and_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "inventory.json"
    code = main(["demo", "--now", "2026-11-26T09:00:00Z", "--inventory-out", str(saved)])
    out = capsys.readouterr().out
    assert code == 0
    assert "== inventory ==" in out and "== findings ==" in out
    assert "10 clusters collected, 0 failures" in out
    # TKE publishes no per-minor dates: the finding says its date is an estimate.
    assert "1.30 reached end of support on 2026-07-17 (TKE calendar" in out
    assert "estimated" in out
    # Self-hosted clusters get their labels from the source's context_labels, so the
    # plan's label-selected waiver applies.
    assert "waived by idc-calico-pin" in out
    # The self-hosted cluster with HA API servers at mixed minors.
    assert "skew-apiserver-ha" in out
    # The Swarm (through the docker SDK) and the Mesos cluster (its three masters) are read
    # and held to the plan like any cluster.
    assert "legacy-swarm-bj   swarm             26.1.4" in out
    assert "bigdata-mesos-sh  mesos             1.10.0" in out
    assert "workers in pool batch run Docker Engine 28.5.2, newer than the oldest manager" in out
    assert "agents in pool r2 run Mesos 1.11.0, newer than the oldest master (1.10.0)" in out
    assert "the leading manager swarm-bj-mgr-1: one at a time so 2 of 3 managers keep" in out
    document = InventoryDocument.model_validate_json(saved.read_text())
    assert len(document.clusters) == 10


def test_demo_json_is_the_evaluate_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--now", "2026-11-26", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in report["findings"]}
    assert {"end-of-support", "control-plane-minor-lag", "cluster-not-in-plan"} <= rules
    assert report["summary"]
    # TKE's nginx-ingress add-on reports TKE catalogue versions: no data, not "incompatible".
    [orders] = [
        f
        for f in report["findings"]
        if f["cluster"] == "tke/ap-guangzhou/cls-7xk2p9ab" and f["rule"] == "addon-incompatible"
    ]
    assert orders["severity"] == "info"
    assert "no compatibility data for TKE's nginx-ingress versions" in orders["summary"]
    # Chinese chat messages word the engine's sentences in Chinese: every summary, every
    # remedy without steps and every expected phrase the demo's findings carry has its
    # Chinese form.
    words = re.compile(r"[a-z]{3,} [a-z]{3,}")
    untranslated = set()
    for finding in report["findings"]:
        remedy, expected = finding["remedy"] or {}, finding["expected"]
        if (
            remedy
            and not remedy["steps"]
            and zh_cn_engine.remedy(remedy["summary"]) == (remedy["summary"])
        ):
            untranslated.add(remedy["summary"])
        if expected and words.search(expected) and zh_cn_engine.expected(expected) == expected:
            untranslated.add(expected)
        if zh_cn_summaries.summary(finding["summary"]) is None:
            untranslated.add(finding["summary"])
    assert not untranslated
    # Chinese tickets word the planner's sentences in Chinese: every reason, block, warning,
    # add-on decision and in-place / replacement reason of the demo's remedy steps.
    planned = []
    for finding in report["findings"]:
        for step in (finding["remedy"] or {}).get("steps", []):
            planned += [step["reason"], *step["blocked_by"], *step["warnings"]]
            planned += [decision["reason"] for decision in step["addons"]]
            planned += [step["strategy"]["reason"]] if step["strategy"] else []
    assert len(planned) > 50
    missed = {text: PLANNER.untranslated(text) for text in planned if PLANNER.untranslated(text)}
    assert not missed, f"planner sentences without a Chinese form: {missed}"
