"""What every enforcer takes and returns, the `Enforcer` protocol, and the registry.

Both kinds of enforcer (Terraform pull requests, upgrade tickets) take the same thing, a
`ClusterDrift` (one cluster, its target, its findings and planned path), and answer with
`Proposal`s. `propose(drift)` opens or updates what the drift needs; `resolve(drift)` closes,
with a comment saying why, whatever is still open for a cluster that reached its target.

A `ChangeRequest` is one proposed step of one cluster's upgrade path. Its `key` is the
cluster and the component only, never a version: while a cluster walks 1.28 -> 1.29 -> 1.30,
and when the plan's target or the provider's newest patch moves, every proposal for its
control plane has the same key and branch, so the one pull request is updated instead of a
second one opened.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, computed_field

from kubedrift.model.base import Frozen
from kubedrift.model.findings import Finding, FindingKey, UpgradeStep
from kubedrift.model.inventory import ClusterInventory, ClusterRef
from kubedrift.model.upgrades import UpgradePath
from kubedrift.registry import Registry
from kubedrift.versions import MinorVersion

ProposalKind = Literal["pull_request", "ticket"]

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
        """Stable identity of the proposal: cluster key and component (see the module doc)."""
        return f"{self.cluster.key}|{self.component}"

    @property
    def branch_suffix(self) -> str:
        """`<cluster>/<component>` with each part safe for a git ref."""
        return f"{cluster_branch(self.cluster)}/{slug(self.component)}"

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


def cluster_branch(cluster: ClusterRef) -> str:
    """The part of every proposal branch of `cluster` that names it."""
    return slug(cluster.key)


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

    dry_run: bool = Field(default=False, description="print what would change, change nothing")
    max_new_per_run: int = Field(
        default=5,
        ge=0,
        description="new pull requests / tickets per run; updates of open ones do not count",
    )


def upgrade_worthy(finding: Finding) -> bool:
    """An unwaived finding above info whose remedy is an upgrade."""
    return finding.upgrade_worthy


class ClusterDrift(Frozen):
    """One cluster the plan gives a target minor, and what the run found about it.

    `path` is None when nothing upgrade-worthy is open: then there is nothing to propose.
    `held` says why its rollout wave holds a drifted cluster (its path is then not planned:
    nothing is proposed, and nothing closed either).
    """

    inventory: ClusterInventory
    target: MinorVersion
    findings: tuple[Finding, ...] = ()
    path: UpgradePath | None = None
    held: str | None = None

    @property
    def drifted(self) -> bool:
        return self.path is not None

    @property
    def cluster(self) -> ClusterRef:
        return self.inventory.ref


class Proposal(Frozen):
    """What one enforcer did (or would do) to one proposal: a pull request or a ticket.

    `status` is a `ChangeStatus` or a ticket status, or "skipped" (nothing proposable, `detail`
    says why); `detail` holds the diff or the ticket on a dry run, else a short message.
    """

    key: str
    kind: ProposalKind
    status: str
    url: str | None = None
    detail: str | None = None


@runtime_checkable
class Enforcer(Protocol):
    """Turns drift into proposals; idempotent on their keys; never applies anything."""

    Config: ClassVar[type[EnforcerConfig]]
    kind: ClassVar[ProposalKind]

    def new_run(self) -> None:
        """Start a run: the per-run cap on new proposals counts from here."""

    def propose(self, drift: ClusterDrift) -> Proposal:
        """Open, update or reopen the proposal `drift` needs (raises `KubedriftError`)."""

    def resolve(self, drift: ClusterDrift) -> list[Proposal]:
        """Close, with a comment, what is still open for a cluster that no longer drifts."""


ENFORCERS: Registry[object] = Registry(
    "enforcers",
    {
        "terraform_pr": "kubedrift.enforcers.terraform_pr:TerraformPrEnforcer",
        "ticket": "kubedrift.enforcers.tickets:TicketEnforcer",
    },
    extras={"terraform_pr": "terraform"},
)
