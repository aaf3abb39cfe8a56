"""Constraints with the semantics of Go Masterminds/semver v3.4.0 `NewConstraint` and `Check`.

A constraint is an OR of AND groups of comparators. A comparator's operand may be partial or
wildcarded (`1`, `1.2`, `1.x`, `*`); how much was given decides the semantics of several
operators, and is kept as `Comparator.wildcard`. A version with a pre-release part only matches
an AND group in which some comparator's operand names a pre-release (any x.y.z: the v3.4.0
rule), hence Helm's `>=1.28.0-0` idiom.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from pydantic_core import core_schema

from kubedrift.versions import grammar
from kubedrift.versions.errors import InvalidConstraint, InvalidVersion
from kubedrift.versions.schema import string_value_schema
from kubedrift.versions.semver import SemVer, parse_semver


class Wildcard(IntEnum):
    """Which part of a comparator's operand is absent or `x`; the rest was given."""

    NONE = 0  # 1.2.3
    PATCH = 1  # 1.2, 1.2.x
    MINOR = 2  # 1, 1.x, 1.x.x
    ALL = 3  # *, x, x.2.3


@dataclass(frozen=True, slots=True)
class Comparator:
    """One `operator operand` term, e.g. `>=1.28.0-0`; `bound` is the operand with zeros filled."""

    operator: str
    operand: str
    bound: SemVer
    wildcard: Wildcard

    def __str__(self) -> str:
        return f"{self.operator}{self.operand}"

    def matches(self, version: SemVer) -> bool:
        """The comparator alone, after the AND group's pre-release gate has let `version` in."""
        return _OPERATORS[self.operator](version, self)


def _equal_or_tilde(v: SemVer, c: Comparator) -> bool:
    # A wildcarded plain operand (`1.2`, `1.x`, `*`) means a tilde range, otherwise equality.
    if c.wildcard is not Wildcard.NONE:
        return _tilde(v, c)
    return v.compare(c.bound) == 0


def _not_equal(v: SemVer, c: Comparator) -> bool:
    b = c.bound
    if c.wildcard is Wildcard.NONE or c.wildcard is Wildcard.ALL:
        # `!=*` is plain inequality with 0.0.0 once the major differs or not.
        if c.wildcard is Wildcard.ALL and (v.major, v.minor, v.patch) != (0, 0, 0):
            return True
        return v.compare(b) != 0
    if v.major != b.major:
        return True
    if c.wildcard is Wildcard.MINOR:
        return False
    if v.minor != b.minor:
        return True
    # `!=1.2` / `!=1.2-alpha`: same major.minor; only differing pre-release text escapes.
    if v.prerelease or b.prerelease:
        return v.prerelease != b.prerelease
    return False


def _greater(v: SemVer, c: Comparator) -> bool:
    b = c.bound
    if c.wildcard in (Wildcard.MINOR, Wildcard.PATCH):
        if v.major != b.major:
            return v.major > b.major
        # `>1` needs 2.x; `>1.2` needs 1.3 or later, whatever the patch.
        return c.wildcard is Wildcard.PATCH and v.minor > b.minor
    if c.wildcard is Wildcard.ALL and v.major > b.major:
        return True
    return v.compare(b) > 0


def _less(v: SemVer, c: Comparator) -> bool:
    return v.compare(c.bound) < 0


def _greater_equal(v: SemVer, c: Comparator) -> bool:
    return v.compare(c.bound) >= 0


def _less_equal(v: SemVer, c: Comparator) -> bool:
    b = c.bound
    if c.wildcard is Wildcard.NONE:
        return v.compare(b) <= 0
    # Only an upper limit on major (and minor, unless it was wildcarded) is applied; so `<=*`
    # admits only 0.0.z.
    if v.major != b.major:
        return v.major < b.major
    return c.wildcard is Wildcard.MINOR or v.minor <= b.minor


def _tilde(v: SemVer, c: Comparator) -> bool:
    b = c.bound
    if v.compare(b) < 0:
        return False
    if b.core() == (0, 0, 0) and c.wildcard in (Wildcard.NONE, Wildcard.ALL):
        return True  # ~0.0.0 and ~* admit everything from 0.0.0 on
    if v.major != b.major:
        return False
    return c.wildcard is Wildcard.MINOR or v.minor == b.minor


def _caret(v: SemVer, c: Comparator) -> bool:
    b = c.bound
    if v.compare(b) < 0:
        return False
    if b.major > 0 or c.wildcard is Wildcard.MINOR:
        return v.major == b.major
    if v.major > 0:
        return False
    if b.minor > 0 or c.wildcard is Wildcard.PATCH:
        return v.minor == b.minor
    if v.minor > 0:
        return False
    return v.patch == b.patch


_OPERATORS: Mapping[str, Callable[[SemVer, Comparator], bool]] = {
    "": _equal_or_tilde,
    "=": _equal_or_tilde,
    "!=": _not_equal,
    ">": _greater,
    "<": _less,
    ">=": _greater_equal,
    "=>": _greater_equal,
    "<=": _less_equal,
    "=<": _less_equal,
    "~": _tilde,
    "~>": _tilde,
    "^": _caret,
}


@dataclass(frozen=True, slots=True)
class AndGroup:
    """Comparators that must all hold; pre-releases pass only if one operand names one."""

    comparators: tuple[Comparator, ...]
    admits_prereleases: bool

    def matches(self, version: SemVer) -> bool:
        if version.prerelease and not self.admits_prereleases:
            return False
        return all(comparator.matches(version) for comparator in self.comparators)

    def __str__(self) -> str:
        return " ".join(str(comparator) for comparator in self.comparators)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A parsed constraint; `raw` as written, `str()` in Masterminds' normalised `String()` form.

    Usable as a pydantic v2 field: validated from a string, serialised back to `raw`.
    """

    raw: str
    groups: tuple[AndGroup, ...] = field(repr=False)

    def __str__(self) -> str:
        return " || ".join(str(group) for group in self.groups)

    def check(self, version: str) -> bool:
        """Masterminds `Check` on the raw version string.

        A string `NewVersion` rejects raises `InvalidVersion` (as `helm` fails on it) instead
        of quietly not matching.
        """
        return self.matches(parse_semver(version))

    def matches(self, version: SemVer) -> bool:
        return any(group.matches(version) for group in self.groups)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: Callable[[Any], core_schema.CoreSchema]
    ) -> core_schema.CoreSchema:
        return string_value_schema(cls, parse_constraint, lambda value: value.raw)


def parse_constraint(raw: str) -> Constraint:
    """Parse `raw` as Masterminds v3.4.0 `NewConstraint` does, else raise `InvalidConstraint`."""
    if not isinstance(raw, str):
        raise InvalidConstraint(f"invalid constraint {raw!r}: expected a string")
    rewritten = grammar.rewrite_hyphen_ranges(raw)
    note = " (after rewriting 'A - B' to '>= A, <= B')" if rewritten != raw else ""
    groups = tuple(_parse_group(raw, text, note) for text in rewritten.split("||"))
    return Constraint(raw=raw, groups=groups)


def _parse_group(raw: str, text: str, note: str) -> AndGroup:
    if not grammar.AND_GROUP.fullmatch(text):
        what = "it is empty" if not text.strip() else f"{text.strip()!r} is not a comparator list"
        raise InvalidConstraint(
            f"invalid constraint {raw!r}: {what}{note}; expected comparators such as "
            "'>=1.28.0-0 <1.31.0' joined by ' ', ',' or '||'"
        )
    terms = [match.group(0) for match in grammar.FIND_COMPARATOR.finditer(text)] or [text]
    comparators = tuple(_parse_comparator(raw, term) for term in terms)
    return AndGroup(
        comparators=comparators,
        admits_prereleases=any(c.bound.prerelease for c in comparators),
    )


def _parse_comparator(raw: str, term: str) -> Comparator:
    match = grammar.COMPARATOR.fullmatch(term)
    if match is None:
        raise InvalidConstraint(f"invalid constraint {raw!r}: {term.strip()!r} is not a comparator")
    operator, operand, major, minor, patch, dashed_prerelease = match.group(1, 2, 3, 4, 5, 6)
    prerelease = dashed_prerelease or ""
    # Absent or `x` parts become zeros; the operand's build metadata is then dropped.
    if major in grammar.WILDCARDS:
        wildcard, bound_text = Wildcard.ALL, f"0.0.0{prerelease}"
    elif minor is None or minor[1:] in grammar.WILDCARDS:
        wildcard, bound_text = Wildcard.MINOR, f"{major}.0.0{prerelease}"
    elif patch is None or patch[1:] in grammar.WILDCARDS:
        wildcard, bound_text = Wildcard.PATCH, f"{major}{minor}.0{prerelease}"
    else:
        wildcard, bound_text = Wildcard.NONE, operand
    try:
        bound = parse_semver(bound_text)
    except InvalidVersion:
        raise InvalidConstraint(
            f"invalid constraint {raw!r}: {term.strip()!r} does not name a valid version"
        ) from None
    return Comparator(operator=operator, operand=operand, bound=bound, wildcard=wildcard)
