"""`minor_steps`: the control-plane upgrade path, which moves one minor version at a time."""

from __future__ import annotations

from kubedrift.versions.errors import InvalidUpgradePath
from kubedrift.versions.minor import MinorVersion
from kubedrift.versions.parse import KubeVersion, parse_version

VersionLike = str | KubeVersion | MinorVersion


def minor_steps(current: VersionLike, target: VersionLike) -> list[MinorVersion]:
    """The minors a control plane passes through from `current` to `target`.

    `current` is excluded and `target` included: `1.28.5 -> "1.31"` is `[1.29, 1.30, 1.31]`;
    the same minor gives `[]`. A target below `current` (control planes are not downgraded) or in
    another major version raises `InvalidUpgradePath`; bad strings raise `InvalidVersion`.
    """
    start, end = _minor(current), _minor(target)
    if start.major != end.major:
        raise InvalidUpgradePath(
            f"no upgrade path from {start} to {end}: the path crosses a major version"
        )
    if end < start:
        raise InvalidUpgradePath(
            f"no upgrade path from {start} to {end}: the target is older and control planes "
            "are not downgraded"
        )
    return [MinorVersion(start.major, minor) for minor in range(start.minor + 1, end.minor + 1)]


def _minor(value: VersionLike) -> MinorVersion:
    if isinstance(value, MinorVersion):
        return value
    if isinstance(value, KubeVersion):
        return value.minor_version
    return parse_version(value).minor_version
