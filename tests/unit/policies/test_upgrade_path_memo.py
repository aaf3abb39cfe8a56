"""The planner with a run's memo table (what `evaluate` passes) plans exactly what it plans
without one, byte for byte of the JSON, and the paths of one run share their steps."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.versions import MinorVersion
from tests.unit.policies.test_upgrade_path_props import Case, cases
from tests.unit.policies.upgrade_cases import cluster, pool


def _json(path: UpgradePath) -> str:
    return json.dumps(path.model_dump(mode="json"), sort_keys=True)


def _plan(case: Case, memo: dict[Any, Any] | None) -> UpgradePath:
    return plan_upgrade(case.inventory, case.target, memo=memo)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=6))
def test_a_shared_memo_plans_what_a_fresh_planner_plans(batch: list[Case]) -> None:
    memo: dict[Any, Any] = {}
    shared = [_plan(case, memo) for case in (*batch, *batch)]  # the second round hits the memo
    fresh = [_plan(case, None) for case in (*batch, *batch)]
    assert [_json(p) for p in shared] == [_json(p) for p in fresh]


def _twin() -> ClusterInventory:
    return cluster(["1.28.3"], [pool("a", "1.26.1"), pool("b", "1.28.3")])


def test_paths_of_one_run_share_their_steps() -> None:
    memo: dict[Any, Any] = {}
    first = plan_upgrade(_twin(), MinorVersion(1, 31), memo=memo)
    second = plan_upgrade(_twin(), MinorVersion(1, 31), memo=memo)
    alone = plan_upgrade(_twin(), MinorVersion(1, 31))
    assert len(first.steps) >= 4 and [s.order for s in first.steps] == list(
        range(1, len(first.steps) + 1)
    )
    assert all(a is b for a, b in zip(first.steps, second.steps, strict=True))
    assert _json(first) == _json(second) == _json(alone)
    assert not any(a is b for a, b in zip(first.steps, alone.steps, strict=True))
