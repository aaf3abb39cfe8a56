"""The versions an upgrade path moves, and what each step does to them.

Owns `ClusterState` (API servers, the control plane's other components, per pool the kubelet
and kube-proxy), building it from an inventory, applying one `UpgradeStep`, the state in the
middle of a control-plane roll (old and new API servers side by side), and the skew verdicts
of a state. The planner and its tests share these, so "the path never breaks the skew policy"
is checked on exactly the states the path passes through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.inventory import AddonKind, ClusterInventory
from kubedrift.policies.skew import Component, SkewSubject, SkewVerdict
from kubedrift.policies.skew_memo import problems as skew_problems
from kubedrift.versions import KubeVersion, parse_version

CONTROL_PLANE = "control-plane"
KUBE_PROXY = "kube-proxy"
POOL_PREFIX = "node-pool/"
_CP_CLIENTS = frozenset(
    {
        Component.KUBE_CONTROLLER_MANAGER.value,
        Component.KUBE_SCHEDULER.value,
        Component.CLOUD_CONTROLLER_MANAGER.value,
    }
)


_Minor = tuple[int, int] | None


def _minor(version: KubeVersion | None) -> _Minor:
    return None if version is None else (version.major, version.minor)


@dataclass(frozen=True, slots=True)
class PoolState:
    """One pool's node components; None is unknown (never checked, never "fine")."""

    id: str
    name: str
    kubelet: KubeVersion | None
    kube_proxy: KubeVersion | None
    # (kubelet, kube-proxy) as (major, minor): the pool's part of a state's `_signature`,
    # made once per pool state rather than at every skew question about the state.
    minors: tuple[_Minor, _Minor] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "minors", (_minor(self.kubelet), _minor(self.kube_proxy)))


@dataclass(frozen=True, slots=True)
class ClusterState:
    apiservers: tuple[KubeVersion, ...]
    clients: tuple[tuple[str, KubeVersion], ...]
    pools: tuple[PoolState, ...]

    @property
    def oldest(self) -> KubeVersion:
        return min(self.apiservers)

    @property
    def newest(self) -> KubeVersion:
        return max(self.apiservers)

    def pool(self, pool_id: str) -> PoolState:
        return next(p for p in self.pools if p.id == pool_id)

    def with_pool(self, new: PoolState) -> ClusterState:
        pools = tuple(new if p.id == new.id else p for p in self.pools)
        return ClusterState(self.apiservers, self.clients, pools)


@lru_cache(maxsize=4096)
def version_of(raw: str) -> KubeVersion:
    """`parse_version`, memoised: a path names the same few versions again and again."""
    return parse_version(raw)


def pool_component(pool_id: str) -> str:
    return f"{POOL_PREFIX}{pool_id}"


def _parse(raw: str | None) -> KubeVersion | None:
    if raw is None:
        return None
    try:
        return version_of(raw)
    except ValueError:
        return None


def state_of(inventory: ClusterInventory) -> ClusterState:
    """The state an inventory describes.

    kube-proxy per pool comes from the pool; a pool that does not report it falls back to
    the cluster's kube-proxy add-on (one DaemonSet on every node) when its version parses.
    """
    plane = control_plane_state(inventory)
    proxy_addon = kube_proxy_addon(inventory)
    pools = tuple(
        PoolState(
            id=p.id,
            name=p.name,
            kubelet=p.kubelet_version,
            kube_proxy=p.kube_proxy_version or proxy_addon,
        )
        for p in inventory.node_pools
    )
    return ClusterState(plane.apiservers, plane.clients, pools)


def control_plane_state(inventory: ClusterInventory) -> ClusterState:
    """The state of the inventory's control plane alone (API servers and clients, no pools)."""
    cp = inventory.control_plane
    clients = tuple(
        (c.component, c.version)
        for c in cp.components
        if c.component in _CP_CLIENTS and c.version is not None
    )
    return ClusterState(apiservers=cp.apiserver_versions(), clients=clients, pools=())


def kube_proxy_addon(inventory: ClusterInventory) -> KubeVersion | None:
    """The cluster's kube-proxy add-on version, for pools that do not report their own."""
    for addon in inventory.addons:
        if addon.kind is AddonKind.PROXY or addon.name.startswith(KUBE_PROXY):
            found = _parse(addon.running_version or addon.version)
            if found is not None:
                return found
    return None


def rolling(state: ClusterState, version: KubeVersion) -> ClusterState:
    """Mid-roll: the new API server has joined, the old ones still serve (HA rolls one by one)."""
    return ClusterState((*state.apiservers, version), state.clients, state.pools)


def apply(state: ClusterState, step: UpgradeStep) -> ClusterState:
    """The state after `step`. Steps the state does not model (other add-ons, manual) leave it
    unchanged; the versions of the steps it models must parse as Kubernetes versions.

    A node-pool step moves the pool's kubelet, and its kube-proxy too when the step classes
    kube-proxy as required (the two move together on those nodes).
    """
    if step.action == "upgrade_control_plane":
        target = version_of(step.to_version)
        clients = tuple((name, target) for name, _ in state.clients)
        return ClusterState((target,), clients, state.pools)
    if step.action in ("upgrade_node_pool", "replace_node_pool"):
        target = version_of(step.to_version)
        pool = state.pool(step.component.removeprefix(POOL_PREFIX))
        proxy = pool.kube_proxy
        for decision in step.addons:
            if decision.name == KUBE_PROXY and decision.to_version is not None:
                proxy = version_of(decision.to_version)
        return state.with_pool(PoolState(pool.id, pool.name, target, proxy))
    if step.action == "upgrade_addon" and step.component == KUBE_PROXY:
        target = version_of(step.to_version)
        pools = tuple(
            PoolState(p.id, p.name, p.kubelet, target) if p.kube_proxy is not None else p
            for p in state.pools
        )
        return ClusterState(state.apiservers, state.clients, pools)
    return state


def subjects(state: ClusterState) -> Iterable[SkewSubject]:
    for name, version in state.clients:
        yield SkewSubject(name, version, where=CONTROL_PLANE)
    for pool in state.pools:
        if pool.kubelet is not None:
            yield SkewSubject(Component.KUBELET, pool.kubelet, where=pool_component(pool.id))
        if pool.kube_proxy is not None:
            yield SkewSubject(
                Component.KUBE_PROXY,
                pool.kube_proxy,
                kubelet_version=pool.kubelet,
                where=pool_component(pool.id),
            )


# States known to have no problem, by `_signature` (bounded like skew_memo's tables).
_clean: set[tuple[object, ...]] = set()
# States with problems, by `_texts`: their verdicts (bounded the same way).
_failing: dict[tuple[object, ...], tuple[SkewVerdict, ...]] = {}
_LIMIT = 1 << 16


def _signature(state: ClusterState, nodes_only: bool) -> tuple[object, ...]:
    """What "the state has no skew problem" depends on: minors only (`skew_memo.allows`)."""
    return (
        nodes_only,
        frozenset((v.major, v.minor) for v in state.apiservers),
        tuple((name, v.major, v.minor) for name, v in state.clients),
        tuple(p.minors for p in state.pools),
    )


def problems(state: ClusterState, *, nodes_only: bool = False) -> tuple[SkewVerdict, ...]:
    """Every verdict of the state that is not "allowed" (violations and undetermined ones).

    `nodes_only`: only the node components (kubelet, kube-proxy) against every API server;
    the API servers' spread and the control plane's own components are left out (the middle
    of a provider's jump, where the provider replaces the control plane in one operation).
    A state without problems is remembered by its minors: the planner asks about many states
    that differ from known clean ones only in patches and texts.
    """
    signature = _signature(state, nodes_only)
    if signature in _clean:
        return ()
    # A state with problems: its verdicts quote the versions as written, so it is kept by
    # the texts (and pool ids) its verdicts are made of.
    texts = _texts(state, nodes_only)
    found = _failing.get(texts)
    if found is not None:
        return found
    found = _problems(state, nodes_only)
    if not found:
        if len(_clean) >= _LIMIT:
            _clean.clear()
        _clean.add(signature)
    else:
        if len(_failing) >= _LIMIT:
            _failing.clear()
        _failing[texts] = found
    return found


# API servers' minors by the identity of their tuple (held in the value, so the identity is
# not reused while the entry is there). A run asks about a few hundred tuples (its control
# planes' parts'); the bound keeps a long-lived process from holding many runs' tuples.
_server_minors: dict[int, tuple[tuple[KubeVersion, ...], frozenset[tuple[int, int]]]] = {}
_SERVER_LIMIT = 1 << 12


def pool_problems(servers: tuple[KubeVersion, ...], pool: PoolState) -> tuple[SkewVerdict, ...]:
    """`problems` of `pool` alone while `servers` serve, nodes only: what a composed pool's
    part asks at every point of the path, about the control plane's part's own tuples (so
    their minors are made once per tuple, and a clean answer costs one look-up)."""
    kept = _server_minors.get(id(servers))
    if kept is None:
        if len(_server_minors) >= _SERVER_LIMIT:
            _server_minors.clear()
        minors = frozenset((v.major, v.minor) for v in servers)
        kept = _server_minors[id(servers)] = (servers, minors)
    if (True, kept[1], (), (pool.minors,)) in _clean:  # `_signature` of that state
        return ()
    return problems(ClusterState(servers, (), (pool,)), nodes_only=True)


def _texts(state: ClusterState, nodes_only: bool) -> tuple[object, ...]:
    """Everything `_problems` reads of a state: versions as written, pool ids, client names."""
    return (
        nodes_only,
        tuple(v.raw for v in state.apiservers),
        tuple((name, v.raw) for name, v in state.clients),
        tuple(
            (
                p.id,
                None if p.kubelet is None else p.kubelet.raw,
                None if p.kube_proxy is None else p.kube_proxy.raw,
            )
            for p in state.pools
        ),
    )


def _problems(state: ClusterState, nodes_only: bool) -> tuple[SkewVerdict, ...]:
    if nodes_only:
        nodes = (s for s in subjects(state) if s.where != CONTROL_PLANE)
        return tuple(
            v
            for v in skew_problems(state.apiservers, nodes)
            if v.component is not Component.KUBE_APISERVER
        )
    return skew_problems(state.apiservers, subjects(state))
