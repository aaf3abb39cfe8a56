"""KubeVersion and MinorVersion ordering: a table and Hypothesis properties."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from kubedrift.versions import KubeVersion, MinorVersion, parse_version
from kubedrift.versions.semver import parse_semver

ASCENDING = [
    "1.9.9",
    "1.29.0",
    "1.30.0-0",
    "1.30.0-alpha.1",
    "1.30.0-alpha.2",
    "1.30.0-alpha.10",
    "1.30.0-beta.0",
    "1.30.0-rc.1",
    "v1.30.0-rc.1+k3s1",
    "1.30.0",
    "1.30.0-aliyun.1",
    "1.30.0-tke.8",
    "1.30.0-tke.9",
    "1.30.0-tke.10",
    "1.30.1",
    "v1.30.1+k3s1",
    "v1.30.1+k3s2",
    "v1.30.1+k3s10",
    "1.30.1+rke2r1",
    "1.30.2-gke.99",
    "1.30.2-gke.1043002",
    "1.31.0",
    "2.0.0",
]


def test_ordering_table() -> None:
    versions = [parse_version(raw) for raw in ASCENDING]
    shuffled = versions[:]
    random.Random(7).shuffle(shuffled)
    assert [v.raw for v in sorted(shuffled)] == ASCENDING
    for lower, higher in itertools.pairwise(versions):
        assert lower < higher
        assert lower <= higher
        assert higher > lower
        assert higher >= lower
        assert lower != higher


EQUAL = [("v1.30.2", "1.30.2"), ("1.30", "1.30.0"), ("1.30.02", "v1.30.2"), ("01.30", "1.30")]


def test_equal_spellings() -> None:
    for a, b in EQUAL:
        assert parse_version(a) == parse_version(b)
        assert hash(parse_version(a)) == hash(parse_version(b))
        assert parse_version(a).raw != parse_version(b).raw


def test_comparing_with_other_types() -> None:
    assert parse_version("1.30.1") != "1.30.1"
    assert MinorVersion(1, 9) < MinorVersion(1, 30) < MinorVersion(2, 0)


identifiers = st.one_of(
    st.integers(min_value=0, max_value=20).map(str),
    st.sampled_from(["alpha", "beta", "rc", "rc1", "aliyun", "tke", "gke", "eks-adc7111", "x"]),
)
pre_or_build = st.lists(identifiers, min_size=1, max_size=3).map(".".join)


@st.composite
def kube_versions(draw: st.DrawFn) -> KubeVersion:
    text = f"{draw(st.integers(0, 2))}.{draw(st.integers(0, 31))}"
    if draw(st.booleans()):
        text += f".{draw(st.integers(0, 12))}"
    if draw(st.booleans()):
        text += f"-{draw(pre_or_build)}"
    if draw(st.booleans()):
        text += f"+{draw(st.sampled_from(['k3s1', 'k3s2', 'k3s10', 'rke2r1', 'abc']))}"
    if draw(st.booleans()):
        text = "v" + text
    return parse_version(text)


@given(kube_versions(), kube_versions(), kube_versions())
def test_total_order_consistent_with_sort_key(
    a: KubeVersion, b: KubeVersion, c: KubeVersion
) -> None:
    assert (a < b) == (a.sort_key() < b.sort_key())
    assert (a == b) == (a.sort_key() == b.sort_key())
    assert sum([a < b, a == b, a > b]) == 1  # trichotomy
    assert (a <= b) == (a < b or a == b)
    if a == b:
        assert hash(a) == hash(b)
    if a <= b <= c:
        assert a <= c


@given(kube_versions())
def test_builds_sort_after_and_prereleases_before_the_plain_patch(v: KubeVersion) -> None:
    plain = parse_version(f"{v.major}.{v.minor}.{v.patch}")
    if v.prerelease is not None:
        assert v < plain
    elif v.provider_build is not None:
        assert v > plain
    else:
        assert v == plain


@given(kube_versions(), kube_versions())
def test_agrees_with_masterminds_without_provider_builds(a: KubeVersion, b: KubeVersion) -> None:
    if a.provider_build is None and b.provider_build is None:
        semver_order = parse_semver(a.raw).compare(parse_semver(b.raw))
        assert semver_order == (a > b) - (a < b)


@given(
    st.tuples(st.integers(0, 3), st.integers(0, 40)),
    st.tuples(st.integers(0, 3), st.integers(0, 40)),
)
def test_minor_order_is_numeric(a: tuple[int, int], b: tuple[int, int]) -> None:
    assert (MinorVersion(*a) < MinorVersion(*b)) == (a < b)
    assert MinorVersion.parse(str(MinorVersion(*a))) == MinorVersion(*a)
