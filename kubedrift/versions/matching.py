"""`satisfies` (Masterminds on the raw string) and `admits` (plans, on the upstream version).

Both take a constraint string or `Constraint` and a version string or `KubeVersion`:

- `satisfies` is exactly what Helm decides for `kubeVersion`: a raw `1.30.1-aliyun.1` is a SemVer
  pre-release there, so `>=1.28.0` rejects it and `>=1.28.0-0` admits it.
- `admits` is what a kubedrift plan means: the provider build is dropped first, so `>=1.30`
  admits `1.30.1-aliyun.1`; a real pre-release (`1.31.0-rc.1`) is kept and still needs `-0`.
"""

from __future__ import annotations

from functools import lru_cache

from kubedrift.versions.constraints import Constraint, parse_constraint
from kubedrift.versions.parse import KubeVersion, parse_version
from kubedrift.versions.semver import parse_semver


def satisfies(constraint: str | Constraint, version: str | KubeVersion) -> bool:
    """Masterminds/semver v3.4.0 `Check` of the raw version string.

    Raises `InvalidConstraint` for a bad constraint and `InvalidVersion` for a version string
    Masterminds' `NewVersion` rejects.
    """
    raw = version.raw if isinstance(version, KubeVersion) else version
    return _constraint(constraint).matches(parse_semver(raw))


def admits(constraint: str | Constraint, version: str | KubeVersion) -> bool:
    """Plan semantics: the constraint checked against `version.upstream` (provider suffix dropped).

    A version string is parsed with `parse_version` first, so garbage raises `InvalidVersion`.
    """
    parsed = version if isinstance(version, KubeVersion) else parse_version(version)
    return _constraint(constraint).matches(parse_semver(parsed.upstream))


def _constraint(constraint: str | Constraint) -> Constraint:
    if isinstance(constraint, Constraint):
        return constraint
    if isinstance(constraint, str):
        return _parse_cached(constraint)
    return parse_constraint(constraint)  # raises InvalidConstraint for a non-string


# Policies check the same few constraint strings against a whole fleet; a Constraint is
# immutable, so sharing parsed ones is safe (errors are not cached and raise every time).
_parse_cached = lru_cache(maxsize=512)(parse_constraint)
