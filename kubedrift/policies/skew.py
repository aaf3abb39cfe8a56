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

from kubedrift.policies.skew_checks import (
    _allowed_range,
    _check_against_apiserver,
    _check_kube_proxy_kubelet,
    _distinct_sorted,
    _plural,
    _rule_summary,
    _worst_per_rule,
)
from kubedrift.policies.skew_types import (
    KUBE_PROXY_DRIFT_FROM,
    N_MINUS_3_FROM,
    Component,
    SkewRule,
    SkewStatus,
    SkewSubject,
    SkewVerdict,
    SkewViolation,
    component_of,
    max_kube_proxy_kubelet_skew,
    max_minor_lag,
    max_minor_lead,
)
from kubedrift.versions import KubeVersion, MinorVersion

__all__ = [
    "KUBE_PROXY_DRIFT_FROM",
    "N_MINUS_3_FROM",
    "Component",
    "SkewRule",
    "SkewStatus",
    "SkewSubject",
    "SkewVerdict",
    "SkewViolation",
    "check",
    "cluster_skew",
    "component_of",
    "max_kube_proxy_kubelet_skew",
    "max_minor_lag",
    "max_minor_lead",
    "newest_allowed",
    "oldest_allowed",
]


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
