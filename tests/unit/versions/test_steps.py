"""minor_steps: the control-plane path, one minor at a time."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubedrift.versions import (
    InvalidUpgradePath,
    InvalidVersion,
    MinorVersion,
    minor_steps,
    parse_version,
)

STEPS = [
    ("1.28.5", "1.31", ["1.29", "1.30", "1.31"]),
    ("1.28.5", "1.28", []),
    ("1.28.5", "1.28.9", []),
    ("1.30.1-aliyun.1", "1.31.0-aliyun.1", ["1.31"]),
    ("v1.29.3-eks-adc7111", "v1.30", ["1.30"]),
    ("1.9", "1.11", ["1.10", "1.11"]),
    ("1.31.0-rc.1", "1.32.0-alpha.1", ["1.32"]),
]


@pytest.mark.parametrize(("current", "target", "expected"), STEPS)
def test_minor_steps(current: str, target: str, expected: list[str]) -> None:
    assert [str(m) for m in minor_steps(current, target)] == expected
    parsed = minor_steps(
        parse_version(current), MinorVersion.parse(str(parse_version(target).minor_version))
    )
    assert [str(m) for m in parsed] == expected


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        ("1.30.2", "1.29", "older"),
        ("1.30.2", "1.29.9-tke.1", "older"),
        ("1.30.2", "2.0", "major"),
        ("2.0.0", "1.31", "major"),
    ],
)
def test_impossible_paths(current: str, target: str, reason: str) -> None:
    with pytest.raises(InvalidUpgradePath, match=reason) as caught:
        minor_steps(current, target)
    assert isinstance(caught.value, ValueError)


def test_garbage_raises_invalid_version() -> None:
    with pytest.raises(InvalidVersion):
        minor_steps("latest", "1.31")


@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 3))
def test_steps_are_consecutive_and_end_at_target(a: int, b: int, major: int) -> None:
    current, target = MinorVersion(major, a), MinorVersion(major, b)
    if b < a:
        with pytest.raises(InvalidUpgradePath):
            minor_steps(current, target)
        return
    steps = minor_steps(current, target)
    assert len(steps) == b - a
    path = [current, *steps]
    assert all(nxt == prev.next() for prev, nxt in itertools.pairwise(path))
    assert path[-1] == target
