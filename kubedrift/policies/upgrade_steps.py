"""Steps of an upgrade path that follow from the state alone: a control-plane step, an add-on
step, and the kube-proxy version that fits every pool (`kubedrift.policies.upgrade_planner`).
"""

from __future__ import annotations

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.policies.skew import Component
from kubedrift.policies.skew_memo import allows
from kubedrift.policies.upgrade_state import CONTROL_PLANE, ClusterState, version_of
from kubedrift.versions import KubeVersion


def kube_proxy_fitting(state: ClusterState, roll: ClusterState) -> KubeVersion | None:
    """The newest kube-proxy version valid now and mid-roll next to every pool's kubelet."""
    top = state.oldest
    for lag in range(4):
        candidate = top if lag == 0 else version_of(f"{top.major}.{top.minor - lag}")
        if all(
            allows(Component.KUBE_PROXY, candidate, s.apiservers, kubelet_version=p.kubelet)
            for s in (state, roll)
            for p in s.pools
            if p.kube_proxy is not None
        ):
            return candidate
    return None


def control_plane_step(version: str, old: KubeVersion, reason: str) -> UpgradeStep:
    return UpgradeStep(
        order=1,
        action="upgrade_control_plane",
        component=CONTROL_PLANE,
        from_version=old.raw,
        to_version=version,
        reason=reason,
    )


def addon_step(decision: AddonDecision, reason: str) -> UpgradeStep:
    return UpgradeStep(
        order=1,
        action="upgrade_addon",
        component=decision.name,
        from_version=decision.from_version,
        to_version=decision.to_version or "unknown",
        reason=reason,
        addons=(decision,),
    )
