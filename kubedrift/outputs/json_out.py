"""JSON output: `{"findings": [...], "summary": {...}}`, one object per finding.

Every finding carries exactly `cluster, rule, component, severity, summary, observed,
expected, remedy, waived_by`; `remedy` is `{summary, steps, docs}` with the planner's steps
(each with its add-on classification) or null.
"""

from __future__ import annotations

import json
from typing import Any

from kubedrift.model.findings import Finding
from kubedrift.outputs.model import EvaluationReport


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "cluster": finding.key.cluster,
        "rule": finding.key.rule,
        "component": finding.key.component,
        "severity": finding.severity.value,
        "summary": finding.summary,
        "observed": finding.observed,
        "expected": finding.expected,
        "remedy": None if finding.remedy is None else finding.remedy.model_dump(mode="json"),
        "waived_by": finding.waived_by,
    }


def render_json(report: EvaluationReport) -> str:
    document = {
        "findings": [finding_json(f) for f in report.findings],
        "summary": {"evaluated_at": report.now.isoformat(), **report.summary.as_json()},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
