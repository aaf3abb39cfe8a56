"""Properties of the upgrade-path planner, over generated clusters that start within policy.

Every state the path passes through (after each step, and mid-roll during each control-plane
step) is re-checked with `skew.check`; the control plane never skips a minor the provider
releases and ends at the target; pools move before the end only when the next control-plane
step would break the policy, and then to the newest minor allowed; the end is pools, then
add-ons. Clusters are self-hosted (one minor per step) or managed by a provider that releases
only some minors (ACK: even minors up to 1.30, then every one; TKE: even minors), whose offer
(upgradable and available versions) the planner follows over the minors it skips.
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


# The minors each provider releases (1.20 .. 1.40), as the generated offers list them.
RELEASES = {
    "kubeconfig": frozenset(range(20, 41)),
    "ack": frozenset(m for m in range(20, 41) if m % 2 == 0 or m > 30),
    "tke": frozenset(m for m in range(20, 41) if m % 2 == 0),
}
SUFFIX = {"kubeconfig": "", "ack": "-aliyun.1", "tke": "-tke.2"}


@dataclass
class Case:
    inventory: object
    target: MinorVersion


@st.composite
def cases(draw: st.DrawFn) -> Case:
    provider = draw(st.sampled_from(sorted(RELEASES)))
    released = sorted(RELEASES[provider])
    newest = draw(st.sampled_from([m for m in released if 20 <= m <= 33]))
    ha_mixed = newest - 1 in released and draw(st.booleans())
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
    upgradable: list[str] = []
    available: list[str] = []
    if provider != "kubeconfig":
        suffix = SUFFIX[provider]
        later = [m for m in released if m > oldest]
        upgradable = [f"1.{m}.5{suffix}" for m in later[: draw(st.integers(1, 2))]]
        available = [f"1.{m}.{p}{suffix}" for m in released if m >= newest - 1 for p in (1, 5)]
    inventory = cluster(
        servers,
        pools,
        addons=addons,
        clients=draw(st.booleans()),
        provider=provider,
        upgradable=upgradable,
        available=available,
    )
    target = MinorVersion(1, draw(st.sampled_from([m for m in released if newest <= m <= 38])))
    return Case(inventory=inventory, target=target)


def _released(case: Case) -> set[MinorVersion]:
    """The minors the provider reports releasing (every minor for a self-hosted cluster)."""
    plane = case.inventory.control_plane  # type: ignore[attr-defined]
    offered = (*plane.upgradable_versions, *plane.available_versions)
    if not offered:
        return {MinorVersion(1, m) for m in range(100)}
    return {v.minor_version for v in offered}


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
            to = parse_version(step.to_version)
            middle = rolling(state, to)
            # A provider's jump replaces the control plane in one operation: the nodes meet
            # the API servers of both minors, the API servers never meet each other.
            jump = to.minor - state.oldest.minor > 1
            assert oracle_violations(middle, nodes_only=jump) == [], (step, middle)
        state = apply(state, step)
        assert oracle_violations(state) == [], (step, state)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_control_plane_never_skips_a_released_minor_and_ends_at_the_target(case: Case) -> None:
    start = state_of(case.inventory)  # type: ignore[arg-type]
    assume(not oracle_violations(start))
    path = _plan(case)
    released = _released(case)
    previous = start.oldest.minor_version
    for step in path.steps:
        if step.action == "upgrade_control_plane":
            reached = parse_version(step.to_version).minor_version
            assert reached.major == previous.major
            assert reached.minor > previous.minor
            skipped = [MinorVersion(1, m) for m in range(previous.minor + 1, reached.minor)]
            assert not [m for m in skipped if m in released], (step, sorted(released))
            assert bool(skipped) == ("does not release" in step.reason), step
            if skipped:
                assert reached in released
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
