"""Hypothesis properties of constraints: OR and AND decomposition, pre-release gate, String()."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from kubedrift.versions import admits, parse_constraint, parse_version, satisfies

OPERATORS = ["", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"]
PRERELEASES = ["0", "alpha", "alpha.1", "beta.2", "rc.1", "aliyun.1", "tke.10"]
numbers = st.integers(0, 3).map(str)
parts = st.one_of(numbers, st.sampled_from(["x", "X", "*"]))


@dataclass(frozen=True)
class Generated:
    text: str
    names_prerelease: bool


@st.composite
def comparators(draw: st.DrawFn) -> Generated:
    operand = draw(st.sampled_from(["", "v"])) + draw(parts)
    for _ in range(draw(st.integers(0, 2))):
        operand += "." + draw(parts)
    prerelease = draw(st.none() | st.sampled_from(PRERELEASES))
    if prerelease is not None:
        operand += f"-{prerelease}"
    space = draw(st.sampled_from(["", " "]))
    return Generated(draw(st.sampled_from(OPERATORS)) + space + operand, prerelease is not None)


@st.composite
def versions(draw: st.DrawFn) -> tuple[str, bool]:
    text = draw(st.sampled_from(["", "v"])) + draw(numbers)
    for _ in range(draw(st.integers(0, 2))):
        text += "." + draw(numbers)
    prerelease = draw(st.none() | st.sampled_from(PRERELEASES))
    if prerelease is not None:
        text += f"-{prerelease}"
    if draw(st.booleans()):
        text += "+k3s1"
    return text, prerelease is not None


and_groups = st.lists(comparators(), min_size=1, max_size=4)
separators = st.sampled_from([" ", ", ", ",", "  "])


def join(group: list[Generated], separator: str) -> str:
    return separator.join(member.text for member in group)


@given(and_groups, and_groups, versions())
def test_or_is_the_disjunction_of_its_groups(
    a: list[Generated], b: list[Generated], version: tuple[str, bool]
) -> None:
    left, right, raw = join(a, " "), join(b, ", "), version[0]
    either = satisfies(left, raw) or satisfies(right, raw)
    assert satisfies(f"{left} || {right}", raw) == either
    assert satisfies(f"{left}||{right}", raw) == either


@given(and_groups, separators, versions())
def test_and_is_the_conjunction_of_its_members(
    group: list[Generated], separator: str, version: tuple[str, bool]
) -> None:
    raw, is_prerelease = version
    if not is_prerelease:
        expected = all(satisfies(member.text, raw) for member in group)
    elif any(member.names_prerelease for member in group):
        # Each member alone would close the pre-release gate; `>=0.0.0-0` holds for every version
        # and opens it, as the group's pre-release member does for the whole group.
        expected = all(satisfies(f"{member.text} >=0.0.0-0", raw) for member in group)
    else:
        expected = False
    assert satisfies(join(group, separator), raw) == expected


@given(st.lists(and_groups, min_size=1, max_size=3), versions())
def test_string_form_means_the_same(
    groups: list[list[Generated]], version: tuple[str, bool]
) -> None:
    raw = " || ".join(join(group, " ") for group in groups)
    normalised = str(parse_constraint(raw))
    assert satisfies(normalised, version[0]) == satisfies(raw, version[0])
    assert str(parse_constraint(normalised)) == normalised


@given(and_groups, versions(), st.sampled_from(["", "-aliyun.1", "-tke.8", "+k3s1", "-rc.1"]))
def test_admits_is_satisfies_on_the_upstream_version(
    group: list[Generated], version: tuple[str, bool], suffix: str
) -> None:
    raw = version[0].partition("-")[0].partition("+")[0]
    if "." not in raw:
        raw += ".0"
    kube = parse_version(raw + suffix)
    constraint = join(group, " ")
    assert admits(constraint, kube) == satisfies(constraint, kube.upstream)
    assert satisfies(constraint, kube) == satisfies(constraint, kube.raw)
