"""The table: findings grouped by cluster, every line at most 100 columns.

Per cluster a header (name, key, plan group), then one block per finding: severity, rule and
component on the first line, the summary wrapped below, observed / expected, the fix. The
upgrade steps of a cluster are printed once after its findings (several findings share one
path), each step with its add-on classes (required / optional / not needed, target, why).
A summary line ends the table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence

from kubedrift.model.findings import Finding, UpgradeStep
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.outputs.model import ClusterLabel, EvaluationReport

WIDTH = 100
_BODY = " " * 12
_ACTIONS = {
    "upgrade_control_plane": "control plane",
    "upgrade_node_pool": "node pool",
    "replace_node_pool": "replace pool",
    "upgrade_addon": "add-on",
    "manual": "manual",
}
_NEED = {"required": "REQUIRED", "optional": "optional", "not_needed": "not needed"}


def _wrap(text: str, first: str, rest: str = _BODY) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=True,
    ) or [first.rstrip()]


def _finding_lines(finding: Finding) -> list[str]:
    severity = finding.severity.value
    label = severity.upper() if finding.severity.rank >= 3 else severity
    if finding.waived:
        label = "waived"
    head = f"  {label:<9} {finding.key.rule}  {finding.key.component}"
    lines = _wrap(head, "", _BODY)
    lines += _wrap(finding.summary, _BODY)
    facts = []
    if finding.observed is not None:
        facts.append(f"observed {finding.observed}")
    if finding.expected is not None:
        facts.append(f"expected {finding.expected}")
    if facts:
        lines += _wrap(" | ".join(facts), _BODY)
    if finding.waived:
        lines += _wrap(f"waived by {finding.waived_by} ({severity})", _BODY)
    elif finding.remedy is not None:
        fix = finding.remedy.summary
        if finding.remedy.steps:
            fix += " (steps below)"
        lines += _wrap(f"fix: {fix}", _BODY)
    return lines


def _addon_line(decision: AddonDecision) -> list[str]:
    move = decision.from_version or "?"
    if decision.to_version and decision.to_version != decision.from_version:
        move += f" -> {decision.to_version}"
    text = f"{_NEED[decision.need.value]} {decision.name} {move}: {decision.reason}"
    return _wrap(text, "        add-on ", " " * 15)


def _step_lines(step: UpgradeStep) -> list[str]:
    head = (
        f"    {step.order:>2}. {_ACTIONS.get(step.action, step.action)} {step.component} "
        f"{step.from_version or 'unknown'} -> {step.to_version}"
    )
    lines = _wrap(head, "", " " * 8)
    lines += _wrap(step.reason, " " * 8, " " * 8)
    if step.strategy is not None:
        how = f"{step.strategy.strategy.value.replace('_', '-')}: {step.strategy.reason}"
        lines += _wrap(how, "        how ", " " * 12)
    for decision in step.addons:
        lines += _addon_line(decision)
    for blocked in step.blocked_by:
        lines += _wrap(blocked, "        BLOCKED ", " " * 16)
    for warning in step.warnings:
        lines += _wrap(warning, "        warning ", " " * 16)
    return lines


def _header(label: ClusterLabel | None, key: str) -> list[str]:
    if label is None:
        return _wrap(key, "", "    ")
    group = f"group {label.group}" if label.group else "no plan group"
    return _wrap(f"{label.name}  {key}  ({group})", "", "    ")


def _blocks(report: EvaluationReport) -> Iterator[tuple[str, list[Finding]]]:
    current: str | None = None
    bucket: list[Finding] = []
    for finding in report.findings:
        if finding.key.cluster != current:
            if current is not None:
                yield current, bucket
            current, bucket = finding.key.cluster, []
        bucket.append(finding)
    if current is not None:
        yield current, bucket


def _paths(findings: Sequence[Finding]) -> list[tuple[UpgradeStep, ...]]:
    seen: list[tuple[UpgradeStep, ...]] = []
    for finding in findings:
        if finding.waived or finding.remedy is None or not finding.remedy.steps:
            continue
        if finding.remedy.steps not in seen:
            seen.append(finding.remedy.steps)
    return seen


def render_table(report: EvaluationReport) -> str:
    labels = {c.key: c for c in report.clusters}
    lines: list[str] = []
    for key, findings in _blocks(report):
        lines += _header(labels.get(key), key)
        for finding in findings:
            lines += _finding_lines(finding)
        for steps in _paths(findings):
            planes = [s for s in steps if s.action == "upgrade_control_plane"]
            target = (planes or list(steps))[-1].to_version
            lines.append(f"  upgrade steps (to {target}):")
            for step in steps:
                lines += _step_lines(step)
        lines.append("")
    clean = [c for c in report.clusters if c.key not in {f.key.cluster for f in report.findings}]
    if clean:
        names = ", ".join(c.name for c in clean)
        lines += _wrap(f"no findings: {names}", "", "    ")
        lines.append("")
    lines += _summary_lines(report)
    return "\n".join(lines) + "\n"


def _summary_lines(report: EvaluationReport) -> list[str]:
    s = report.summary
    counts = ", ".join(f"{n} {sev}" for sev, n in s.by_severity.items() if n) or "none"
    text = (
        f"{s.clusters} clusters, {s.clusters_with_findings} with findings; "
        f"{s.findings - s.waived} findings ({counts}), {s.waived} waived"
    )
    if s.fail_on is not None:
        verdict = "FAIL" if s.failed else "pass"
        text += f"; --fail-on {s.fail_on.value}: {verdict} ({s.failing} at or above)"
    return _wrap(text, "", "")
