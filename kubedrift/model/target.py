"""What a group of clusters should run: the `Target` of a plan group and its parts (the
allowed lag, the end-of-support warning windows, add-on targets, the node-pool policy)."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.model.plan_fields import AddonConstraint, AddonName, KubernetesTarget, PlatformTarget
from kubedrift.versions import Constraint, MinorVersion, parse_constraint


class Lag(Frozen):
    """How far behind its target a cluster may be before it is out of plan."""

    minors: int = Field(
        default=0, ge=0, le=5, description="Minor versions a cluster may trail the target by."
    )
    patches: int | None = Field(
        default=2,
        ge=0,
        description="Patch releases a cluster may trail the newest patch of its minor by; "
        "null to not check patches.",
    )
    days: int = Field(
        default=30,
        ge=0,
        description="Days to catch up after the target changes (counted from `target.since`) "
        "before lagging clusters are reported at full severity.",
    )


class SupportWindowPolicy(Frozen):
    """When to warn before a cluster's Kubernetes minor reaches its end of support."""

    warn_days: int = Field(default=90, ge=0, description="Warn this many days before the end.")
    critical_days: int = Field(
        default=30, ge=0, description="Critical this many days before the end."
    )
    calendar: Literal["provider", "upstream"] = Field(
        default="provider",
        description="Whose end-of-support dates count: the cloud provider's (ACK, TKE; "
        "upstream for self-hosted clusters) or upstream Kubernetes'.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> SupportWindowPolicy:
        if self.critical_days > self.warn_days:
            raise ValueError(
                f"expected critical_days ({self.critical_days}) <= warn_days ({self.warn_days})"
            )
        return self


class AddonTarget(Frozen):
    """What version of one add-on a group should run."""

    version: AddonConstraint | None = Field(
        default=None, description="Exact version or constraint; omit to only check presence."
    )
    required: bool = Field(default=False, description="A cluster without this add-on is drift.")
    aliases: tuple[AddonName, ...] = Field(
        default=(),
        description="Other names collectors report for the same add-on (terway-eniip).",
    )
    description: str | None = Field(default=None, description="Free text for readers.")

    @cached_property
    def constraint(self) -> Constraint | None:
        return parse_constraint(self.version) if self.version is not None else None


class NodePoolPolicy(Frozen):
    """How node pools may differ from the control plane and from each other."""

    max_minor_skew: int | None = Field(
        default=None,
        ge=0,
        le=3,
        description="Minors a kubelet may trail the API server by; null for the upstream "
        "skew policy (3 since 1.28, 2 before).",
    )
    allow_mixed_versions: bool = Field(
        default=False, description="Allow nodes of one pool to run different kubelet versions."
    )


class Target(Frozen):
    """What a group of clusters should run: a Kubernetes version, a Docker Engine version
    (Swarm clusters) or a Mesos version, at least one of them. The lag, support-window and
    node-pool settings apply to whichever the group's clusters run."""

    kubernetes: KubernetesTarget | None = Field(
        default=None,
        description="The Kubernetes version to run: a minor (1.31), an exact patch (1.31.4) or "
        "a constraint (>=1.30 <1.32).",
    )
    docker_engine: PlatformTarget | None = Field(
        default=None, description="Docker Engine version of Swarm managers and workers."
    )
    mesos: PlatformTarget | None = Field(
        default=None, description="Apache Mesos version of masters and agents."
    )
    since: date | None = Field(
        default=None, description="When this target took effect; starts `allowed_lag.days`."
    )
    allowed_lag: Lag = Field(
        default_factory=Lag, description="How far behind the target a cluster may be."
    )
    end_of_support: SupportWindowPolicy = Field(
        default_factory=SupportWindowPolicy,
        description="When to warn before the running minor's end of support.",
    )
    addons: dict[AddonName, AddonTarget] = Field(
        default_factory=dict, description="Add-on versions, by add-on name (coredns, terway)."
    )
    node_pools: NodePoolPolicy = Field(
        default_factory=NodePoolPolicy, description="How node pools may trail and differ."
    )

    @model_validator(mode="after")
    def _some_version(self) -> Target:
        if self.kubernetes is None and self.docker_engine is None and self.mesos is None:
            raise ValueError("expected at least one of kubernetes, docker_engine or mesos")
        return self

    def version_for(self, platform: str) -> str | None:
        """The target version text for clusters of `platform` (None: the group sets none)."""
        chosen: dict[str, str | None] = {
            "kubernetes": self.kubernetes,
            "swarm": self.docker_engine,
            "mesos": self.mesos,
        }
        return chosen.get(platform)

    @cached_property
    def minor(self) -> MinorVersion | None:
        """The target minor when `kubernetes` names one (`"1.31"`), else None."""
        if self.kubernetes is None:
            return None
        parts = self.kubernetes.removeprefix("v").split(".")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return MinorVersion.parse(self.kubernetes)
        return None

    @cached_property
    def constraint(self) -> Constraint:
        """The parsed Kubernetes constraint; a minor `1.31` admits every 1.31.x.

        Only for a target with `kubernetes` (the engine runs the Kubernetes rules only then).
        """
        if self.kubernetes is None:
            raise ValueError("this target names no Kubernetes version")
        return parse_constraint(self.kubernetes)

    def platform_constraint(self, platform: str) -> Constraint | None:
        """The parsed target of `platform`'s clusters; None when the group sets none."""
        text = self.version_for(platform)
        return parse_constraint(text) if text is not None else None
