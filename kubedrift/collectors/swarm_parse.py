"""Engine API answers (`GET /nodes`, `GET /info`) -> the control plane and node pools of a Swarm.

Managers make the control plane (one `swarm-manager` component per manager, the leader
marked); the cluster version is the oldest manager Engine version. Nodes are grouped into
pools by role, and by a node label when the source names one. A node without an Engine
version counts as unknown, never as current. Anything not shaped like the documented answer
raises `ValueError`, which the collector reports as malformed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from kubedrift.model.inventory import ComponentVersion, ControlPlane, NodePool
from kubedrift.versions import version_or_none

MANAGER_COMPONENT = "swarm-manager"
NO_LABEL = "(none)"


@dataclass(frozen=True)
class SwarmNode:
    hostname: str
    role: Literal["manager", "worker"]
    engine: str | None
    state: str
    leader: bool
    os: str | None
    label: str | None


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, found {type(value).__name__}")
    return value


def parse_nodes(payload: object, label: str | None) -> list[SwarmNode]:
    """The nodes of a `GET /nodes` answer."""
    if not isinstance(payload, list):
        raise ValueError(f"/nodes: expected a list of nodes, found {type(payload).__name__}")
    nodes = []
    for index, raw in enumerate(payload):
        where = f"/nodes[{index}]"
        node = _mapping(raw, where)
        spec = _mapping(node.get("Spec"), f"{where}.Spec")
        description = _mapping(node.get("Description") or {}, f"{where}.Description")
        role = spec.get("Role")
        if role not in ("manager", "worker"):
            raise ValueError(f"{where}.Spec.Role: expected manager or worker, found {role!r}")
        engine = _mapping(description.get("Engine") or {}, f"{where}.Description.Engine")
        version = engine.get("EngineVersion")
        status = _mapping(node.get("Status") or {}, f"{where}.Status")
        manager = _mapping(node.get("ManagerStatus") or {}, f"{where}.ManagerStatus")
        labels = _mapping(spec.get("Labels") or {}, f"{where}.Spec.Labels")
        platform = _mapping(description.get("Platform") or {}, f"{where}.Description.Platform")
        nodes.append(
            SwarmNode(
                hostname=str(description.get("Hostname") or node.get("ID") or index),
                role=role,
                engine=str(version) if version else None,
                state=str(status.get("State") or "unknown"),
                leader=manager.get("Leader") is True,
                os=str(platform["OS"]) if platform.get("OS") else None,
                label=(str(labels.get(label, NO_LABEL))) if label is not None else None,
            )
        )
    return nodes


def control_plane(nodes: list[SwarmNode]) -> ControlPlane:
    """The managers as the control plane; the cluster version is the oldest known one."""
    managers = [n for n in nodes if n.role == "manager"]
    components = tuple(
        ComponentVersion(
            component=MANAGER_COMPONENT,
            version=version_or_none(n.engine),
            instance=n.hostname,
            leader=n.leader,
        )
        for n in sorted(managers, key=lambda n: n.hostname)
    )
    versions = [c.version for c in components]
    known = [v for v in versions if v is not None]
    # One unreadable manager makes the cluster version unknown: it may be the oldest.
    version = min(known) if known and len(known) == len(versions) else None
    return ControlPlane(version=version, components=components)


def node_pools(nodes: list[SwarmNode]) -> tuple[NodePool, ...]:
    """One pool per role (and label value): its oldest Engine version and what each node runs."""
    groups: dict[tuple[str, str | None], list[SwarmNode]] = {}
    for node in nodes:
        groups.setdefault((node.role, node.label), []).append(node)
    pools = []
    for (role, label), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        seen = Counter(n.engine or "unknown" for n in members)
        parsed = [version_or_none(n.engine) for n in members]
        known = [v for v in parsed if v is not None]
        pool_id = role if label is None else f"{role}/{label}"
        oses = sorted({n.os for n in members if n.os})
        pools.append(
            NodePool(
                id=pool_id,
                name=f"{role}s" if label is None else label,
                role="manager" if role == "manager" else "worker",
                kubelet_version=min(known) if known and len(known) == len(parsed) else None,
                runtime="docker",
                runtime_version=str(min(known)) if known else None,
                os_image=", ".join(oses) or None,
                node_count=len(members),
                versions_seen=dict(sorted(seen.items())),
            )
        )
    return tuple(pools)
