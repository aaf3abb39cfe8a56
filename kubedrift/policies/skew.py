"""The upstream Kubernetes version skew policy as a public, pure table.

Owns: which minor-version distance each component may have from the cluster's API servers
(and kube-proxy from the kubelet on its node), the verdict for one component, the allowed
range of minors the upgrade planner needs, and the list of violations in a whole cluster.
`docs/skew.md` states every rule in words, with the table.

Everything is counted in minor versions: patches, pre-releases and provider suffixes never
matter. A component must satisfy its rule against every API server of the cluster, so a
verdict against several API servers is exactly the conjunction of the verdicts against each
one; the worst violation per rule is reported. Minor versions of different majors cannot be
counted apart (no release line crosses a major yet), so such a comparison is refused: the
verdict is undetermined and says why, never allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def check(
    component: Component | str,
    version: KubeVersion,
    apiserver_versions: Sequence[KubeVersion],
    *,
    kubelet_version: KubeVersion | None = None,
) -> SkewVerdict:
    """Is `component` at `version` within the skew policy against every API server?

    `apiserver_versions` are the cluster's API servers (for kube-apiserver itself they may
    include the instance checked). `kubelet_version` is the kubelet on kube-proxy's node and
    is only accepted for kube-proxy. Without API servers the verdict is undetermined, unless
    kube-proxy breaks its kubelet rule under every policy release, which is a violation.
    """
    comp = component_of(component)
    if kubelet_version is not None and comp is not Component.KUBE_PROXY:
        raise ValueError(f"kubelet_version only applies to kube-proxy, not to {comp.value}")
    servers = _distinct_sorted(apiserver_versions)

    found: list[SkewViolation] = []
    unknown: list[str] = []
    for server in servers:
        violation, why_unknown = _check_against_apiserver(comp, version, server)
        if violation is not None:
            found.append(violation)
        if why_unknown is not None:
            unknown.append(why_unknown)
    if comp is Component.KUBE_PROXY and kubelet_version is not None:
        # Without API servers only the loosest release's rule is known to apply: a pair that
        # breaks it is out of policy whatever the API servers turn out to be.
        eras: list[KubeVersion | None] = [*servers] if servers else [None]
        for era in eras:
            violation, why_unknown = _check_kube_proxy_kubelet(version, kubelet_version, era)
            if violation is not None:
                found.append(violation)
            if why_unknown is not None:
                unknown.append(why_unknown)

    worst = _worst_per_rule(found)
    if worst:
        reason = "; also ".join(v.message for v in worst)
        if not servers:
            reason += "; no kube-apiserver version is known, so its rules were not checked"
        return SkewVerdict(
            component=comp,
            version=version,
            status=SkewStatus.VIOLATED,
            reason=reason,
            bound_by=worst[0].against,
            violations=tuple(worst),
        )
    if not servers:
        return SkewVerdict(
            component=comp,
            version=version,
            status=SkewStatus.UNDETERMINED,
            reason=(
                f"cannot determine whether {comp.value} {version} is within the skew policy: "
                "no kube-apiserver version is known"
            ),
        )
    if unknown:
        return SkewVerdict(
            component=comp,
            version=version,
            status=SkewStatus.UNDETERMINED,
            reason="; ".join(dict.fromkeys(unknown)),
        )
    against = ", ".join(str(s) for s in servers)
    summary = _rule_summary(comp, version)
    kubelet_part = ""
    if kubelet_version is not None:
        pair = max_kube_proxy_kubelet_skew(version, servers[0])
        kubelet_part = f" and its kubelet {kubelet_version}"
        summary += (
            "; the same minor as its kubelet"
            if pair == 0
            else f"; at most {_plural(pair)} older or newer than its kubelet"
        )
    return SkewVerdict(
        component=comp,
        version=version,
        status=SkewStatus.ALLOWED,
        reason=(
            f"{comp.value} {version} is within the skew policy against kube-apiserver "
            f"{against}{kubelet_part} ({summary})"
        ),
    )


def newest_allowed(
    component: Component | str,
    apiserver_versions: Sequence[KubeVersion],
    *,
    kubelet_version: KubeVersion | None = None,
) -> MinorVersion | None:
    """The newest minor `component` may run against these API servers (and kubelet).

    None when no minor satisfies the policy (API servers too far apart for this component).
    Raises `ValueError` without API servers or when the versions involved span majors.
    """
    bounds = _allowed_range(component_of(component), apiserver_versions, kubelet_version)
    return None if bounds is None else bounds[1]


def oldest_allowed(
    component: Component | str,
    apiserver_versions: Sequence[KubeVersion],
    *,
    kubelet_version: KubeVersion | None = None,
) -> MinorVersion | None:
    """The oldest minor `component` may run against these API servers (and kubelet).

    Same None and `ValueError` cases as `newest_allowed`.
    """
    bounds = _allowed_range(component_of(component), apiserver_versions, kubelet_version)
    return None if bounds is None else bounds[0]


def cluster_skew(
    apiserver_versions: Sequence[KubeVersion], components: Iterable[SkewSubject]
) -> tuple[SkewVerdict, ...]:
    """Every verdict in a cluster that is not "allowed": violations and undetermined ones.

    The HA spread of the API servers themselves comes first (the newest measured against the
    oldest), then one verdict per component in the order given.
    """
    out: list[SkewVerdict] = []
    servers = _distinct_sorted(apiserver_versions)
    if len(servers) > 1:
        spread = check(Component.KUBE_APISERVER, servers[-1], servers)
        if not spread.allowed:
            out.append(spread)
    for item in components:
        verdict = check(
            item.component,
            item.version,
            apiserver_versions,
            kubelet_version=item.kubelet_version,
        )
        if verdict.allowed:
            continue
        if item.where:
            verdict = SkewVerdict(
                component=verdict.component,
                version=verdict.version,
                status=verdict.status,
                reason=f"{item.where}: {verdict.reason}",
                bound_by=verdict.bound_by,
                violations=verdict.violations,
            )
        out.append(verdict)
    return tuple(out)


# --- internals -------------------------------------------------------------------------------


def _minor(version: KubeVersion | MinorVersion) -> MinorVersion:
    return version if isinstance(version, MinorVersion) else version.minor_version


def _minors(a: KubeVersion, b: KubeVersion) -> int | None:
    """Signed distance a - b in minor versions; None across majors (not countable)."""
    if a.major != b.major:
        return None
    return a.minor - b.minor


def _plural(n: int) -> str:
    return f"{n} minor" if n == 1 else f"{n} minors"


def _distinct_sorted(versions: Sequence[KubeVersion]) -> list[KubeVersion]:
    # KubeVersion equality ignores the raw text; keep each spelling once, sorted by version
    # then text, so the verdict (and its reason) never depends on the input order.
    unique = {(v.sort_key(), v.raw): v for v in versions}
    return [unique[key] for key in sorted(unique)]


def _different_majors(comp: str, version: KubeVersion, other: str, against: KubeVersion) -> str:
    return (
        f"cannot determine the skew of {comp} {version} against {other} {against}: different "
        "major versions, and the skew policy counts minor versions within one major"
    )


def _check_against_apiserver(
    comp: Component, version: KubeVersion, server: KubeVersion
) -> tuple[SkewViolation | None, str | None]:
    """(violation, why undetermined) of one component against one API server."""
    api = Component.KUBE_APISERVER
    name = comp.value
    if comp is Component.KUBE_APISERVER:
        distance = _minors(version, server)
        if distance is None:
            return None, _different_majors(name, version, api.value, server)
        if abs(distance) <= 1:
            return None, None
        direction = "older" if distance < 0 else "newer"
        return SkewViolation(
            rule=SkewRule.APISERVER_SPREAD,
            against_component=api,
            against=server,
            minors=distance,
            limit=1,
            message=(
                f"kube-apiserver {version} is {_plural(abs(distance))} {direction} than "
                f"kube-apiserver {server}; the API servers of one cluster must be within "
                "1 minor of each other"
            ),
        ), None
    if comp is Component.KUBECTL:
        distance = _minors(version, server)
        if distance is None:
            return None, _different_majors(name, version, api.value, server)
        if abs(distance) <= 1:
            return None, None
        direction = "older" if distance < 0 else "newer"
        return SkewViolation(
            rule=SkewRule.KUBECTL_DISTANCE,
            against_component=api,
            against=server,
            minors=distance,
            limit=1,
            message=(
                f"kubectl {version} is {_plural(abs(distance))} {direction} than "
                f"kube-apiserver {server}; kubectl must be within 1 minor (older or newer) "
                "of every API server"
            ),
        ), None

    # Every other component: never newer, at most max_minor_lag older.
    distance = _minors(version, server)
    if distance is None:
        return None, _different_majors(name, version, api.value, server)
    if distance > 0:
        return SkewViolation(
            rule=SkewRule.NEWER_THAN_APISERVER,
            against_component=api,
            against=server,
            minors=distance,
            limit=0,
            message=(
                f"{name} {version} is {_plural(distance)} newer than kube-apiserver {server}; "
                f"{_article(name)} must not be newer than any API server"
            ),
        ), None
    lag = -distance
    limit = max_minor_lag(comp, version)
    if lag <= limit:
        return None, None
    if comp in _NODE_COMPONENTS and limit < 3:
        rule_text = f"{_article(name)} older than {N_MINUS_3_FROM} may be at most {_plural(limit)}"
    else:
        rule_text = f"{_article(name)} may be at most {_plural(limit)}"
    return SkewViolation(
        rule=SkewRule.TOO_OLD_FOR_APISERVER,
        against_component=api,
        against=server,
        minors=distance,
        limit=limit,
        message=(
            f"{name} {version} is {_plural(lag)} older than kube-apiserver {server}; "
            f"{rule_text} older"
        ),
    ), None


def _check_kube_proxy_kubelet(
    kube_proxy: KubeVersion, kubelet: KubeVersion, server: KubeVersion | None
) -> tuple[SkewViolation | None, str | None]:
    """kube-proxy against its node's kubelet under the policy of `server`'s release.

    `server` None means the API server is unknown: the loosest release's rule is applied.
    """
    distance = _minors(kube_proxy, kubelet)
    if distance is None:
        return None, _different_majors("kube-proxy", kube_proxy, "kubelet", kubelet)
    era = KUBE_PROXY_DRIFT_FROM if server is None else server.minor_version
    limit = max_kube_proxy_kubelet_skew(kube_proxy, era)
    if abs(distance) <= limit:
        return None, None
    direction = "older" if distance < 0 else "newer"
    if limit == 0:
        rule_text = (
            f"kube-proxy must match its kubelet's minor while an API server is older than "
            f"{KUBE_PROXY_DRIFT_FROM} (kube-apiserver {server})"
        )
    elif limit < 3:
        rule_text = (
            f"a kube-proxy older than {N_MINUS_3_FROM} may be at most {_plural(limit)} "
            "older or newer than its kubelet"
        )
    else:
        rule_text = f"kube-proxy may be at most {_plural(limit)} older or newer than its kubelet"
    return SkewViolation(
        rule=SkewRule.KUBE_PROXY_KUBELET,
        against_component=Component.KUBELET,
        against=kubelet,
        minors=distance,
        limit=limit,
        message=(
            f"kube-proxy {kube_proxy} is {_plural(abs(distance))} {direction} than its node's "
            f"kubelet {kubelet}; {rule_text}"
        ),
    ), None


def _article(name: str) -> str:
    return f"a {name}" if name == "kubelet" else name


def _worst_per_rule(found: Iterable[SkewViolation]) -> list[SkewViolation]:
    """The worst violation of each rule (largest excess), in rule order.

    `found` comes oldest API server first; on a tie "too old" keeps the newest API server and
    "too new" the oldest, the ones the rule is measured against.
    """
    worst: dict[SkewRule, SkewViolation] = {}
    for violation in found:
        kept = worst.get(violation.rule)
        if (
            kept is None
            or violation.excess > kept.excess
            or (violation.excess == kept.excess and violation.minors < 0)
        ):
            worst[violation.rule] = violation
    return [worst[rule] for rule in SkewRule if rule in worst]


def _rule_summary(comp: Component, version: KubeVersion) -> str:
    if comp in (Component.KUBECTL, Component.KUBE_APISERVER):
        return "within 1 minor, older or newer, of every API server"
    lag = max_minor_lag(comp, version)
    return f"never newer than an API server, at most {_plural(lag)} older"


def _allowed_range(
    comp: Component, apiserver_versions: Sequence[KubeVersion], kubelet: KubeVersion | None
) -> tuple[MinorVersion, MinorVersion] | None:
    if kubelet is not None and comp is not Component.KUBE_PROXY:
        raise ValueError(f"kubelet_version only applies to kube-proxy, not to {comp.value}")
    if not apiserver_versions:
        raise ValueError(f"cannot bound {comp.value}: no kube-apiserver version is known")
    minors = sorted({v.minor_version for v in apiserver_versions})
    majors = {m.major for m in minors} | ({kubelet.major} if kubelet is not None else set())
    if len(majors) > 1:
        raise ValueError(
            f"cannot bound {comp.value}: the versions span majors {sorted(majors)}, and the skew "
            "policy counts minor versions within one major"
        )
    oldest, newest = minors[0], minors[-1]
    major = oldest.major

    high = oldest.minor + max_minor_lead(comp)
    if comp in _NODE_COMPONENTS:
        # The lag allowance grows with the component's own minor, so try the wider one first.
        low = newest.minor - 3
        if MinorVersion(major, low) < N_MINUS_3_FROM:
            low = newest.minor - 2
    else:
        low = newest.minor - max_minor_lag(comp, newest)

    if kubelet is not None:
        if oldest < KUBE_PROXY_DRIFT_FROM:
            low, high = max(low, kubelet.minor), min(high, kubelet.minor)
        else:
            k = kubelet.minor
            below = k - 3 if MinorVersion(major, k - 3) >= N_MINUS_3_FROM else k - 2
            above = k + 3 if MinorVersion(major, k + 3) >= N_MINUS_3_FROM else k + 2
            low, high = max(low, below), min(high, above)

    low = max(low, 0)
    if high < low:
        return None
    return MinorVersion(major, low), MinorVersion(major, high)
