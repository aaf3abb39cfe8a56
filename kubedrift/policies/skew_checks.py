"""How one component is measured against one API server (and kube-proxy against its kubelet),
with the sentences a verdict says; internals of `kubedrift.policies.skew`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubedrift.policies.skew_types import (
    _NODE_COMPONENTS,
    KUBE_PROXY_DRIFT_FROM,
    N_MINUS_3_FROM,
    Component,
    SkewRule,
    SkewViolation,
    max_kube_proxy_kubelet_skew,
    max_minor_lag,
    max_minor_lead,
)
from kubedrift.versions import KubeVersion, MinorVersion


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
