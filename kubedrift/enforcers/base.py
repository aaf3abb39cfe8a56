"""What every enforcer takes and returns, the `Enforcer` protocol, and the registry.

A `ChangeRequest` is one proposed step of one cluster's upgrade path. Its `key` is derived
from the cluster, the component and the *target* version of the drift, not from the step:
while a cluster walks 1.28 -> 1.29 -> 1.30 towards 1.30, every proposal for its control plane
has the same key, so the same pull request is updated instead of a second one opened.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, computed_field

from kubedrift.model.base import Frozen
from kubedrift.model.findings import FindingKey, UpgradeStep
from kubedrift.model.inventory import ClusterRef
from kubedrift.model.upgrades import UpgradePath
from kubedrift.registry import Registry

ChangeStatus = Literal[
    "opened",  # a new pull request (counts against the per-run cap)
    "updated",  # an existing one now proposes a different step, or its text changed
    "unchanged",  # the same proposal is already open: nothing was written anywhere
    "in_sync",  # the repository already pins the step's version: nothing to propose
    "deferred",  # the per-run cap on new pull requests was reached; tried again next run
    "dry_run",  # nothing written; `diff` holds what would be proposed
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str) -> str:
    """`text` made safe for a git ref component: `ack/cn-hangzhou/c1` -> `ack-cn-hangzhou-c1`."""
    return _UNSAFE.sub("-", text).strip("-.") or "x"


class ChangeRequest(Frozen):
    """Propose `step` (the next one of the path) for one component of one cluster.

    `target_version` is where the drift ends (the plan's target for this component);
    `remaining` renders the rest of the path for the pull request's description.
    """

    cluster: ClusterRef
    component: str = Field(min_length=1)
    target_version: str = Field(min_length=1)
    step: UpgradeStep
    finding: FindingKey | None = None
    remaining: tuple[str, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        """Stable identity of the proposal: cluster key, component and target version."""
        return f"{self.cluster.key}|{self.component}|{self.target_version}"

    @property
    def branch_suffix(self) -> str:
        """`<cluster>/<component>/<target>` with each part safe for a git ref."""
        parts = (self.cluster.key, self.component, self.target_version)
        return "/".join(slug(p) for p in parts)

    @classmethod
    def next_step(
        cls, cluster: ClusterRef, path: UpgradePath, finding: FindingKey | None = None
    ) -> ChangeRequest | None:
        """The proposal for the path's first step, or None when there is nothing to propose.

        Only the first step is ever proposed: later ones depend on it (a node pool cannot
        follow a control plane that has not moved), and a blocked first step stops the
        path, because proposing past it would skip what blocks it.
        """
        if not path.steps or path.steps[0].blocked_by or path.blocked_by:
            return None
        step = path.steps[0]
        if step.action == "manual":
            return None
        same = [s for s in path.steps if s.component == step.component]
        return cls(
            cluster=cluster,
            component=step.component,
            target_version=same[-1].to_version,
            step=step,
            finding=finding,
            remaining=tuple(
                f"{s.component}: {s.from_version or '?'} -> {s.to_version}" for s in path.steps[1:]
            ),
        )


class ChangeRef(Frozen):
    """Where a proposal lives (or would live) and what this call did to it."""

    key: str
    status: ChangeStatus
    branch: str | None = None
    url: str | None = None
    number: int | None = None
    commit: str | None = None
    diff: str | None = None
    message: str | None = None


class EnforcerConfig(BaseModel):
    """Base of every enforcer's settings block; unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dry_run: bool = False
    # New pull requests / tickets per run; updates of open ones are not counted.
    max_new_per_run: int = Field(default=5, ge=0)


@runtime_checkable
class Enforcer(Protocol):
    """Turns a `ChangeRequest` into a proposal; idempotent on `change.key`; never applies."""

    Config: ClassVar[type[EnforcerConfig]]

    def propose(self, change: ChangeRequest) -> ChangeRef: ...

    def new_run(self) -> None:
        """Start a run: the per-run cap counts from here."""


ENFORCERS: Registry[object] = Registry(
    "enforcers",
    {"terraform_pr": "kubedrift.enforcers.terraform_pr:TerraformPrEnforcer"},
    extras={"terraform_pr": "terraform"},
)
