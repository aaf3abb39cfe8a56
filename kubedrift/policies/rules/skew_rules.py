"""The version skew policy applied to a cluster: kubelet, kube-proxy, control-plane components
and the HA spread of the API servers (`kubedrift.policies.skew` holds the policy itself).

Every node version seen in a pool is checked, not only the pool's oldest: a kubelet newer than
an API server is as much a violation as one too old. kube-proxy is read from the pool when the
collector saw it there, else from the kube-proxy add-on (a DaemonSet on every node). Verdicts
are memoised per run: a fleet repeats the same few version combinations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from kubedrift.model.findings import Severity
from kubedrift.model.inventory import ComponentVersion, NodePool
from kubedrift.policies.rules.base import (
    Draft,
    RuleContext,
    RuleInfo,
    draft,
    make_remedy,
)
from kubedrift.policies.rules.facts import parsed, server_key
from kubedrift.policies.rules.parts import PlaneFacts, PoolPartRule
from kubedrift.policies.rules.plane_part import PlanePartRule, PlaneView
from kubedrift.policies.skew import SkewStatus, SkewVerdict, check
from kubedrift.versions import KubeVersion

_FAMILY = "skew_rules"


def _verdict(
    context: RuleContext,
    component: str,
    version: KubeVersion,
    servers: Sequence[KubeVersion],
    kubelet: KubeVersion | None = None,
) -> SkewVerdict:
    # Raw strings are part of the key: reasons quote versions as reported.
    key = ("skew", component, version.raw, server_key(servers), kubelet and kubelet.raw)
    found = context.cache.get(key)
    if found is None:
        found = context.cache[key] = check(component, version, servers, kubelet_version=kubelet)
    return found


def _seen(pool: NodePool) -> list[KubeVersion]:
    """Every kubelet version of the pool: the counted ones, else the pool's version."""
    # An unreadable version is version-unknown's finding.
    versions = [v for v in map(parsed, pool.versions_seen) if v is not None]
    if not versions and pool.kubelet_version is not None:
        versions.append(pool.kubelet_version)
    return sorted(set(versions))


def _worst(verdicts: list[SkewVerdict]) -> SkewVerdict | None:
    violated = [v for v in verdicts if v.status is SkewStatus.VIOLATED]
    if violated:
        return max(violated, key=lambda v: max(x.excess for x in v.violations))
    undetermined = [v for v in verdicts if v.status is SkewStatus.UNDETERMINED]
    return undetermined[0] if undetermined else None


def _draft(info: RuleInfo, component: str, verdict: SkewVerdict, expected: str) -> Draft:
    if verdict.status is SkewStatus.UNDETERMINED:
        return draft(
            info,
            component,
            verdict.reason,
            severity=Severity.LOW,
            observed=str(verdict.version),
        )
    return draft(
        info,
        component,
        verdict.reason,
        observed=str(verdict.version),
        expected=expected,
        remedy=make_remedy(summary=_remedy_text(verdict)),
    )


def _remedy_text(verdict: SkewVerdict) -> str:
    violation = verdict.violations[0]
    if violation.minors > 0:
        return (
            f"upgrade the control plane first, or roll {verdict.component.value} back to "
            f"{violation.against.minor_version}"
        )
    return f"upgrade {verdict.component.value} towards {violation.against.minor_version}"


class SkewKubelet(PoolPartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="skew-kubelet",
        title="kubelet outside the version skew policy",
        severity=Severity.HIGH,
        rationale=(
            "A kubelet must not be newer than any API server (it may fail to register) and at "
            "most three minors older than the newest (two for a kubelet older than 1.25). "
            "Every version seen in a pool is checked against every API server."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    def pool_drafts(self, facts: PlaneFacts, pool: NodePool) -> Iterable[Draft]:
        return self._drafts(pool, facts.servers)

    def _drafts(self, pool: NodePool, servers: Sequence[KubeVersion]) -> Iterator[Draft]:
        verdicts = [_verdict(self.context, "kubelet", v, servers) for v in _seen(pool)]
        worst = _worst(verdicts)
        if worst is not None:
            expected = "not newer than any API server; within the allowed lag of the newest"
            yield _draft(self.info, f"node-pool/{pool.id}", worst, expected)


class SkewKubeProxy(PoolPartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="skew-kube-proxy",
        title="kube-proxy outside the version skew policy",
        severity=Severity.HIGH,
        rationale=(
            "kube-proxy follows the kubelet's rules against the API servers, and since 1.28 may "
            "be up to three minors older or newer than the kubelet on its node (two when "
            "kube-proxy is older than 1.25; the same minor under older API servers)."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    def pool_drafts(self, facts: PlaneFacts, pool: NodePool) -> Iterable[Draft]:
        proxy = pool.kube_proxy_version or facts.proxy
        if proxy is None:
            return ()
        return self._drafts(pool, proxy, facts.servers)

    def _drafts(
        self, pool: NodePool, proxy: KubeVersion, servers: Sequence[KubeVersion]
    ) -> Iterator[Draft]:
        kubelets: list[KubeVersion | None] = [*_seen(pool)] or [None]
        verdicts = [
            _verdict(self.context, "kube-proxy", proxy, servers, kubelet) for kubelet in kubelets
        ]
        worst = _worst(verdicts)
        if worst is not None:
            expected = (
                "not newer than any API server; within the allowed lag of the newest and "
                "of its node's kubelet"
            )
            yield _draft(self.info, f"node-pool/{pool.id}", worst, expected)


class SkewControlPlaneComponents(PlanePartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="skew-control-plane-components",
        title="Controller manager, scheduler or cloud controller manager outside the skew policy",
        severity=Severity.HIGH,
        rationale=(
            "kube-controller-manager, kube-scheduler and cloud-controller-manager must not be "
            "newer than any API server and at most one minor older than the newest."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    _COMPONENTS = ("kube-controller-manager", "kube-scheduler", "cloud-controller-manager")

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        if not view.components:
            return ()
        return self._drafts(view.components, view.servers)

    def _drafts(
        self, components: Sequence[ComponentVersion], servers: Sequence[KubeVersion]
    ) -> Iterator[Draft]:
        for item in components:
            if item.component not in self._COMPONENTS or item.version is None:
                continue
            verdict = _verdict(self.context, item.component, item.version, servers)
            if verdict.status is SkewStatus.ALLOWED:
                continue
            component = f"control-plane/{item.component}"
            if item.instance:
                component += f"/{item.instance}"
            expected = "not newer than any API server; at most 1 minor older than the newest"
            yield _draft(self.info, component, verdict, expected)


class SkewApiserverHa(PlanePartRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="skew-apiserver-ha",
        title="HA API servers at mixed versions",
        severity=Severity.HIGH,
        rationale=(
            "The API servers of one cluster must be within one minor of each other; beyond that "
            "the cluster itself is out of policy. Mixed versions within one minor are an upgrade "
            "in progress (or stuck) and are reported as low: every other rule is then measured "
            "against the oldest and the newest."
        ),
        family=_FAMILY,
        needs_target=False,
    )

    def plane_drafts(self, view: PlaneView) -> Iterable[Draft]:
        if len(view.servers) < 2:
            return ()
        return self._drafts(view.servers)

    def _drafts(self, servers: Sequence[KubeVersion]) -> Iterator[Draft]:
        distinct = sorted(set(servers))
        if len(distinct) < 2:
            return
        shown = ", ".join(str(s) for s in sorted(servers))
        verdict = _verdict(self.context, "kube-apiserver", distinct[-1], servers)
        if verdict.status is SkewStatus.ALLOWED:
            yield draft(
                self.info,
                "control-plane/kube-apiserver",
                f"API servers run mixed versions ({shown}): an upgrade in progress or stuck",
                severity=Severity.LOW,
                observed=shown,
                expected="every API server at one version",
                remedy=make_remedy(
                    summary=f"finish the upgrade of every API server to {distinct[-1]}"
                ),
            )
            return
        yield _draft(
            self.info,
            "control-plane/kube-apiserver",
            verdict,
            "API servers within 1 minor of each other",
        )
