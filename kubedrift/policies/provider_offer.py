"""Which version a control-plane step goes to, and whether the provider offers it.

Owns the reading of the provider's offer for one step of an upgrade path: the caller's
`offered` list when given; else the cluster's upgradable versions for the first step (what
the provider lets this cluster move to now) and the region's available versions after it.
A managed cluster whose offer is unknown gets a warning, never a silent pass; self-hosted
clusters have no provider to ask.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubedrift.model.inventory import ClusterInventory
from kubedrift.policies.node_strategy import SELF_HOSTED
from kubedrift.versions import KubeVersion, MinorVersion


def offered_version(
    inventory: ClusterInventory,
    offered: Sequence[KubeVersion],
    minor: MinorVersion,
    *,
    first: bool,
) -> tuple[str, str | None, str | None]:
    """(version to move to, why the provider blocks it, what could not be checked).

    The version is the newest offered patch of `minor` (its raw text, provider suffix kept),
    or the bare minor (`1.30`) when no offered version names one.
    """
    provider = inventory.ref.provider
    cp = inventory.control_plane
    if offered:
        catalogue, what = tuple(offered), "the offered versions"
    elif first and cp.upgradable_versions:
        catalogue, what = cp.upgradable_versions, "the versions this cluster can upgrade to"
    elif cp.available_versions:
        catalogue, what = cp.available_versions, "the versions the provider offers in the region"
    else:
        if provider in SELF_HOSTED:
            return str(minor), None, None
        if cp.upgradable_versions:
            return str(minor), None, f"whether {provider} offers {minor} later is not known yet"
        return (
            str(minor),
            None,
            f"{provider} did not report which versions it offers: {minor} is not checked",
        )
    matches = [v for v in catalogue if v.minor_version == minor]
    if not matches:
        listed = ", ".join(sorted({str(v.minor_version) for v in catalogue})) or "none"
        return (
            str(minor),
            f"{minor} is not among {what} (minors offered: {listed})",
            None,
        )
    return max(matches).raw, None, None
