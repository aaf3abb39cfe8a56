"""Findings: what the policy engine concludes about a cluster, and how to fix it."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from kubedrift.model.base import Frozen
from kubedrift.model.upgrade_parts import AddonDecision, NodeStrategyChoice


class Severity(StrEnum):
    """Ordered severities: info < low < medium < high < critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    # str already defines every comparison (alphabetical), so functools.total_ordering
    # would keep three of them: all four are spelled out.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    @classmethod
    def parse(cls, raw: str) -> Severity:
        """The severity named by `raw` (case-insensitive), or ValueError listing the choices."""
        try:
            return cls(raw.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"expected one of {choices}, found {raw!r}") from None


_RANKS = {s: i for i, s in enumerate(Severity)}


class FindingKey(Frozen):
    """Identity of a finding across cycles: the cluster, the rule and the component."""

    cluster: str = Field(min_length=1)
    rule: str = Field(min_length=1)
    component: str = Field(min_length=1)

    def __str__(self) -> str:
        return f"{self.cluster}|{self.rule}|{self.component}"


StepAction = Literal[
    "upgrade_control_plane", "upgrade_node_pool", "upgrade_addon", "replace_node_pool", "manual"
]


class UpgradeStep(Frozen):
    """One change in an upgrade path, in the order it must be made.

    The upgrade-path planner also fills: `addons`, every add-on classed for a control-plane
    step (required / optional / not needed at that minor); `strategy`, in-place or
    replacement for a node-pool step; `blocked_by`, why this step cannot be taken as planned
    (the provider does not offer it); `warnings`, what could not be checked.
    """

    order: int = Field(ge=1)
    action: StepAction
    component: str
    from_version: str | None
    to_version: str
    reason: str
    addons: tuple[AddonDecision, ...] = ()
    strategy: NodeStrategyChoice | None = None
    blocked_by: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


class Remedy(Frozen):
    """How to resolve a finding: a sentence and, where it is an upgrade, the steps."""

    summary: str
    steps: tuple[UpgradeStep, ...] = ()
    docs: str | None = None


class Finding(Frozen):
    """One policy violation (or undeterminable fact) about one component of one cluster."""

    key: FindingKey
    severity: Severity
    summary: str
    observed: str | None = None
    expected: str | None = None
    remedy: Remedy | None = None
    waived_by: str | None = None

    @property
    def waived(self) -> bool:
        return self.waived_by is not None

    @property
    def upgrade_worthy(self) -> bool:
        """Unwaived, above info, and remedied by an upgrade: what enforcers act on."""
        return (
            not self.waived
            and self.severity.rank > 0
            and self.remedy is not None
            and bool(self.remedy.steps)
        )
