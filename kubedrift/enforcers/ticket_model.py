"""The upgrade ticket as data: the models `ticket_content` builds and `ticket_render` words.

Free text in these models is the planner's own (English); everything a template words in
each language is a code (`CheckId`, `StepKind`, `NodeStrategy`) or a finding's rule id.
"""

from __future__ import annotations

from typing import Literal

from kubedrift.model.base import Frozen
from kubedrift.model.findings import Severity
from kubedrift.model.inventory import ClusterRef
from kubedrift.model.upgrade_parts import NodeStrategy

CheckStatus = Literal["pass", "fail", "to_check"]
StepKind = Literal["control_plane", "node_pool", "addon", "manual"]
CheckId = Literal[
    "target_offered",
    "skew_now",
    "skew_path",
    "addons_compatible",
    "removed_apis",
    "pool_versions",
    "nodes_ready",
    "apiservices",
    "etcd_backup",
    "apiserver_lb",
    "network",
    "instances",
    "node_os",
    "kubelet_runtime",
    "capacity",
]
# Checks that need a person whatever kubedrift collected (docs/domain.md, "Pre-upgrade checks").
MANUAL_CHECKS: tuple[CheckId, ...] = (
    "apiservices",
    "etcd_backup",
    "apiserver_lb",
    "network",
    "instances",
    "node_os",
    "kubelet_runtime",
    "capacity",
)


class Evidence(Frozen):
    """One fact behind a check's result: a finding (worded by its rule's title in each
    language) or, when no finding carries it, the planner's sentence."""

    rule: str | None = None
    severity: Severity | None = None
    component: str | None = None
    observed: str | None = None
    expected: str | None = None
    text: str | None = None


class Check(Frozen):
    """One pre-upgrade check. `automatic` checks were answered by kubedrift (or say why they
    could not be); the others are for a person and are always `to_check`."""

    id: CheckId
    status: CheckStatus
    automatic: bool
    evidence: tuple[Evidence, ...] = ()


class Batches(Frozen):
    """A suggested rolling rhythm for one pool step; `nodes` None: the count is unknown."""

    nodes: int | None
    size: int
    count: int | None
    max_unavailable: int
    max_surge: int


class TicketStep(Frozen):
    order: int
    kind: StepKind
    component: str
    name: str
    from_version: str | None
    to_version: str
    reason: str
    jump: bool = False  # a provider's jump over minors it does not release
    strategy: NodeStrategy | None = None
    strategy_reason: str | None = None
    batches: Batches | None = None
    required_addons: tuple[str, ...] = ()  # to move right after this control-plane step
    blocked_by: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


class PoolPlan(Frozen):
    id: str
    name: str
    nodes: int | None
    kubelet: str | None
    strategy: NodeStrategy
    reason: str


class AddonRollback(Frozen):
    name: str
    from_version: str | None
    to_version: str


class Ticket(Frozen):
    key: str
    cluster: ClusterRef
    managed: bool
    current: tuple[str, ...]
    target: str
    final_version: str | None
    steps: tuple[TicketStep, ...]
    checks: tuple[Check, ...]
    pools: tuple[PoolPlan, ...]
    addon_rollback: tuple[AddonRollback, ...]
    drift: tuple[Evidence, ...]  # the cluster's open, unwaived findings
    blocked_by: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def failing(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "fail")


def ticket_key(cluster: ClusterRef) -> str:
    """`ack/cn-hangzhou/c1|upgrade`: one ticket per cluster, whatever its target; when the
    plan's target moves the ticket is updated, not a second one opened."""
    return f"{cluster.key}|upgrade"
