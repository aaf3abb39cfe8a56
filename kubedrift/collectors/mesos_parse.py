"""Mesos master answers -> the control plane (every master of the HA set) and agent pools.

`/version` gives each master's version, `/master/slaves` the agents with theirs. The cluster
version is the oldest master version, unknown when any master could not be read (it may be
the oldest). Agents are grouped into pools, by an attribute when the source names one; an
agent that reports no version counts as unknown, never as current. Anything not shaped like
the documented answers raises `ValueError` (the collector reports it as malformed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kubedrift.model.inventory import ComponentVersion, ControlPlane, NodePool
from kubedrift.versions import version_or_none

MASTER_COMPONENT = "mesos-master"
NO_ATTRIBUTE = "(none)"


@dataclass(frozen=True)
class MasterSeen:
    address: str
    version: str | None
    leader: bool | None


@dataclass(frozen=True)
class Agent:
    hostname: str
    version: str | None
    active: bool
    group: str | None


def version_of(payload: object) -> str:
    """The `version` of a `GET /version` answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("version"), str):
        raise ValueError("/version: expected an object with a string 'version'")
    return str(payload["version"])


def parse_agents(payload: object, attribute: str | None) -> list[Agent]:
    """The agents of a `GET /master/slaves` answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("slaves"), list):
        raise ValueError("/master/slaves: expected an object with a 'slaves' list")
    found = []
    for index, raw in enumerate(payload["slaves"]):
        if not isinstance(raw, dict):
            raise ValueError(f"/master/slaves: slaves[{index}]: expected an object")
        attributes = raw.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise ValueError(f"/master/slaves: slaves[{index}].attributes: expected an object")
        version = raw.get("version")
        found.append(
            Agent(
                hostname=str(raw.get("hostname") or raw.get("id") or index),
                version=str(version) if version else None,
                active=raw.get("active") is not False,
                group=str(attributes.get(attribute, NO_ATTRIBUTE)) if attribute else None,
            )
        )
    return found


def control_plane(masters: list[MasterSeen]) -> ControlPlane:
    components = tuple(
        ComponentVersion(
            component=MASTER_COMPONENT,
            version=version_or_none(m.version),
            instance=m.address,
            leader=m.leader,
        )
        for m in masters
    )
    versions = [c.version for c in components]
    known = [v for v in versions if v is not None]
    version = min(known) if known and len(known) == len(versions) else None
    return ControlPlane(version=version, components=components)


def agent_pools(agents: list[Agent]) -> tuple[NodePool, ...]:
    groups: dict[str | None, list[Agent]] = {}
    for agent in agents:
        groups.setdefault(agent.group, []).append(agent)
    pools = []
    for group, members in sorted(groups.items(), key=lambda kv: kv[0] or ""):
        parsed = [version_or_none(a.version) for a in members]
        known = [v for v in parsed if v is not None]
        seen = Counter(a.version or "unknown" for a in members)
        pools.append(
            NodePool(
                id="agents" if group is None else f"agents/{group}",
                name="agents" if group is None else group,
                role="agent",
                kubelet_version=min(known) if known and len(known) == len(parsed) else None,
                runtime="mesos-agent",
                node_count=len(members),
                versions_seen=dict(sorted(seen.items())),
            )
        )
    return tuple(pools)
