"""The skew policy's vocabulary: components, statuses, rules, verdicts, and the limits.

Owns the names (`Component`, `SkewRule`, `SkewStatus`), the results (`SkewViolation`,
`SkewVerdict`, `SkewSubject`) and the per-component minor-version limits of the upstream
policy. `kubedrift.policies.skew` is the public face; it re-exports everything here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kubedrift.versions import KubeVersion, MinorVersion

# Node components (kubelet, kube-proxy) built before 1.25 were never tested three minors
# behind an API server: the n-3 allowance (KEP-3935, 1.28 control planes) starts with 1.25 nodes,
# so the limit depends on the component's own minor, not on the API server's.
N_MINUS_3_FROM = MinorVersion(1, 25)
# The policy published with 1.28 lets kube-proxy drift from its kubelet; the policies of older
# releases asked for the same minor. Which policy is in force is decided by the release of the
# API server (the cluster's), checked against every API server like every other rule.
KUBE_PROXY_DRIFT_FROM = MinorVersion(1, 28)


class Component(StrEnum):
    """The components the skew policy names, spelled as their binaries are."""

    KUBE_APISERVER = "kube-apiserver"
    KUBELET = "kubelet"
    KUBE_PROXY = "kube-proxy"
    KUBE_CONTROLLER_MANAGER = "kube-controller-manager"
    KUBE_SCHEDULER = "kube-scheduler"
    CLOUD_CONTROLLER_MANAGER = "cloud-controller-manager"
    KUBECTL = "kubectl"


class SkewStatus(StrEnum):
    """Tri-state: a verdict without API server versions is not a pass."""

    ALLOWED = "allowed"
    VIOLATED = "violated"
    UNDETERMINED = "undetermined"


class SkewRule(StrEnum):
    """Which sentence of the policy a violation breaks."""

    NEWER_THAN_APISERVER = "newer-than-apiserver"  # nothing but kubectl may lead
    TOO_OLD_FOR_APISERVER = "too-old-for-apiserver"
    APISERVER_SPREAD = "apiserver-spread"  # HA: API servers within one minor of each other
    KUBECTL_DISTANCE = "kubectl-distance"  # kubectl: one minor either way
    KUBE_PROXY_KUBELET = "kube-proxy-kubelet"


@dataclass(frozen=True, slots=True)
class SkewViolation:
    """One broken rule, measured against one other component.

    `minors` is the signed distance `component - against` in minor versions (negative: older);
    `limit` is how far it may be in that direction under the rule in force.
    """

    rule: SkewRule
    against_component: Component
    against: KubeVersion
    minors: int
    limit: int
    message: str

    @property
    def excess(self) -> int:
        return abs(self.minors) - self.limit


@dataclass(frozen=True, slots=True)
class SkewVerdict:
    """The skew policy's answer for one component at one version.

    `bound_by` is the version that decided a violation (the oldest API server for "newer",
    the newest for "too old", the kubelet for kube-proxy's own rule); None when allowed or
    undetermined. `violations` lists the worst violation of each rule broken.
    """

    component: Component
    version: KubeVersion
    status: SkewStatus
    reason: str
    bound_by: KubeVersion | None = None
    violations: tuple[SkewViolation, ...] = ()

    def __post_init__(self) -> None:
        # The three fields must tell one story; a violated verdict always names its cause.
        if (self.status is SkewStatus.VIOLATED) != bool(self.violations):
            raise ValueError("a verdict is violated exactly when it lists violations")
        if (self.bound_by is not None) != (self.status is SkewStatus.VIOLATED):
            raise ValueError("bound_by is set exactly when the verdict is violated")

    @property
    def allowed(self) -> bool:
        """True only when the policy was checked and holds; False when violated or unknown."""
        return self.status is SkewStatus.ALLOWED

    @property
    def determined(self) -> bool:
        return self.status is not SkewStatus.UNDETERMINED


@dataclass(frozen=True, slots=True)
class SkewSubject:
    """One component instance for `cluster_skew`; `where` names it in reasons (a pool, a node).

    Not `model.inventory.ComponentVersion`: this one always has a version and may carry the
    kubelet of kube-proxy's node. Components of unknown version are the caller's finding.
    """

    component: Component | str
    version: KubeVersion
    kubelet_version: KubeVersion | None = None
    where: str = ""


_NODE_COMPONENTS = frozenset({Component.KUBELET, Component.KUBE_PROXY})
_CONTROL_PLANE_CLIENTS = frozenset(
    {
        Component.KUBE_CONTROLLER_MANAGER,
        Component.KUBE_SCHEDULER,
        Component.CLOUD_CONTROLLER_MANAGER,
    }
)


def component_of(component: Component | str) -> Component:
    """`Component` from its binary name; a clear `ValueError` for anything else."""
    if isinstance(component, Component):
        return component
    try:
        return Component(component.strip())
    except ValueError:
        known = ", ".join(c.value for c in Component)
        raise ValueError(
            f"unknown component {component!r} for the skew policy; expected one of: {known}"
        ) from None


def max_minor_lag(component: Component | str, version: KubeVersion | MinorVersion) -> int:
    """How many minors `component` at `version` may be older than an API server."""
    comp = component_of(component)
    if comp in _NODE_COMPONENTS:
        return 3 if _minor(version) >= N_MINUS_3_FROM else 2
    # The HA spread, controller-manager / scheduler / cloud-controller-manager, and kubectl.
    return 1


def max_minor_lead(component: Component | str) -> int:
    """How many minors `component` may be newer than an API server (kubectl, another API server)."""
    comp = component_of(component)
    return 1 if comp in (Component.KUBECTL, Component.KUBE_APISERVER) else 0


def max_kube_proxy_kubelet_skew(
    kube_proxy: KubeVersion | MinorVersion, apiserver: KubeVersion | MinorVersion
) -> int:
    """How many minors kube-proxy may be from its kubelet (either way) under this API server."""
    if _minor(apiserver) < KUBE_PROXY_DRIFT_FROM:
        return 0
    return 3 if _minor(kube_proxy) >= N_MINUS_3_FROM else 2


def _minor(version: KubeVersion | MinorVersion) -> MinorVersion:
    return version if isinstance(version, MinorVersion) else version.minor_version
