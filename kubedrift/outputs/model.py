"""The input every output format renders: findings, the clusters evaluated, the gate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kubedrift.model.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class ClusterLabel:
    """How a cluster is named in output: its key, name and plan group (None: no group)."""

    key: str
    name: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    clusters: int
    clusters_with_findings: int
    findings: int
    waived: int
    by_severity: dict[str, int]
    by_rule: dict[str, int]
    fail_on: Severity | None
    failing: int

    @property
    def failed(self) -> bool:
        return self.failing > 0

    def as_json(self) -> dict[str, object]:
        return {
            "clusters": self.clusters,
            "clusters_with_findings": self.clusters_with_findings,
            "findings": self.findings,
            "unwaived": self.findings - self.waived,
            "waived": self.waived,
            "by_severity": self.by_severity,
            "by_rule": self.by_rule,
            "fail_on": None if self.fail_on is None else self.fail_on.value,
            "failing": self.failing,
            "failed": self.failed,
        }


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Findings (sorted as the engine returns them) and the context to show them in."""

    findings: Sequence[Finding]
    clusters: Sequence[ClusterLabel]
    now: datetime
    fail_on: Severity | None = None
    plan_file: str | None = None
    inventory_file: str | None = None
    summary: Summary = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", summarize(self.findings, self.clusters, self.fail_on))

    def fails(self, finding: Finding) -> bool:
        """Unwaived and at or above the gate (every unwaived finding without a gate)."""
        if finding.waived:
            return False
        return self.fail_on is None or finding.severity >= self.fail_on


def summarize(
    findings: Sequence[Finding], clusters: Sequence[ClusterLabel], fail_on: Severity | None
) -> Summary:
    """Totals: unwaived findings per severity and per rule; how many fail the gate."""
    open_ = [f for f in findings if not f.waived]
    severities = Counter(f.severity for f in open_)
    rules = Counter(f.key.rule for f in open_)
    failing = 0 if fail_on is None else sum(1 for f in open_ if f.severity >= fail_on)
    return Summary(
        clusters=len(clusters),
        clusters_with_findings=len({f.key.cluster for f in open_}),
        findings=len(findings),
        waived=len(findings) - len(open_),
        by_severity={s.value: severities.get(s, 0) for s in reversed(Severity)},
        by_rule=dict(sorted(rules.items())),
        fail_on=fail_on,
        failing=failing,
    )
