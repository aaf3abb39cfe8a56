"""docs/writing-rules.md's example rule runs as written, alike with and without reuse."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kubedrift.calendar import load_calendar
from kubedrift.model.inventory import ClusterInventory
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-rules.md"
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def _example_rule() -> Any:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    scope: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), scope)  # the project's own document, run as written
    return scope["NoDockershim"]


def _cluster(name: str, runtime: str) -> ClusterInventory:
    pool = {"id": "np-0", "name": "p0", "kubelet_version": "1.30.2", "runtime": runtime}
    return ClusterInventory.model_validate(
        {
            "provider": "kubeconfig",
            "source": "s",
            "id": name,
            "name": name,
            "collected_at": NOW,
            "control_plane": {"version": "1.30.2"},
            "node_pools": [pool],
        }
    )


def test_the_example_rule_reports_docker_pools_alike_with_and_without_reuse() -> None:
    rule = _example_rule()
    plan = parse_plan("version: 1\ngroups:\n  - {name: all, target: {kubernetes: '1.30'}}\n")
    fleet = [_cluster("a", "docker"), _cluster("b", "containerd"), _cluster("c", "docker")]
    shared = evaluate(plan, fleet, NOW, load_calendar(), rules=[rule])
    fresh = evaluate(plan, fleet, NOW, load_calendar(), rules=[rule], reuse=False)
    assert [f.model_dump() for f in shared] == [f.model_dump() for f in fresh]
    assert [(f.key.cluster, f.key.rule, f.summary) for f in shared] == [
        ("kubeconfig/a", "acme-no-docker-runtime", "pool p0 runs the docker runtime"),
        ("kubeconfig/c", "acme-no-docker-runtime", "pool p0 runs the docker runtime"),
    ]
