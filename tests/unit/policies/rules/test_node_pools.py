from __future__ import annotations

import pytest

from kubedrift.model.findings import Severity
from kubedrift.policies.rules.node_pools import NodePoolBehind, NodePoolMixedVersions
from tests.unit.policies.rules.builders import cluster, run, target


@pytest.mark.parametrize(
    ("kubelet", "max_skew", "expected"),
    [
        ("1.30.1", None, None),
        ("1.29.8", None, Severity.LOW),
        ("1.28.8", 1, Severity.MEDIUM),
        ("1.29.8", 1, Severity.LOW),
        ("1.31.0", None, None),  # newer is the skew rule's business
    ],
)
def test_behind(kubelet: str, max_skew: int | None, expected: Severity | None) -> None:
    inventory = cluster("1.30.1", pools=({"kubelet_version": kubelet},))
    goal = target("1.30", node_pools={"max_minor_skew": max_skew})
    found = run(NodePoolBehind, inventory, goal)
    assert [f.severity for f in found] == ([] if expected is None else [expected])
    if found:
        assert found[0].remedy is not None and found[0].remedy.steps[0].to_version == "1.30.1"


@pytest.mark.parametrize(
    ("seen", "allow", "expected"),
    [
        ({"1.30.1": 3}, False, None),
        ({"1.30.1": 3, "1.29.4": 1}, False, Severity.MEDIUM),
        ({"1.30.1": 3, "1.29.4": 1}, True, None),
        ({}, False, Severity.INFO),  # not counted: could not determine
    ],
)
def test_mixed(seen: dict[str, int], allow: bool, expected: Severity | None) -> None:
    inventory = cluster("1.30.1", pools=({"kubelet_version": "1.29.4", "versions_seen": seen},))
    goal = target("1.30", node_pools={"allow_mixed_versions": allow})
    found = run(NodePoolMixedVersions, inventory, goal)
    assert [f.severity for f in found] == ([] if expected is None else [expected])
