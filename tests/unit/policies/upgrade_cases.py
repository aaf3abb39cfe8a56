"""Builders shared by the upgrade-path tests: inventories and an independent skew oracle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from kubedrift.model.inventory import (
    Addon,
    AddonKind,
    ClusterInventory,
    ComponentVersion,
    ControlPlane,
    NodePool,
)
from kubedrift.policies.skew import Component, check
from kubedrift.policies.upgrade_state import ClusterState
from kubedrift.versions import KubeVersion, parse_version

AT = datetime(2026, 1, 1, tzinfo=UTC)


def v(raw: str) -> KubeVersion:
    return parse_version(raw)


def pool(
    pool_id: str,
    kubelet: str | None,
    *,
    proxy: str | None = None,
    runtime: str | None = "containerd",
) -> NodePool:
    return NodePool(
        id=pool_id,
        name=pool_id,
        kubelet_version=None if kubelet is None else v(kubelet),
        kube_proxy_version=None if proxy is None else v(proxy),
        runtime=runtime,
    )


def cluster(
    apiservers: Sequence[str],
    pools: Sequence[NodePool] = (),
    *,
    provider: str = "kubeconfig",
    addons: Sequence[Addon] = (),
    upgradable: Sequence[str] = (),
    available: Sequence[str] = (),
    clients: bool = False,
) -> ClusterInventory:
    components = [ComponentVersion(component="kube-apiserver", version=v(a)) for a in apiservers]
    if clients:
        oldest = min(v(a) for a in apiservers)
        components += [
            ComponentVersion(component=name, version=oldest)
            for name in ("kube-controller-manager", "kube-scheduler")
        ]
    return ClusterInventory(
        provider=provider,
        source="test",
        id="c1",
        name="c1",
        collected_at=AT,
        control_plane=ControlPlane(
            version=max(v(a) for a in apiservers) if apiservers else None,
            components=tuple(components),
            upgradable_versions=tuple(v(u) for u in upgradable),
            available_versions=tuple(v(a) for a in available),
        ),
        node_pools=tuple(pools),
        addons=tuple(addons),
    )


def coredns(version: str | None, *available: str) -> Addon:
    return Addon(
        name="coredns", kind=AddonKind.DNS, running_version=version, available_versions=available
    )


def oracle_violations(state: ClusterState, *, nodes_only: bool = False) -> list[str]:
    """Every broken rule of `state`, asked of `skew.check` one component at a time.

    `nodes_only`: the node components only (the middle of a provider's jump).
    """
    out: list[str] = []
    servers = list(state.apiservers)
    for server in [] if nodes_only else servers:
        verdict = check(Component.KUBE_APISERVER, server, servers)
        if not verdict.allowed:
            out.append(verdict.reason)
    for name, version in [] if nodes_only else state.clients:
        verdict = check(name, version, servers)
        if not verdict.allowed:
            out.append(verdict.reason)
    for p in state.pools:
        if p.kubelet is not None:
            verdict = check(Component.KUBELET, p.kubelet, servers)
            if not verdict.allowed:
                out.append(f"{p.id}: {verdict.reason}")
        if p.kube_proxy is not None:
            verdict = check(Component.KUBE_PROXY, p.kube_proxy, servers, kubelet_version=p.kubelet)
            if not verdict.allowed:
                out.append(f"{p.id} kube-proxy: {verdict.reason}")
    return out
