"""Which version a control-plane step goes to, and whether the provider offers it.

Owns the reading of the provider's offer for one step of an upgrade path: the caller's
`offered` list when given; else the cluster's upgradable versions for the first step (what
the provider lets this cluster move to now) and the region's available versions after it.
The step is one minor when the provider offers the next minor (or nothing can be asked: a
self-hosted cluster, an offer not reported). A provider that does not release every minor
(ACK released only even minors up to 1.30, TKE releases even minors) upgrades over the minor
it skips in one operation, its "next version": when the step's catalogue has no version of
the next minor but a newer one up to the target, and no version the provider reports names
the minors in between, the step takes the provider's jump. Otherwise the next minor is planned
with `blocked` saying the provider does not offer it ("cannot comply"). A managed cluster
whose offer is unknown gets a warning, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubedrift.model.inventory import ClusterInventory
from kubedrift.policies.node_strategy import SELF_HOSTED
from kubedrift.versions import KubeVersion, MinorVersion


@dataclass(frozen=True, slots=True)
class OfferedStep:
    """One control-plane step as the provider allows it.

    `version` is the newest offered patch of `minor` (raw text, provider suffix kept), or the
    bare minor (`1.30`) when no offered version names one. `skipped` lists the minors the
    provider does not release and this step jumps over (empty for a one-minor step); `jump`
    says so in words. `blocked` is why the provider does not offer the step; `warning` what
    could not be checked.
    """

    minor: MinorVersion
    version: str
    skipped: tuple[MinorVersion, ...] = ()
    jump: str | None = None
    blocked: str | None = None
    warning: str | None = None


def next_step(
    inventory: ClusterInventory,
    offered: Sequence[KubeVersion],
    current: MinorVersion,
    target: MinorVersion,
    *,
    first: bool,
    allow_jump: bool = True,
) -> OfferedStep:
    """The step from `current` towards `target` (> `current`); see the module docstring.

    `allow_jump` False forces the next minor (finishing an HA roll already under way).
    """
    provider = inventory.provider
    cp = inventory.control_plane
    following = current.next()
    if offered:
        catalogue, what = tuple(offered), "the offered versions"
        released = catalogue
    elif first and cp.upgradable_versions:
        catalogue, what = cp.upgradable_versions, "the versions this cluster can upgrade to"
        released = (*cp.upgradable_versions, *cp.available_versions)
    elif cp.available_versions:
        catalogue, what = cp.available_versions, "the versions the provider offers in the region"
        released = (*cp.upgradable_versions, *cp.available_versions)
    else:
        if provider in SELF_HOSTED:
            return OfferedStep(following, str(following))
        if cp.upgradable_versions:
            why = f"whether {provider} offers {following} later is not known yet"
        else:
            why = f"{provider} did not report which versions it offers: {following} is not checked"
        return OfferedStep(following, str(following), warning=why)
    by_minor: dict[MinorVersion, KubeVersion] = {}
    for version in catalogue:
        kept = by_minor.get(version.minor_version)
        if kept is None or version > kept:
            by_minor[version.minor_version] = version
    if following in by_minor:
        return OfferedStep(following, by_minor[following].raw)
    jump = _jump(by_minor, released, current, target) if allow_jump else None
    if jump is not None:
        minor, skipped = jump
        names = " or ".join(str(m) for m in skipped)
        label = provider.upper()
        return OfferedStep(
            minor,
            by_minor[minor].raw,
            skipped=skipped,
            jump=f"{label} offers {minor} as the next version from {current}; it does not "
            f"release {names}",
        )
    listed = ", ".join(str(m) for m in sorted(by_minor)) or "none"
    return OfferedStep(
        following,
        str(following),
        blocked=f"{following} is not among {what} (minors offered: {listed})",
    )


def _jump(
    by_minor: dict[MinorVersion, KubeVersion],
    released: Sequence[KubeVersion],
    current: MinorVersion,
    target: MinorVersion,
) -> tuple[MinorVersion, tuple[MinorVersion, ...]] | None:
    """(the provider's next minor, the minors it skips), or None when it offers no jump.

    The next minor above `current` the catalogue offers, up to `target`; a jump only when no
    version the provider reports names a minor in between (a minor it releases but does not
    let this cluster reach is a block to explain, not a gap to step over).
    """
    ahead = [m for m in by_minor if m.major == current.major and current < m <= target]
    if not ahead:
        return None
    minor = min(ahead)
    skipped = tuple(MinorVersion(current.major, n) for n in range(current.minor + 1, minor.minor))
    named = {v.minor_version for v in released}
    if any(m in named for m in skipped):
        return None
    return minor, skipped
