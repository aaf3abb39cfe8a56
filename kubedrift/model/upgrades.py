"""`UpgradePath`: a cluster's ordered way from its current version to a target minor.

Built by `kubedrift.policies.upgrade_path.plan_upgrade`; used by rules (remedies), tickets
and Terraform proposals alike. `model_dump(mode="json")` carries everything the table shows.
"""

from __future__ import annotations

from pydantic import Field

from kubedrift.model.base import Frozen
from kubedrift.model.findings import UpgradeStep
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.versions import MinorVersion


class UpgradePath(Frozen):
    """The steps, in order, and what stops or weakens the path.

    `current` lists the API server versions the path starts from; `addons` classes every
    add-on at the target (also on the last control-plane step, when there is one);
    `blocked_by` says why the path cannot be followed as planned (no steps at all when the
    start is unknown or the target is behind); `warnings` say what could not be checked.
    """

    cluster: str = Field(min_length=1)
    current: tuple[str, ...]
    target: MinorVersion
    steps: tuple[UpgradeStep, ...] = ()
    addons: tuple[AddonDecision, ...] = ()
    blocked_by: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by) or any(step.blocked_by for step in self.steps)

    @property
    def node_upgrades(self) -> int:
        return sum(1 for s in self.steps if s.action in ("upgrade_node_pool", "replace_node_pool"))
