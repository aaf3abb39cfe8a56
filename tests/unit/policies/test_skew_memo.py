"""The memoised skew answers equal `skew.check` / `skew.cluster_skew`, whatever was asked before."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.policies.skew import Component, SkewSubject, check, cluster_skew
from kubedrift.policies.skew_memo import allows, problems, verdict
from kubedrift.versions import KubeVersion, parse_version

SUFFIXES = ("", "-aliyun.1", "-tke.3", "+k3s1")


@st.composite
def versions(draw: st.DrawFn) -> KubeVersion:
    major = draw(st.sampled_from((1, 1, 1, 2)))
    minor = draw(st.integers(20, 34))
    patch = draw(st.integers(0, 9))
    return parse_version(f"{major}.{minor}.{patch}{draw(st.sampled_from(SUFFIXES))}")


components = st.sampled_from([c for c in Component if c is not Component.KUBE_PROXY])


@settings(max_examples=400, deadline=None)
@given(
    component=components,
    version=versions(),
    servers=st.lists(versions(), max_size=3),
)
def test_allows_and_verdict_equal_check(
    component: Component, version: KubeVersion, servers: list[KubeVersion]
) -> None:
    expected = check(component, version, servers)
    assert allows(component, version, servers) is expected.allowed
    assert verdict(component, version, servers) == expected
    assert verdict(component, version, servers).reason == expected.reason


@settings(max_examples=400, deadline=None)
@given(version=versions(), kubelet=versions(), servers=st.lists(versions(), max_size=3))
def test_kube_proxy_with_its_kubelet(
    version: KubeVersion, kubelet: KubeVersion, servers: list[KubeVersion]
) -> None:
    expected = check(Component.KUBE_PROXY, version, servers, kubelet_version=kubelet)
    assert allows(Component.KUBE_PROXY, version, servers, kubelet_version=kubelet) is (
        expected.allowed
    )


@settings(max_examples=300, deadline=None)
@given(
    servers=st.lists(versions(), min_size=1, max_size=3),
    nodes=st.lists(st.tuples(versions(), st.none() | versions()), max_size=4),
)
def test_problems_equal_cluster_skew(
    servers: list[KubeVersion], nodes: list[tuple[KubeVersion, KubeVersion | None]]
) -> None:
    subjects = []
    for index, (kubelet, proxy) in enumerate(nodes):
        subjects.append(SkewSubject(Component.KUBELET, kubelet, where=f"p{index}"))
        if proxy is not None:
            subjects.append(
                SkewSubject(Component.KUBE_PROXY, proxy, kubelet_version=kubelet, where=f"p{index}")
            )
    assert problems(servers, subjects) == cluster_skew(servers, subjects)
