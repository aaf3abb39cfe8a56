"""The textual grammar of Masterminds/semver v3.4.0 constraints, as regular expressions.

Exactness matters more than elegance here: Helm decides `kubeVersion` with these patterns, so
ours accept and split exactly the same strings. Both Go's `regexp` and Python's `re` pick the
leftmost-first match a backtracking engine would, so equal patterns give equal submatches, with
two translations: Go's `\\s` is ASCII `[\\t\\n\\f\\r ]` (Python's would also take `\\v` and
Unicode spaces) and Go's `$` never matches before a trailing newline (we use `fullmatch`).

Quirks kept on purpose: a version's number class also admits `|` (`[0-9|x|X|*]`), and the
operator alternation lists the empty operator second, which decides how `=>`/`~>` split.
"""

from __future__ import annotations

import re

WS = r"[\t\n\f\r ]"

_NUM = r"[0-9|x|X|\*]+"
_IDENTS = r"[0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*"
# Nine groups: major, .minor, .patch, -prerelease, prerelease, (inner), +build, build, (inner).
VERSION = rf"v?({_NUM})(\.{_NUM})?(\.{_NUM})?(-({_IDENTS}))?(\+({_IDENTS}))?"
_VERSION_GROUPS = 9

# Order is significant (leftmost-first alternation): see the module docstring.
OPERATORS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"

# One comparator, whole string: groups 1 operator, 2 version text, 3.. VERSION's groups.
COMPARATOR = re.compile(rf"{WS}*({OPERATORS}){WS}*({VERSION}){WS}*")

# Finds the comparators inside an AND group.
FIND_COMPARATOR = re.compile(rf"({OPERATORS}){WS}*({VERSION})")

# A whole AND group: comparators separated by whitespace or a comma.
AND_GROUP = re.compile(
    rf"({WS}*({OPERATORS}){WS}*({VERSION}){WS}*)"
    rf"((?:{WS}+|,{WS}*)({OPERATORS}){WS}*({VERSION}){WS}*)*"
)

# `A - B` hyphen ranges, rewritten to `>= A, <= B ` before anything else.
HYPHEN_RANGE = re.compile(rf"{WS}*({VERSION}){WS}+-{WS}+({VERSION}){WS}*")
RANGE_LOW_GROUP = 1
RANGE_HIGH_GROUP = 1 + _VERSION_GROUPS + 1

WILDCARDS = frozenset({"x", "X", "*"})


def rewrite_hyphen_ranges(raw: str) -> str:
    """Turn every `A - B` into `>= A, <= B `.

    Each match found in the original string replaces the first occurrence of its text in the
    string rewritten so far, which is what Masterminds does; for odd inputs with repeated
    fragments that is not always the matched position, and we reproduce that too.
    """
    rewritten = raw
    for match in HYPHEN_RANGE.finditer(raw):
        low, high = match.group(RANGE_LOW_GROUP), match.group(RANGE_HIGH_GROUP)
        rewritten = rewritten.replace(match.group(0), f">= {low}, <= {high} ", 1)
    return rewritten
