"""Versions as Masterminds/semver v3.4.0 sees them: what `NewVersion` accepts, how `Compare` orders.

This is the version half of the constraint engine. It is deliberately not `KubeVersion`:
Masterminds treats every `-suffix` as a SemVer pre-release (so `1.30.1-aliyun.1 < 1.30.1`),
accepts a bare major (`"1"`), coerces leading zeros (`01.2` is `1.2.0`) and ignores build
metadata. Constraint checks must see exactly that view of the raw string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

from kubedrift.versions.errors import InvalidVersion

UINT64_MAX = 2**64 - 1

_IDENT_LIST = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
# NewVersion's grammar with coercion on (the v3.4.0 default): numbers may carry leading zeros.
_LOOSE_VERSION = re.compile(
    rf"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-({_IDENT_LIST}))?(?:\+({_IDENT_LIST}))?"
)

# One pre-release identifier's sort key: numbers sort before words, numbers numerically.
_PreKey: TypeAlias = tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class SemVer:
    """A parsed version; `==` compares fields, `compare` gives precedence (ignores `metadata`)."""

    major: int
    minor: int
    patch: int
    prerelease: str = ""
    metadata: str = ""
    minor_given: bool = True
    patch_given: bool = True

    def sort_key(self) -> tuple[int, int, int, int, _PreKey]:
        # A release (flag 1) sorts after every pre-release (flag 0) of the same patch.
        if not self.prerelease:
            return (self.major, self.minor, self.patch, 1, ())
        return (self.major, self.minor, self.patch, 0, prerelease_key(self.prerelease))

    def compare(self, other: SemVer) -> int:
        """-1, 0 or 1 as `Version.Compare` returns them."""
        mine, theirs = self.sort_key(), other.sort_key()
        return (mine > theirs) - (mine < theirs)

    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)


def prerelease_key(prerelease: str) -> _PreKey:
    """Sort key of a pre-release string under Masterminds' `comparePrerelease`.

    An identifier counts as a number only if it fits in a uint64 (Go's `ParseUint`); a longer
    digit run is compared as text. A missing identifier sorts first, which tuple order gives.
    """
    key: list[tuple[int, int, str]] = []
    for part in prerelease.split("."):
        if part.isascii() and part.isdigit() and int(part) <= UINT64_MAX:
            key.append((0, int(part), ""))
        else:
            key.append((1, 0, part))
    return tuple(key)


def parse_semver(raw: str) -> SemVer:
    """Parse `raw` exactly as Masterminds `NewVersion` would, or raise `InvalidVersion`."""
    match = _LOOSE_VERSION.fullmatch(raw)
    if match is None:
        raise InvalidVersion(
            f"invalid version {raw!r}: expected a semantic version such as '1.30.2', "
            "'v1.30' or '1.30.1-aliyun.1'"
        )
    major_text, minor_text, patch_text, prerelease, metadata = match.groups()
    numbers = [
        int(text) if text is not None else 0 for text in (major_text, minor_text, patch_text)
    ]
    if any(number > UINT64_MAX for number in numbers):
        raise InvalidVersion(f"invalid version {raw!r}: a number is larger than 2^64-1")
    for identifier in (prerelease or "").split("."):
        if len(identifier) > 1 and identifier.isdigit() and identifier.startswith("0"):
            raise InvalidVersion(
                f"invalid version {raw!r}: numeric pre-release identifier {identifier!r} "
                "has a leading zero"
            )
    return SemVer(
        major=numbers[0],
        minor=numbers[1],
        patch=numbers[2],
        prerelease=prerelease or "",
        metadata=metadata or "",
        minor_given=minor_text is not None,
        patch_given=patch_text is not None,
    )
