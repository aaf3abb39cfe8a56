"""satisfies (Masterminds on the raw string) versus admits (plans, on the upstream version)."""

from __future__ import annotations

import pytest

from kubedrift.versions import (
    InvalidConstraint,
    InvalidVersion,
    admits,
    parse_constraint,
    parse_version,
    satisfies,
)

# (constraint, version, satisfies, admits)
CASES = [
    (">=1.30", "1.30.1-aliyun.1", False, True),
    (">=1.28.0", "1.30.1-aliyun.1", False, True),
    ("*", "1.30.1-aliyun.1", False, True),
    (">=1.28.0-0", "1.30.1-aliyun.1", True, True),
    (">=1.28.0-0 <1.31.0-0", "1.30.0-tke.8", True, True),
    (">=1.28.0 <1.31.0-0", "1.30.0-tke.8", True, True),  # v3.4.0: any member names a pre-release
    (">=1.28.0 <1.31.0", "v1.29.3-eks-adc7111", False, True),
    ("~1.29", "1.29.4-gke.1043002", False, True),
    ("1.28.x", "v1.28.2+k3s1", True, True),  # build metadata is not a pre-release
    ("=1.30.1-aliyun.1", "1.30.1-aliyun.1", True, False),
    ("=1.30.1", "1.30.1-aliyun.1", False, True),
    ("<1.30.1", "1.30.1-aliyun.1", False, False),
    ("<1.30.1-0 || >=1.30.1", "1.30.1-aliyun.1", False, True),
    (">=1.31", "1.31.0-rc.1", False, False),  # a real pre-release stays one
    (">=1.31.0-0", "1.31.0-rc.1", True, True),
    (">=1.31.0-0", "v1.31.0-rc1+k3s1", True, True),
    ("<=1.30", "1.30", True, True),
    ("^1.30", "v1.31.2", True, True),
    ("!=1.30.0", "1.30.0-tke.8", False, False),  # a tke build of 1.30.0 is 1.30.0 to a plan
    (">=1.30 <1.31", "1.31.0-tke.1", False, False),
]


@pytest.mark.parametrize(("constraint", "version", "want_sat", "want_admit"), CASES)
def test_satisfies_and_admits(
    constraint: str, version: str, want_sat: bool, want_admit: bool
) -> None:
    assert satisfies(constraint, version) is want_sat
    assert admits(constraint, version) is want_admit
    parsed_c, parsed_v = parse_constraint(constraint), parse_version(version)
    assert satisfies(parsed_c, parsed_v) is want_sat
    assert admits(parsed_c, parsed_v) is want_admit
    assert parsed_c.check(version) is want_sat


def test_satisfies_takes_masterminds_versions_that_are_not_kube_versions() -> None:
    assert satisfies("^1", "1") is True
    with pytest.raises(InvalidVersion):
        admits("^1", "1")


@pytest.mark.parametrize("version", ["garbage", "1.2.3-01", "", "V1.2.3", "1.2.3 "])
def test_unparseable_versions_raise(version: str) -> None:
    with pytest.raises(InvalidVersion, match="invalid"):
        satisfies(">=1.0", version)
    with pytest.raises(InvalidVersion, match="invalid"):
        parse_constraint(">=1.0").check(version)
    with pytest.raises(InvalidVersion, match="invalid"):
        admits(">=1.0", version)


BAD_CONSTRAINTS = {
    "": "it is empty",
    "   ": "it is empty",
    ">=1.2 ||": "it is empty",
    "foo": "not a comparator list",
    ">=1.2.3.4": "not a comparator list",
    ">=1.2.3-01": "does not name a valid version",
    "1|2": "does not name a valid version",
}


@pytest.mark.parametrize(("raw", "reason"), BAD_CONSTRAINTS.items())
def test_bad_constraints(raw: str, reason: str) -> None:
    with pytest.raises(InvalidConstraint) as caught:
        satisfies(raw, "1.30.1")
    assert repr(raw) in str(caught.value)
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_constraint_str_and_raw() -> None:
    c = parse_constraint("1.28 - 1.30 || >= 1.31.0-0, !=1.31.2")
    assert c.raw == "1.28 - 1.30 || >= 1.31.0-0, !=1.31.2"
    assert str(c) == ">=1.28 <=1.30 || >=1.31.0-0 !=1.31.2"
    assert parse_constraint(str(c)) != c  # different raw text ...
    assert str(parse_constraint(str(c))) == str(c)  # ... same meaning
