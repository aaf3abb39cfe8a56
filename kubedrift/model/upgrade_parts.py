"""The parts an upgrade step carries besides its version change.

Owns: how an add-on is classed at a step of an upgrade path (required / optional / not
needed, with its target and why), and the in-place vs replacement choice for a node pool.
Kept apart from `findings` so `UpgradeStep` can hold them without an import cycle with the
path model (`model.upgrade_path`).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from kubedrift.model.base import Frozen


class AddonNeed(StrEnum):
    """How much a step needs an add-on to move.

    `required`: the skew policy, a documented minimum or the plan's target is broken without
    it. `optional`: recommended (the version kubeadm installs for that minor, or kube-proxy
    following the control plane) but the rules allow staying, or nothing is known to decide.
    `not_needed`: already where the step needs it.
    """

    REQUIRED = "required"
    OPTIONAL = "optional"
    NOT_NEEDED = "not_needed"


class AddonDecision(Frozen):
    """One add-on at one step: its class, where it should go, and the reason.

    `to_version` is None when no version can be named (no compatibility data, or unknown
    running version); the reason then says so. `source` names the data that decided.
    """

    name: str = Field(min_length=1)
    kind: str = "other"
    need: AddonNeed
    from_version: str | None = None
    to_version: str | None = None
    reason: str
    source: str | None = None


class NodeStrategy(StrEnum):
    """How a node pool reaches a new kubelet version (domain.md, "Two ways to upgrade nodes")."""

    IN_PLACE = "in_place"
    REPLACEMENT = "replacement"


class NodeStrategyChoice(Frozen):
    """The recommended way to upgrade one pool at one step, and why."""

    strategy: NodeStrategy
    reason: str
