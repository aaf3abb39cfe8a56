"""Docker Swarm and Apache Mesos clusters of the simulated fleet.

Versions are raw strings exactly as the Engine API (`Description.Engine.EngineVersion`) or a
Mesos master (`/version`, `/master/slaves`) reports them. Nodes are written in groups with a
count; each node gets a hostname `<prefix>-<n>`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kubedrift.model.base import Frozen


class SimSwarmNodes(Frozen):
    """`count` Swarm nodes of one role and Engine version."""

    role: Literal["manager", "worker"]
    engine_version: str
    count: int = Field(default=1, ge=1)
    hostname_prefix: str
    state: Literal["ready", "down", "unknown", "disconnected"] = "ready"
    availability: Literal["active", "pause", "drain"] = "active"
    labels: dict[str, str] = Field(default_factory=dict, description="node labels (Spec.Labels)")
    os: str = "linux"
    architecture: str = "x86_64"

    def hostnames(self) -> list[str]:
        return [f"{self.hostname_prefix}-{n}" for n in range(1, self.count + 1)]


class SimSwarm(Frozen):
    """A Swarm as its managers' Engine API describes it; the first manager is the leader."""

    name: str
    cluster_id: str
    api_version: str = Field(default="1.47", description="the API version the daemon speaks")
    min_api_version: str = "1.24"
    tags: dict[str, str] = Field(default_factory=dict)
    nodes: tuple[SimSwarmNodes, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_manager(self) -> SimSwarm:
        if not any(group.role == "manager" for group in self.nodes):
            raise ValueError(f"swarm {self.name}: at least one manager is needed")
        return self

    @property
    def key(self) -> str:
        return f"swarm/{self.name}"

    @property
    def daemon_version(self) -> str:
        """The Engine version of the manager the API is asked through (the first one)."""
        return next(g for g in self.nodes if g.role == "manager").engine_version


class SimMesosMaster(Frozen):
    hostname: str
    version: str
    leader: bool = False


class SimMesosAgents(Frozen):
    """`count` Mesos agents of one version; `attributes` as the agent advertises them."""

    version: str | None = Field(description="null: an agent that reports no version")
    count: int = Field(default=1, ge=1)
    hostname_prefix: str
    attributes: dict[str, str] = Field(default_factory=dict)
    active: bool = True

    def hostnames(self) -> list[str]:
        return [f"{self.hostname_prefix}-{n}" for n in range(1, self.count + 1)]


class SimMesos(Frozen):
    """A Mesos cluster: an HA set of masters (at most one leader) and its agents."""

    name: str
    cluster_id: str
    tags: dict[str, str] = Field(default_factory=dict)
    masters: tuple[SimMesosMaster, ...] = Field(min_length=1)
    agents: tuple[SimMesosAgents, ...] = ()

    @model_validator(mode="after")
    def _one_leader(self) -> SimMesos:
        leaders = [m.hostname for m in self.masters if m.leader]
        if len(leaders) > 1:
            raise ValueError(f"mesos {self.name}: more than one leader ({', '.join(leaders)})")
        return self

    @property
    def key(self) -> str:
        return f"mesos/{self.name}"

    @property
    def leader(self) -> SimMesosMaster | None:
        return next((m for m in self.masters if m.leader), None)
