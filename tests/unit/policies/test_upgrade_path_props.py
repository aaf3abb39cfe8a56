"""Properties of the upgrade-path planner, over generated clusters that start within policy.

Every state the path passes through (after each step, and mid-roll during each control-plane
step) is re-checked with `skew.check`; the control plane never skips a minor and ends at the
target; pools move before the end only when the next control-plane step would break the
policy, and then to the newest minor allowed; the end is pools, then add-ons.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.skew import Component, check
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.policies.upgrade_render import render_path_table
from kubedrift.policies.upgrade_state import apply, rolling, state_of
from kubedrift.versions import MinorVersion, parse_version
from tests.unit.policies.upgrade_cases import cluster, coredns, oracle_violations, pool

POOL_ACTIONS = ("upgrade_node_pool", "replace_node_pool")


@dataclass
class Case:
    inventory: object
    target: MinorVersion


@st.composite
def cases(draw: st.DrawFn) -> Case:
    newest = draw(st.integers(min_value=20, max_value=33))
    ha_mixed = draw(st.booleans())
    oldest = newest - 1 if ha_mixed else newest
    servers = [f"1.{oldest}.{draw(st.integers(0, 9))}", f"1.{newest}.2"]
    apis = [parse_version(s) for s in servers]
    pools = []
    for index in range(draw(st.integers(0, 4))):
        kubelet = f"1.{oldest - draw(st.integers(0, 3))}.{draw(st.integers(0, 5))}"
        if draw(st.integers(0, 9)) == 0:
            pools.append(pool(f"p{index}", None))
            continue
        assume(check(Component.KUBELET, parse_version(kubelet), apis).allowed)
        proxy = None
        if draw(st.booleans()):
            proxy = f"1.{oldest - draw(st.integers(0, 3))}.1"
            assume(
                check(
                    Component.KUBE_PROXY,
                    parse_version(proxy),
                    apis,
                    kubelet_version=parse_version(kubelet),
                ).allowed
            )
        runtime = draw(st.sampled_from(["containerd", "docker", None]))
        pools.append(pool(f"p{index}", kubelet, proxy=proxy, runtime=runtime))
    addons = [coredns(draw(st.sampled_from(["v1.8.6", "v1.11.3", None])))]
    inventory = cluster(
        servers, pools, addons=addons, clients=draw(st.booleans()), provider="kubeconfig"
    )
    target = MinorVersion(1, newest + draw(st.integers(0, 5)))
    return Case(inventory=inventory, target=target)


def _plan(case: Case) -> UpgradePath:
    return plan_upgrade(case.inventory, case.target)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(cases())
def test_every_state_on_the_path_is_within_the_skew_policy(case: Case) -> None:
    state = state_of(case.inventory)  # type: ignore[arg-type]
    assume(not oracle_violations(state))
    path = _plan(case)
    assert not path.blocked, path.blocked_by
    assert not path.warnings or all("unknown" in w for w in path.warnings), path.warnings
    for step in path.steps:
        if step.action == "upgrade_control_plane":
            middle = rolling(state, parse_version(step.to_version))
            assert oracle_violations(middle) == [], (step, middle)
        state = apply(state, step)
        assert oracle_violations(state) == [], (step, state)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_control_plane_moves_one_minor_at_a_time_and_ends_at_the_target(case: Case) -> None:
    start = state_of(case.inventory)  # type: ignore[arg-type]
    assume(not oracle_violations(start))
    path = _plan(case)
    minor = start.newest.minor_version
    previous = start.oldest.minor_version
    for step in path.steps:
        if step.action == "upgrade_control_plane":
            reached = parse_version(step.to_version).minor_version
            assert reached.major == previous.major
            assert reached.minor - previous.minor == 1 or (reached == minor == previous.next())
            previous = reached
    assert previous == case.target
    end = start
    for step in path.steps:
        end = apply(end, step)
    assert {a.minor_version for a in end.apiservers} == {case.target}
    for p in end.pools:
        assert p.kubelet is not None and p.kubelet.minor_version == case.target
        if p.kube_proxy is not None:
            assert p.kube_proxy.minor_version == case.target


@settings(max_examples=300, deadline=None)
@given(cases())
def test_pools_move_early_only_when_required_and_then_as_far_as_allowed(case: Case) -> None:
    state = state_of(case.inventory)  # type: ignore[arg-type]
    assume(not oracle_violations(state))
    path = _plan(case)
    cp_orders = [s.order for s in path.steps if s.action == "upgrade_control_plane"]
    last_cp = max(cp_orders, default=0)
    for step in path.steps:
        assert step.reason
        if step.action in POOL_ACTIONS:
            assert step.strategy is not None and step.strategy.reason
        if step.action in POOL_ACTIONS and step.order < last_cp:
            next_cp = next(s for s in path.steps if s.order > step.order and s.order in cp_orders)
            middle = rolling(state, parse_version(next_cp.to_version))
            before = state.pool(step.component.removeprefix("node-pool/"))
            assert before.kubelet is not None
            kubelet_breaks = not check(Component.KUBELET, before.kubelet, middle.apiservers).allowed
            assert kubelet_breaks or "kube-proxy" in step.reason, step
            assert parse_version(step.to_version).minor_version == state.oldest.minor_version
        state = apply(state, step)
    tail = [s.action for s in path.steps if s.order > last_cp]
    pools_then_addons = sorted(tail, key=lambda a: a == "upgrade_addon")
    assert tail == pools_then_addons
    assert len([a for a in tail if a in POOL_ACTIONS]) == len(
        {s.component for s in path.steps if s.order > last_cp and s.action in POOL_ACTIONS}
    )


@settings(max_examples=100, deadline=None)
@given(cases())
def test_table_fits_100_columns_and_json_round_trips(case: Case) -> None:
    path = _plan(case)
    assert all(len(line) <= 100 for line in render_path_table(path).splitlines())
    assert UpgradePath.model_validate(path.model_dump(mode="json")) == path
