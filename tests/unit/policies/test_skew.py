"""The public skew table: every boundary of the upstream policy, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubedrift.policies.skew import (
    Component,
    SkewRule,
    SkewStatus,
    SkewSubject,
    SkewVerdict,
    SkewViolation,
    check,
    cluster_skew,
    max_kube_proxy_kubelet_skew,
    max_minor_lag,
    max_minor_lead,
    newest_allowed,
    oldest_allowed,
)
from kubedrift.versions import KubeVersion, MinorVersion, parse_version

ALLOWED, VIOLATED, UNDETERMINED = SkewStatus.ALLOWED, SkewStatus.VIOLATED, SkewStatus.UNDETERMINED
APISERVER, KUBELET, PROXY = Component.KUBE_APISERVER, Component.KUBELET, Component.KUBE_PROXY
KCM, SCHED, CCM = (
    Component.KUBE_CONTROLLER_MANAGER,
    Component.KUBE_SCHEDULER,
    Component.CLOUD_CONTROLLER_MANAGER,
)
KUBECTL = Component.KUBECTL
CONTROL_PLANE_CLIENTS = (KCM, SCHED, CCM)


def v(raw: str) -> KubeVersion:
    return parse_version(raw)


def vs(*raws: str) -> list[KubeVersion]:
    return [parse_version(raw) for raw in raws]


# (component, version, API servers, kubelet of kube-proxy's node, expected status, rule broken)
CASES: list[tuple[Component, str, list[str], str | None, SkewStatus, SkewRule | None]] = [
    # kubelet: three minors older from a 1.25 kubelet on, two before, never newer.
    (KUBELET, "1.25.0", ["1.28.0"], None, ALLOWED, None),
    (KUBELET, "1.24.17", ["1.27.3"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
    (KUBELET, "1.24.17", ["1.26.9"], None, ALLOWED, None),
    (KUBELET, "1.27.2", ["1.30.1"], None, ALLOWED, None),
    (KUBELET, "1.26.2", ["1.30.1"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
    (KUBELET, "1.25.4", ["1.27.0"], None, ALLOWED, None),
    (KUBELET, "1.23.4", ["1.25.0"], None, ALLOWED, None),
    (KUBELET, "1.22.4", ["1.25.0"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
    (KUBELET, "1.28.0", ["1.28.9"], None, ALLOWED, None),
    (KUBELET, "1.28.9", ["1.28.0"], None, ALLOWED, None),  # patches never count
    (KUBELET, "1.29.0", ["1.28.9"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
    # HA: the oldest API server bounds how new, the newest how old.
    (KUBELET, "1.24.17", ["1.28.3", "1.27.5"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
    (KUBELET, "1.25.0", ["1.28.3", "1.27.5"], None, ALLOWED, None),
    (KUBELET, "1.28.0", ["1.28.3", "1.27.5"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
    (KUBELET, "1.27.0", ["1.28.3", "1.27.5"], None, ALLOWED, None),
    # Provider suffixes are builds of a patch: the minor is all that counts.
    (KUBELET, "v1.25.3-eks-adc7111", ["1.28.1-aliyun.1"], None, ALLOWED, None),
    (KUBELET, "1.28.2+k3s1", ["1.28.0-tke.8"], None, ALLOWED, None),
    (KUBELET, "1.29.0-rc.1", ["1.28.0-tke.8"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
    # kube-proxy: the kubelet's rules against the API servers...
    (PROXY, "1.25.0", ["1.28.0"], None, ALLOWED, None),
    (PROXY, "1.24.0", ["1.27.0"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
    (PROXY, "1.29.0", ["1.28.0"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
    # ...and against its kubelet: +-3 since 1.28 API servers...
    (PROXY, "1.28.0", ["1.31.0"], "1.31.2", ALLOWED, None),
    (PROXY, "1.28.0", ["1.30.0"], "1.30.2", ALLOWED, None),
    (PROXY, "1.30.0", ["1.30.0"], "1.27.2", ALLOWED, None),
    (PROXY, "1.29.0", ["1.30.0"], "1.25.2", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    (PROXY, "1.25.0", ["1.28.0"], "1.28.1", ALLOWED, None),
    (PROXY, "1.28.0", ["1.28.0"], "1.25.1", ALLOWED, None),
    # ...(+-2 for a kube-proxy older than 1.25: only reachable with no API server known)...
    (PROXY, "1.24.0", [], "1.27.1", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    (PROXY, "1.24.0", [], "1.26.1", UNDETERMINED, None),
    (PROXY, "1.24.0", [], "1.22.1", UNDETERMINED, None),
    (PROXY, "1.24.0", [], "1.21.1", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    (PROXY, "1.25.0", [], "1.28.1", UNDETERMINED, None),
    (PROXY, "1.25.0", [], "1.29.1", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    # ...and the same minor as its kubelet while any API server is older than 1.28.
    (PROXY, "1.27.0", ["1.27.4"], "1.27.1", ALLOWED, None),
    (PROXY, "1.26.0", ["1.27.4"], "1.27.1", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    (PROXY, "1.27.0", ["1.27.4"], "1.26.1", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    (PROXY, "1.27.0", ["1.28.4", "1.27.4"], "1.26.1", VIOLATED, SkewRule.KUBE_PROXY_KUBELET),
    (PROXY, "1.27.0", ["1.28.4"], "1.26.1", ALLOWED, None),
    # kube-apiserver in HA: within one minor of every other instance.
    (APISERVER, "1.28.0", ["1.27.9"], None, ALLOWED, None),
    (APISERVER, "1.27.9", ["1.28.0"], None, ALLOWED, None),
    (APISERVER, "1.29.0", ["1.27.9"], None, VIOLATED, SkewRule.APISERVER_SPREAD),
    (APISERVER, "1.27.0", ["1.27.0", "1.29.0"], None, VIOLATED, SkewRule.APISERVER_SPREAD),
    # controller-manager, scheduler, cloud-controller-manager: same or one older, never newer.
    *[
        case
        for comp in CONTROL_PLANE_CLIENTS
        for case in (
            (comp, "1.28.5", ["1.28.0"], None, ALLOWED, None),
            (comp, "1.27.5", ["1.28.0"], None, ALLOWED, None),
            (comp, "1.26.5", ["1.28.0"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
            (comp, "1.29.0", ["1.28.0"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
            (comp, "1.27.5", ["1.28.0", "1.27.0"], None, ALLOWED, None),
            (comp, "1.28.5", ["1.28.0", "1.27.0"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
            (comp, "1.26.5", ["1.28.0", "1.27.0"], None, VIOLATED, SkewRule.TOO_OLD_FOR_APISERVER),
        )
    ],
    # kubectl: one minor either way of every API server.
    (KUBECTL, "1.29.0", ["1.28.0"], None, ALLOWED, None),
    (KUBECTL, "1.27.0", ["1.28.0"], None, ALLOWED, None),
    (KUBECTL, "1.30.0", ["1.28.0"], None, VIOLATED, SkewRule.KUBECTL_DISTANCE),
    (KUBECTL, "1.26.0", ["1.28.0"], None, VIOLATED, SkewRule.KUBECTL_DISTANCE),
    (KUBECTL, "1.28.0", ["1.28.0", "1.27.0"], None, ALLOWED, None),
    (KUBECTL, "1.29.0", ["1.28.0", "1.27.0"], None, VIOLATED, SkewRule.KUBECTL_DISTANCE),
    (KUBECTL, "1.26.0", ["1.28.0", "1.27.0"], None, VIOLATED, SkewRule.KUBECTL_DISTANCE),
    # No API server known: never a pass.
    *[(comp, "1.28.0", [], None, UNDETERMINED, None) for comp in Component if comp is not PROXY],
    (PROXY, "1.28.0", [], None, UNDETERMINED, None),
    # Different majors cannot be counted in minors: refused, not guessed.
    (KUBELET, "2.0.0", ["1.30.0"], None, UNDETERMINED, None),
    (KUBELET, "1.30.0", ["2.0.0"], None, UNDETERMINED, None),
    (KUBECTL, "1.30.0", ["2.0.0"], None, UNDETERMINED, None),
    (APISERVER, "2.0.0", ["1.30.0"], None, UNDETERMINED, None),
    (PROXY, "1.30.0", ["1.30.0"], "2.0.0", UNDETERMINED, None),
    # ...but a violation found elsewhere still stands.
    (KUBELET, "1.30.0", ["2.0.0", "1.29.0"], None, VIOLATED, SkewRule.NEWER_THAN_APISERVER),
]


@pytest.mark.parametrize(
    ("component", "version", "servers", "kubelet", "status", "rule"),
    CASES,
    ids=[f"{c[0].value}-{c[1]}-vs-{'+'.join(c[2]) or 'none'}-kubelet-{c[3]}" for c in CASES],
)
def test_skew_table(
    *,
    component: Component,
    version: str,
    servers: list[str],
    kubelet: str | None,
    status: SkewStatus,
    rule: SkewRule | None,
) -> None:
    verdict = check(
        component,
        v(version),
        vs(*servers),
        kubelet_version=v(kubelet) if kubelet is not None else None,
    )
    assert verdict.status is status, verdict.reason
    assert verdict.allowed is (status is ALLOWED)
    assert verdict.determined is (status is not UNDETERMINED)
    assert verdict.component is component
    assert verdict.version == v(version)
    assert (verdict.violations[0].rule if verdict.violations else None) is rule
    assert (verdict.bound_by is not None) is (status is VIOLATED)
    assert verdict.reason.startswith(("cannot determine", f"{component.value} {version}"))


@pytest.mark.parametrize(
    ("component", "version", "servers", "kubelet", "reason"),
    [
        (
            KUBELET,
            "1.24.17",
            ["1.28.3", "1.27.5"],
            None,
            "kubelet 1.24.17 is 4 minors older than kube-apiserver 1.28.3; a kubelet older "
            "than 1.25 may be at most 2 minors older",
        ),
        (
            KUBELET,
            "1.25.1",
            ["1.29.0"],
            None,
            "kubelet 1.25.1 is 4 minors older than kube-apiserver 1.29.0; a kubelet may be at "
            "most 3 minors older",
        ),
        (
            KUBELET,
            "1.29.1",
            ["1.29.2", "1.28.3"],
            None,
            "kubelet 1.29.1 is 1 minor newer than kube-apiserver 1.28.3; a kubelet must not be "
            "newer than any API server",
        ),
        (
            SCHED,
            "1.26.0",
            ["1.28.0"],
            None,
            "kube-scheduler 1.26.0 is 2 minors older than kube-apiserver 1.28.0; kube-scheduler "
            "may be at most 1 minor older",
        ),
        (
            KUBECTL,
            "1.31.0",
            ["1.29.4"],
            None,
            "kubectl 1.31.0 is 2 minors newer than kube-apiserver 1.29.4; kubectl must be within "
            "1 minor (older or newer) of every API server",
        ),
        (
            PROXY,
            "1.26.1",
            ["1.27.3"],
            "1.27.1",
            "kube-proxy 1.26.1 is 1 minor older than its node's kubelet 1.27.1; kube-proxy must "
            "match its kubelet's minor while an API server is older than 1.28 "
            "(kube-apiserver 1.27.3)",
        ),
        (
            PROXY,
            "1.24.1",
            [],
            "1.27.0",
            "kube-proxy 1.24.1 is 3 minors older than its node's kubelet 1.27.0; a kube-proxy "
            "older than 1.25 may be at most 2 minors older or newer than its kubelet; no "
            "kube-apiserver version is known, so its rules were not checked",
        ),
        (
            KUBELET,
            "1.28.0",
            [],
            None,
            "cannot determine whether kubelet 1.28.0 is within the skew policy: no "
            "kube-apiserver version is known",
        ),
        (
            KUBELET,
            "v1.27.3-eks-1",
            ["1.28.1-aliyun.1", "1.27.0"],
            None,
            "kubelet v1.27.3-eks-1 is within the skew policy against kube-apiserver 1.27.0, "
            "1.28.1-aliyun.1 (never newer than an API server, at most 3 minors older)",
        ),
        (
            PROXY,
            "1.26.0",
            ["1.28.0"],
            "1.28.0",
            "kube-proxy 1.26.0 is within the skew policy against kube-apiserver 1.28.0 and its "
            "kubelet 1.28.0 (never newer than an API server, at most 3 minors older; at most "
            "3 minors older or newer than its kubelet)",
        ),
    ],
)
def test_reasons_read_as_sentences(
    component: Component, version: str, servers: list[str], kubelet: str | None, reason: str
) -> None:
    kubelet_version = v(kubelet) if kubelet is not None else None
    assert check(component, v(version), vs(*servers), kubelet_version=kubelet_version).reason == (
        reason
    )


def test_every_broken_rule_is_listed_worst_first_per_rule() -> None:
    verdict = check(PROXY, v("1.29.0"), vs("1.28.0", "1.27.0"), kubelet_version=v("1.25.0"))
    assert [(x.rule, str(x.against), x.minors, x.limit) for x in verdict.violations] == [
        (SkewRule.NEWER_THAN_APISERVER, "1.27.0", 2, 0),
        (SkewRule.KUBE_PROXY_KUBELET, "1.25.0", 4, 0),
    ]
    assert verdict.bound_by == v("1.27.0")
    assert verdict.reason == "; also ".join(x.message for x in verdict.violations)


def test_bound_by_is_the_newest_server_for_too_old_and_the_oldest_for_too_new() -> None:
    servers = vs("1.28.3", "1.27.5", "1.28.1")
    assert check(KUBELET, v("1.24.0"), servers).bound_by == v("1.28.3")
    assert check(KCM, v("1.28.0"), servers).bound_by == v("1.27.5")


def test_component_may_be_named_by_its_binary() -> None:
    assert check("kube-proxy", v("1.28.0"), vs("1.28.0")).component is PROXY
    with pytest.raises(ValueError, match=r"unknown component 'etcd'.*kube-apiserver, kubelet"):
        check("etcd", v("3.5.0"), vs("1.28.0"))


def test_kubelet_version_is_only_for_kube_proxy() -> None:
    with pytest.raises(ValueError, match="only applies to kube-proxy, not to kubelet"):
        check(KUBELET, v("1.28.0"), vs("1.28.0"), kubelet_version=v("1.28.0"))
    with pytest.raises(ValueError, match="only applies to kube-proxy"):
        newest_allowed(KCM, vs("1.28.0"), kubelet_version=v("1.28.0"))


def test_a_verdict_cannot_contradict_itself() -> None:
    with pytest.raises(ValueError, match="violated exactly when"):
        SkewVerdict(KUBELET, v("1.28.0"), VIOLATED, "x", bound_by=v("1.28.0"))
    with pytest.raises(ValueError, match="bound_by is set exactly when"):
        SkewVerdict(KUBELET, v("1.28.0"), ALLOWED, "x", bound_by=v("1.28.0"))
    with pytest.raises(ValueError, match="violated exactly when"):
        SkewVerdict(KUBELET, v("1.28.0"), UNDETERMINED, "x", violations=_a_violation())


def _a_violation() -> tuple[SkewViolation, ...]:
    return check(KUBELET, v("1.29.0"), vs("1.28.0")).violations


@pytest.mark.parametrize(
    ("component", "version", "lag"),
    [
        (KUBELET, "1.25.0", 3),
        (KUBELET, "1.24.99", 2),
        (KUBELET, "1.31.0", 3),
        (PROXY, "1.25.0", 3),
        (PROXY, "1.24.0", 2),
        (KCM, "1.24.0", 1),
        (SCHED, "1.30.0", 1),
        (CCM, "1.30.0", 1),
        (KUBECTL, "1.30.0", 1),
        (APISERVER, "1.30.0", 1),
        (KUBELET, "2.0.0", 3),
    ],
)
def test_max_minor_lag(component: Component, version: str, lag: int) -> None:
    assert max_minor_lag(component, v(version)) == lag
    assert max_minor_lag(component.value, v(version).minor_version) == lag


@pytest.mark.parametrize(
    ("component", "lead"),
    [(KUBECTL, 1), (APISERVER, 1), (KUBELET, 0), (PROXY, 0), (KCM, 0), (SCHED, 0), (CCM, 0)],
)
def test_max_minor_lead(component: Component, lead: int) -> None:
    assert max_minor_lead(component) == lead


@pytest.mark.parametrize(
    ("kube_proxy", "apiserver", "limit"),
    [("1.25", "1.28", 3), ("1.24", "1.28", 2), ("1.27", "1.27", 0), ("1.30", "1.27", 0)],
)
def test_max_kube_proxy_kubelet_skew(kube_proxy: str, apiserver: str, limit: int) -> None:
    assert max_kube_proxy_kubelet_skew(MinorVersion.parse(kube_proxy), v(apiserver)) == limit


# (component, API servers, kubelet, oldest allowed, newest allowed); None: nothing allowed.
RANGES: list[tuple[Component, list[str], str | None, str | None, str | None]] = [
    (KUBELET, ["1.28.3"], None, "1.25", "1.28"),
    (KUBELET, ["1.27.3"], None, "1.25", "1.27"),
    (KUBELET, ["1.26.3"], None, "1.24", "1.26"),
    (KUBELET, ["1.28.3", "1.27.1"], None, "1.25", "1.27"),
    (KUBELET, ["1.1.0"], None, "1.0", "1.1"),  # never below minor 0
    (PROXY, ["1.31.0"], "1.31.0", "1.28", "1.31"),
    (PROXY, ["1.31.0"], "1.29.0", "1.28", "1.31"),
    (PROXY, ["1.28.0"], "1.25.0", "1.25", "1.28"),
    (PROXY, ["1.27.0"], "1.26.0", "1.26", "1.26"),
    (PROXY, ["1.28.0", "1.27.0"], "1.26.0", "1.26", "1.26"),
    (PROXY, ["1.27.0"], "1.25.0", "1.25", "1.25"),
    (PROXY, ["1.27.0"], "1.24.0", None, None),  # it must match a kubelet too old for the API
    (KCM, ["1.28.0"], None, "1.27", "1.28"),
    (SCHED, ["1.28.0", "1.27.0"], None, "1.27", "1.27"),
    (CCM, ["1.29.0", "1.27.0"], None, None, None),  # HA spread too wide: nothing fits
    (KUBECTL, ["1.28.0"], None, "1.27", "1.29"),
    (KUBECTL, ["1.28.0", "1.27.0"], None, "1.27", "1.28"),
    (APISERVER, ["1.28.0"], None, "1.27", "1.29"),
    (APISERVER, ["1.28.0", "1.27.0"], None, "1.27", "1.28"),
]


@pytest.mark.parametrize(("component", "servers", "kubelet", "oldest", "newest"), RANGES)
def test_allowed_range(
    component: Component,
    servers: list[str],
    kubelet: str | None,
    oldest: str | None,
    newest: str | None,
) -> None:
    kubelet_version = v(kubelet) if kubelet is not None else None
    low = oldest_allowed(component, vs(*servers), kubelet_version=kubelet_version)
    high = newest_allowed(component, vs(*servers), kubelet_version=kubelet_version)
    assert (str(low) if low else None, str(high) if high else None) == (oldest, newest)


@pytest.mark.parametrize(
    ("servers", "kubelet", "message"),
    [
        ([], None, "no kube-apiserver version is known"),
        (["1.30.0", "2.0.0"], None, "span majors"),
        (["1.30.0"], "2.0.0", "span majors"),
    ],
)
def test_allowed_range_refuses_what_it_cannot_count(
    servers: list[str], kubelet: str | None, message: str
) -> None:
    kubelet_version = v(kubelet) if kubelet is not None else None
    for helper in (newest_allowed, oldest_allowed):
        with pytest.raises(ValueError, match=message):
            helper(PROXY, vs(*servers), kubelet_version=kubelet_version)


def test_cluster_skew_lists_every_violation_and_every_unknown() -> None:
    servers = vs("1.28.3", "1.26.1")
    found = cluster_skew(
        servers,
        [
            SkewSubject(KUBELET, v("1.26.0"), where="pool-a"),
            SkewSubject(KUBELET, v("1.24.0"), where="pool-b"),
            SkewSubject("kube-proxy", v("1.26.0"), kubelet_version=v("1.25.0"), where="pool-b"),
            SkewSubject(SCHED, v("1.27.0")),
            SkewSubject(KUBECTL, v("2.0.0"), where="ci"),
        ],
    )
    assert [(f.component, str(f.version), f.status) for f in found] == [
        (APISERVER, "1.28.3", VIOLATED),
        (KUBELET, "1.24.0", VIOLATED),
        (PROXY, "1.26.0", VIOLATED),
        (SCHED, "1.27.0", VIOLATED),
        (KUBECTL, "2.0.0", UNDETERMINED),
    ]
    assert found[0].bound_by == v("1.26.1")
    assert found[1].reason.startswith("pool-b: kubelet 1.24.0 is 4 minors older")
    assert found[3].reason.startswith("kube-scheduler 1.27.0 is 1 minor newer")


def test_cluster_skew_of_a_healthy_cluster_is_empty() -> None:
    servers = vs("1.30.2", "1.29.8")
    assert (
        cluster_skew(
            servers,
            [
                SkewSubject(KUBELET, v("1.27.0")),
                SkewSubject(PROXY, v("1.29.0"), kubelet_version=v("1.27.0")),
                SkewSubject(KCM, v("1.29.1")),
                SkewSubject(KUBECTL, v("1.30.0")),
            ],
        )
        == ()
    )


def test_cluster_skew_without_apiservers_determines_nothing() -> None:
    found = cluster_skew([], [SkewSubject(KUBELET, v("1.27.0"))])
    assert [f.status for f in found] == [UNDETERMINED]


# --- properties ------------------------------------------------------------------------------

SUFFIXES = ("", "-aliyun.1", "-tke.8", "-eks-adc7111", "+k3s1", "-rc.1")
minors = st.integers(min_value=20, max_value=34)
components = st.sampled_from(list(Component))


@st.composite
def versions(draw: st.DrawFn, minor: st.SearchStrategy[int] = minors) -> KubeVersion:
    prefix = draw(st.sampled_from(("", "v")))
    patch = draw(st.integers(min_value=0, max_value=20))
    suffix = draw(st.sampled_from(SUFFIXES))
    return parse_version(f"{prefix}1.{draw(minor)}.{patch}{suffix}")


def _kubelet_for(component: Component, version: KubeVersion) -> KubeVersion | None:
    return version if component is PROXY else None


@given(component=components, version=versions(), data=st.data())
def test_same_minor_as_every_apiserver_is_always_allowed(
    component: Component, version: KubeVersion, data: st.DataObject
) -> None:
    same = versions(st.just(version.minor))
    servers = data.draw(st.lists(same, min_size=1, max_size=4))
    kubelet = data.draw(same) if component is PROXY else None
    verdict = check(component, version, servers, kubelet_version=kubelet)
    assert verdict.allowed, verdict.reason


@given(
    component=components,
    version=versions(),
    a=versions(),
    b=versions(),
    kubelet=versions(),
)
def test_against_several_apiservers_is_against_each(
    component: Component, version: KubeVersion, a: KubeVersion, b: KubeVersion, kubelet: KubeVersion
) -> None:
    kv = kubelet if component is PROXY else None
    both = check(component, version, [a, b], kubelet_version=kv)
    alone = [check(component, version, [x], kubelet_version=kv) for x in (a, b)]
    assert both.allowed == all(x.allowed for x in alone)
    assert (both.status is VIOLATED) == any(x.status is VIOLATED for x in alone)
    assert both.determined  # one major: every verdict is decided


@given(component=components, version=versions(), servers=st.lists(versions(), max_size=4))
def test_order_duplicates_patches_and_suffixes_never_matter(
    component: Component, version: KubeVersion, servers: list[KubeVersion]
) -> None:
    kv = _kubelet_for(component, version)
    verdict = check(component, version, servers, kubelet_version=kv)
    again = check(component, version, [*reversed(servers), *servers], kubelet_version=kv)
    assert (again.status, again.reason) == (verdict.status, verdict.reason)
    plain = parse_version(f"{version.major}.{version.minor}.0")
    plain_servers = [parse_version(f"{s.major}.{s.minor}.0") for s in servers]
    plain_kv = _kubelet_for(component, plain)
    assert check(component, plain, plain_servers, kubelet_version=plain_kv).status is (
        verdict.status
    )


@given(
    component=components,
    servers=st.lists(versions(), min_size=1, max_size=3),
    kubelet=versions(),
)
def test_allowed_minors_are_exactly_the_range_helpers(
    component: Component, servers: list[KubeVersion], kubelet: KubeVersion
) -> None:
    # Monotonicity: the allowed minors form one interval, and the helpers name its ends.
    kv = kubelet if component is PROXY else None
    low = oldest_allowed(component, servers, kubelet_version=kv)
    high = newest_allowed(component, servers, kubelet_version=kv)
    allowed = [
        m
        for m in range(40)
        if check(component, parse_version(f"1.{m}.0"), servers, kubelet_version=kv).allowed
    ]
    if low is None or high is None:
        assert (low, high, allowed) == (None, None, [])
    else:
        assert allowed == list(range(low.minor, high.minor + 1))


@given(component=components, version=versions(), server=versions(), step=st.integers(1, 5))
def test_a_newer_apiserver_never_helps_an_old_component(
    component: Component, version: KubeVersion, server: KubeVersion, step: int
) -> None:
    # Monotonicity in the API server: once too old, a newer API server keeps it too old.
    kv = _kubelet_for(component, version)
    verdict = check(component, version, [server], kubelet_version=kv)
    newer = parse_version(f"1.{server.minor + step}.0")
    later = check(component, version, [newer], kubelet_version=kv)
    # (kube-proxy's kubelet rule is left out: a 1.28 API server loosens it, by design.)
    too_old = [
        x
        for x in verdict.violations
        if x.against_component is APISERVER and x.rule is not SkewRule.NEWER_THAN_APISERVER
    ]
    if any(x.minors < 0 for x in too_old):
        assert later.status is VIOLATED


@given(component=components, version=versions(), server=versions())
def test_lag_limits_are_what_check_enforces(
    component: Component, version: KubeVersion, server: KubeVersion
) -> None:
    distance = version.minor - server.minor
    inside = -max_minor_lag(component, version) <= distance <= max_minor_lead(component)
    kv = _kubelet_for(component, version)
    assert check(component, version, [server], kubelet_version=kv).allowed is inside


@given(
    servers=st.lists(versions(), min_size=1, max_size=3),
    subjects=st.lists(st.tuples(components, versions(), versions()), max_size=6),
)
def test_cluster_skew_is_every_component_verdict_that_is_not_allowed(
    servers: list[KubeVersion], subjects: list[tuple[Component, KubeVersion, KubeVersion]]
) -> None:
    items = [
        SkewSubject(c, ver, kubelet_version=k if c is PROXY else None) for c, ver, k in subjects
    ]
    found = cluster_skew(servers, items)
    expected = [
        check(i.component, i.version, servers, kubelet_version=i.kubelet_version) for i in items
    ]
    newest = max(servers, key=lambda s: (s.sort_key(), s.raw))
    spread = check(APISERVER, newest, servers)
    head = [] if spread.allowed else [spread]
    assert list(found) == head + [x for x in expected if not x.allowed]
    assert spread.allowed is (max(s.minor for s in servers) - min(s.minor for s in servers) <= 1)
    assert all(not f.allowed for f in found)
