"""parse_version on every provider form, and its errors."""

from __future__ import annotations

import pytest

from kubedrift.versions import InvalidVersion, KubeVersion, MinorVersion, parse_version

# raw -> (major, minor, patch, patch_given, prerelease, provider_build, provider, upstream, suffix)
PARSED = {
    "v1.30.2": (1, 30, 2, True, None, None, None, "1.30.2", ""),
    "1.30.1-aliyun.1": (1, 30, 1, True, None, "aliyun.1", "aliyun", "1.30.1", "-aliyun.1"),
    "1.30.0-tke.8": (1, 30, 0, True, None, "tke.8", "tke", "1.30.0", "-tke.8"),
    "v1.29.3-eks-adc7111": (1, 29, 3, True, None, "eks-adc7111", "eks", "1.29.3", "-eks-adc7111"),
    "1.29.4-gke.1043002": (1, 29, 4, True, None, "gke.1043002", "gke", "1.29.4", "-gke.1043002"),
    "v1.28.2+k3s1": (1, 28, 2, True, None, "k3s1", "k3s", "1.28.2", "+k3s1"),
    "v1.28.2+rke2r1": (1, 28, 2, True, None, "rke2r1", "rke2", "1.28.2", "+rke2r1"),
    "1.30": (1, 30, 0, False, None, None, None, "1.30", ""),
    "v1.31": (1, 31, 0, False, None, None, None, "1.31", ""),
    "1.31.0-rc.1": (1, 31, 0, True, "rc.1", None, None, "1.31.0-rc.1", "-rc.1"),
    "v1.31.0-alpha.3": (1, 31, 0, True, "alpha.3", None, None, "1.31.0-alpha.3", "-alpha.3"),
    "1.31.0-beta.0": (1, 31, 0, True, "beta.0", None, None, "1.31.0-beta.0", "-beta.0"),
    "v1.31.0-rc1+k3s1": (1, 31, 0, True, "rc1", "k3s1", "k3s", "1.31.0-rc1", "-rc1+k3s1"),
    "1.30.0-0": (1, 30, 0, True, "0", None, None, "1.30.0-0", "-0"),
    "1.30.02": (1, 30, 2, True, None, None, None, "1.30.2", ""),
    "1.29.1-do.0": (1, 29, 1, True, None, "do.0", None, "1.29.1", "-do.0"),
    "v1.27.6+f67aeb3": (1, 27, 6, True, None, "f67aeb3", None, "1.27.6", "+f67aeb3"),
    "1.30.1-aliyun.1+x": (1, 30, 1, True, None, "aliyun.1+x", "aliyun", "1.30.1", "-aliyun.1+x"),
}


@pytest.mark.parametrize(("raw", "expected"), PARSED.items(), ids=list(PARSED))
def test_parse_version(raw: str, expected: tuple[object, ...]) -> None:
    v = parse_version(raw)
    got = (v.major, v.minor, v.patch, v.patch_given, v.prerelease, v.provider_build, v.provider)
    assert (*got, v.upstream, v.suffix) == expected
    assert v.raw == raw
    assert str(v) == raw
    assert v.is_prerelease == (expected[4] is not None)
    assert v.minor_version == MinorVersion(expected[0], expected[1])
    assert str(v.minor_version) == f"{expected[0]}.{expected[1]}"


INVALID = {
    "": "expected [v]MAJOR.MINOR",
    "garbage": "expected [v]MAJOR.MINOR",
    "1": "no minor",
    "v": "expected [v]MAJOR.MINOR",
    "V1.30.2": "expected [v]MAJOR.MINOR",
    "1.30.2.1": "expected [v]MAJOR.MINOR",
    " 1.30.2": "expected [v]MAJOR.MINOR",
    "1.30.2\n": "expected [v]MAJOR.MINOR",
    "1.30.x": "expected [v]MAJOR.MINOR",
    "1.30.1-aliyun.01": "leading zero",
    "1.30.1-": "expected [v]MAJOR.MINOR",
    "1.30.1-aliyun_1": "expected [v]MAJOR.MINOR",
    "99999999999999999999.1.0": "larger than 2^64-1",
}


@pytest.mark.parametrize(("raw", "reason"), INVALID.items(), ids=[repr(k) for k in INVALID])
def test_parse_version_rejects(raw: str, reason: str) -> None:
    with pytest.raises(InvalidVersion) as caught:
        parse_version(raw)
    message = str(caught.value)
    assert repr(raw) in message
    assert reason in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("value", [1.3, 130, None, b"1.30.1"])
def test_parse_version_rejects_non_strings(value: object) -> None:
    with pytest.raises(InvalidVersion, match="expected a string"):
        parse_version(value)  # type: ignore[arg-type]


def test_float_gets_the_yaml_hint() -> None:
    with pytest.raises(InvalidVersion, match="quote it in YAML"):
        MinorVersion.parse(1.3)  # type: ignore[arg-type]


MINORS = {"1.30": (1, 30), "v1.9": (1, 9), "1.030": (1, 30), "0.0": (0, 0)}


@pytest.mark.parametrize(("raw", "expected"), MINORS.items(), ids=list(MINORS))
def test_minor_version_parse(raw: str, expected: tuple[int, int]) -> None:
    assert MinorVersion.parse(raw) == MinorVersion(*expected)


@pytest.mark.parametrize("raw", ["1", "1.30.1", "1.x", "", "1.30 ", "one.two"])
def test_minor_version_rejects(raw: str) -> None:
    with pytest.raises(InvalidVersion, match=r"expected MAJOR\.MINOR"):
        MinorVersion.parse(raw)


def test_kube_version_is_hashable_and_frozen() -> None:
    v = parse_version("1.30.1-aliyun.1")
    assert {v: 1}[parse_version("1.30.1-aliyun.1")] == 1
    with pytest.raises(AttributeError):
        v.major = 2  # type: ignore[misc]
    assert isinstance(v, KubeVersion)


def test_one_text_parses_to_one_shared_object() -> None:
    first, again = parse_version("1.30.7-aliyun.1"), parse_version("1.30.7-aliyun.1")
    spelled = parse_version("v1.30.7-aliyun.1")
    assert first is again  # immutable, so an inventory's many copies are one object
    assert spelled == first and spelled is not first and spelled.raw == "v1.30.7-aliyun.1"
    for _ in range(2):  # a refused text is refused every time, never remembered as valid
        with pytest.raises(InvalidVersion):
            parse_version("1.x.7")
