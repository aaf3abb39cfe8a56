"""`KubeVersion` and `parse_version`: Kubernetes versions as every provider reports them.

A provider suffix (`-aliyun.1`, `-tke.8`, `-eks-adc7111`, `-gke.1043002`, `+k3s1`, `+rke2r1`)
is a build of that upstream patch, not a SemVer pre-release: it sorts after the plain patch.
Only `alpha`/`beta`/`rc` (and purely numeric) pre-release parts are real pre-releases.
The grammar is Masterminds' `NewVersion` grammar minus a bare major, so every `KubeVersion.raw`
can also be fed to a constraint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from pydantic_core import core_schema

from kubedrift.versions.errors import InvalidVersion, not_a_string
from kubedrift.versions.minor import MinorVersion
from kubedrift.versions.schema import string_value_schema
from kubedrift.versions.semver import parse_semver, prerelease_key

Provider: TypeAlias = Literal["aliyun", "tke", "eks", "gke", "k3s", "rke2"]

_REAL_PRERELEASE = re.compile(r"(?i:alpha|beta|rc)[0-9]*|[0-9]+")
_PROVIDERS: tuple[tuple[re.Pattern[str], Provider], ...] = (
    (re.compile(r"aliyun\b"), "aliyun"),
    (re.compile(r"tke\b"), "tke"),
    (re.compile(r"eks\b"), "eks"),
    (re.compile(r"gke\b"), "gke"),
    (re.compile(r"k3s[0-9]"), "k3s"),
    (re.compile(r"rke2r[0-9]"), "rke2"),
)
_CHUNKS = re.compile(r"[0-9]+|[^0-9]+")

_Chunk: TypeAlias = tuple[int, int, str]
_SortKey: TypeAlias = tuple[int, int, int, int, tuple[_Chunk, ...], tuple[_Chunk, ...]]

_EXPECTED = (
    "expected [v]MAJOR.MINOR[.PATCH] with an optional pre-release or provider suffix, "
    "e.g. 'v1.30.2', '1.30.1-aliyun.1', 'v1.29.3-eks-adc7111', 'v1.28.2+k3s1', '1.31.0-rc.1'"
)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class KubeVersion:
    """A Kubernetes version; build one with `parse_version`.

    Equality, hashing and order use (major, minor, patch, prerelease, provider_build) only, so
    `v1.30.2 == 1.30.2` and `1.30 == 1.30.0`; `raw` keeps the text as reported. Order:
    pre-releases < the plain patch < its provider builds, which sort by their build numbers.
    """

    raw: str
    major: int
    minor: int
    patch: int
    patch_given: bool = True
    prerelease: str | None = None
    provider_build: str | None = None
    provider: Provider | None = None
    _key: _SortKey = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", self._sort_key())

    def _sort_key(self) -> _SortKey:
        pre_key: tuple[_Chunk, ...] = ()
        if self.prerelease is not None:
            pre_key = prerelease_key(self.prerelease)
        build_key: tuple[_Chunk, ...] = ()
        if self.provider_build is not None:
            # Natural order so that tke.10 > tke.8 and k3s10 > k3s9; the text breaks ties.
            build_key = tuple(
                (0, int(chunk), chunk) if chunk.isdigit() else (1, 0, chunk)
                for chunk in _CHUNKS.findall(self.provider_build)
            )
        released = 0 if self.prerelease is not None else 1
        return (self.major, self.minor, self.patch, released, pre_key, build_key)

    @property
    def is_prerelease(self) -> bool:
        return self.prerelease is not None

    @property
    def suffix(self) -> str:
        """Everything after the numbers, as written (`-aliyun.1`, `+k3s1`, `-rc.1`, or `""`)."""
        core = _core_length(self.raw)
        return self.raw[core:]

    @property
    def upstream(self) -> str:
        """The upstream Kubernetes version: provider build dropped, real pre-release kept."""
        numbers = f"{self.major}.{self.minor}"
        if self.patch_given:
            numbers += f".{self.patch}"
        return numbers if self.prerelease is None else f"{numbers}-{self.prerelease}"

    @property
    def minor_version(self) -> MinorVersion:
        return MinorVersion(self.major, self.minor)

    def __str__(self) -> str:
        return self.raw

    def __repr__(self) -> str:
        return f"KubeVersion({self.raw!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KubeVersion):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __lt__(self, other: KubeVersion) -> bool:
        if not isinstance(other, KubeVersion):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: KubeVersion) -> bool:
        if not isinstance(other, KubeVersion):
            return NotImplemented
        return self._key <= other._key

    def __gt__(self, other: KubeVersion) -> bool:
        if not isinstance(other, KubeVersion):
            return NotImplemented
        return self._key > other._key

    def __ge__(self, other: KubeVersion) -> bool:
        if not isinstance(other, KubeVersion):
            return NotImplemented
        return self._key >= other._key

    def sort_key(self) -> _SortKey:
        return self._key

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: Callable[[Any], core_schema.CoreSchema]
    ) -> core_schema.CoreSchema:
        return string_value_schema(cls, parse_version, str)


# Versions already parsed, by text: a fleet's inventories name the same few hundred versions
# tens of thousands of times, and a `KubeVersion` is immutable, so one object per text serves
# them all (a 10,000-cluster inventory holds ~40 MB less). Bounded: cleared when full.
_PARSED: dict[str, KubeVersion] = {}
_PARSED_LIMIT = 1 << 14


def parse_version(raw: str) -> KubeVersion:
    """Parse a version as a provider reports it, or raise `InvalidVersion`."""
    if not isinstance(raw, str):
        raise InvalidVersion(not_a_string(raw))
    found = _PARSED.get(raw)
    if found is None:
        found = _parse_new(raw)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[raw] = found
    return found


def version_or_none(raw: str | None) -> KubeVersion | None:
    """A version as a source reported it, or None when it reported none or one that does not
    parse (the caller then names the part unknown rather than guessing)."""
    if raw is None:
        return None
    try:
        return parse_version(raw)
    except InvalidVersion:
        return None


def _parse_new(raw: str) -> KubeVersion:
    try:
        semver = parse_semver(raw)
    except InvalidVersion as error:
        reason = str(error).partition(": ")[2]
        if reason.startswith("expected"):
            reason = _EXPECTED
        raise InvalidVersion(f"invalid Kubernetes version {raw!r}: {reason}") from None
    if not semver.minor_given:
        raise InvalidVersion(f"invalid Kubernetes version {raw!r}: no minor; {_EXPECTED}")

    prerelease: str | None = None
    builds: list[str] = []
    if semver.prerelease:
        first = semver.prerelease.split(".")[0]
        if _REAL_PRERELEASE.fullmatch(first):
            prerelease = semver.prerelease
        else:
            builds.append(semver.prerelease)
    if semver.metadata:
        builds.append(semver.metadata)
    provider_build = "+".join(builds) if builds else None
    return KubeVersion(
        raw=raw,
        major=semver.major,
        minor=semver.minor,
        patch=semver.patch,
        patch_given=semver.patch_given,
        prerelease=prerelease,
        provider_build=provider_build,
        provider=_provider(provider_build),
    )


def _provider(build: str | None) -> Provider | None:
    if build is None:
        return None
    lowered = build.lower()
    for pattern, name in _PROVIDERS:
        if pattern.match(lowered):
            return name
    return None


def _core_length(raw: str) -> int:
    match = re.match(r"v?[0-9]+(?:\.[0-9]+){0,2}", raw)
    return match.end() if match else 0
