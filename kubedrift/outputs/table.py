"""The table: findings grouped by cluster, every line at most 100 columns.

Per cluster a header (name, key, plan group), then one block per finding: severity, rule and
component on the first line, the summary wrapped below, observed / expected, the fix. The
upgrade steps of a cluster are printed once after its findings (several findings share one
path), each step with its add-on classes (required / optional / not needed, target, why).
A summary line ends the table. In `en` or `zh-CN` (`table_words`); English wraps with
`textwrap`, Chinese by display columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence

from kubedrift.model.findings import Finding, UpgradeStep
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.outputs.model import ClusterLabel, EvaluationReport
from kubedrift.outputs.table_words import Words, columns, words
from kubedrift.outputs.table_words import wrap as wrap_columns

WIDTH = 100
_BODY = " " * 12


def _wrap(text: str, first: str, rest: str = _BODY, *, w: Words | None = None) -> list[str]:
    if w is not None and w.locale != "en":
        return wrap_columns(text, WIDTH, first, rest)
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=True,
    ) or [first.rstrip()]


def _finding_lines(finding: Finding, w: Words) -> list[str]:
    severity = finding.severity.value
    label = w.t(severity)
    if finding.waived:
        label = w.t("waived")
    head = f"  {label:<{9 - _wide(label)}} {finding.key.rule}  {finding.key.component}"
    lines = _wrap(head, "", _BODY, w=w)
    lines += _wrap(w.finding_text(finding), _BODY, w=w)
    facts = []
    if finding.observed is not None:
        facts.append(w.t("observed", value=finding.observed))
    if finding.expected is not None:
        facts.append(w.t("expected", value=w.expected(finding.expected)))
    if facts:
        lines += _wrap(w.t("facts_sep").join(facts), _BODY, w=w)
    if finding.waived:
        shown = severity if w.locale == "en" else w.t(severity)
        lines += _wrap(w.t("waived_by", waiver=finding.waived_by, severity=shown), _BODY, w=w)
    elif finding.remedy is not None:
        fix = w.remedy(finding.remedy.summary)
        if finding.remedy.steps:
            fix += w.t("steps_below")
        lines += _wrap(w.t("fix", fix=fix), _BODY, w=w)
    return lines


def _wide(text: str) -> int:
    """How many more columns than characters `text` takes (so labels align)."""
    return columns(text) - len(text)


def _addon_line(decision: AddonDecision, w: Words) -> list[str]:
    move = decision.from_version or "?"
    if decision.to_version and decision.to_version != decision.from_version:
        move += f" -> {decision.to_version}"
    text = f"{w.t(decision.need.value)} {decision.name} {move}: {w.planner(decision.reason)}"
    return _wrap(text, "        " + w.t("addon"), " " * 15, w=w)


def _step_lines(step: UpgradeStep, w: Words) -> list[str]:
    action = w.t(step.action) if step.action in w.strings else step.action
    head = (
        f"    {step.order:>2}. {action} {step.component} "
        f"{step.from_version or w.t('unknown')} -> {step.to_version}"
    )
    lines = _wrap(head, "", " " * 8, w=w)
    lines += _wrap(w.planner(step.reason), " " * 8, " " * 8, w=w)
    if step.strategy is not None:
        chosen = w.t(step.strategy.strategy.value)
        how = f"{chosen}: {w.planner(step.strategy.reason)}"
        lines += _wrap(how, "        " + w.t("how"), " " * 12, w=w)
    for decision in step.addons:
        lines += _addon_line(decision, w)
    for blocked in step.blocked_by:
        lines += _wrap(w.planner(blocked), "        " + w.t("blocked"), " " * 16, w=w)
    for warning in step.warnings:
        lines += _wrap(w.planner(warning), "        " + w.t("warning"), " " * 16, w=w)
    return lines


def _header(label: ClusterLabel | None, key: str, w: Words) -> list[str]:
    if label is None:
        return _wrap(key, "", "    ", w=w)
    group = w.t("group", group=label.group) if label.group else w.t("no_group")
    opening, closing = ("（", "）") if w.locale != "en" else ("(", ")")
    return _wrap(f"{label.name}  {key}  {opening}{group}{closing}", "", "    ", w=w)


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


def render_table(report: EvaluationReport, locale: str = "en") -> str:
    w = words(locale)
    labels = {c.key: c for c in report.clusters}
    lines: list[str] = []
    for key, findings in _blocks(report):
        lines += _header(labels.get(key), key, w)
        for finding in findings:
            lines += _finding_lines(finding, w)
        for steps in _paths(findings):
            planes = [s for s in steps if s.action == "upgrade_control_plane"]
            target = (planes or list(steps))[-1].to_version
            lines.append(w.t("steps", target=target))
            for step in steps:
                lines += _step_lines(step, w)
        lines.append("")
    clean = [c for c in report.clusters if c.key not in {f.key.cluster for f in report.findings}]
    if clean:
        names = ", ".join(c.name for c in clean)
        lines += _wrap(w.t("clean", names=names), "", "    ", w=w)
        lines.append("")
    lines += _summary_lines(report, w)
    return "\n".join(lines) + "\n"


def _summary_lines(report: EvaluationReport, w: Words) -> list[str]:
    s = report.summary
    counts = w.t("counts_sep").join(
        w.t("count", n=n, severity=sev if w.locale == "en" else w.t(sev))
        for sev, n in s.by_severity.items()
        if n
    ) or w.t("no_counts")
    text = w.t(
        "summary",
        clusters=s.clusters,
        with_findings=s.clusters_with_findings,
        findings=s.findings - s.waived,
        counts=counts,
        waived=s.waived,
    )
    if s.fail_on is not None:
        verdict = w.t("verdict_fail") if s.failed else w.t("verdict_ok")
        text += w.t("fail_on", severity=s.fail_on.value, verdict=verdict, failing=s.failing)
    return _wrap(text, "", "", w=w)
