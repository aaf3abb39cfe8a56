"""SARIF 2.1.0 output, for code-scanning dashboards (GitHub, GitLab).

One run; the tool's rules are every kubedrift rule (id, title, rationale, docs link, default
level). A finding is a result located logically at `<cluster key>/<component>` (clusters are
not files); its stable key is the partial fingerprint, so dashboards track it across runs. A
waived finding carries an external suppression naming the waiver.
"""

from __future__ import annotations

import json
from typing import Any

from kubedrift import __version__
from kubedrift.model.findings import Finding, Severity
from kubedrift.outputs.model import EvaluationReport
from kubedrift.policies.rules.base import RuleInfo
from kubedrift.policies.rules.registry import all_rule_infos

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub ranks code-scanning alerts by this property (CVSS-like, 0.0 - 10.0).
_SECURITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "7.5",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}
_HOME = "https://github.com/kubedrift/kubedrift/blob/main/"


def _rule(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": "".join(part.capitalize() for part in info.id.split("-")),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.rationale},
        "helpUri": _HOME + info.docs,
        "defaultConfiguration": {"level": _LEVELS[info.severity]},
        "properties": {"severity": info.severity.value, "family": info.family},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    key = finding.key
    message = finding.summary
    if finding.remedy is not None:
        message += f" Fix: {finding.remedy.summary}."
    result: dict[str, Any] = {
        "ruleId": key.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "logicalLocations": [
                    {
                        "name": key.component,
                        "fullyQualifiedName": f"{key.cluster}/{key.component}",
                        "kind": "resource",
                    }
                ]
            }
        ],
        "partialFingerprints": {"kubedriftFindingKey/v1": str(key)},
        "properties": {
            "cluster": key.cluster,
            "severity": finding.severity.value,
            "security-severity": _SECURITY[finding.severity],
            "observed": finding.observed,
            "expected": finding.expected,
        },
    }
    if key.rule in index:
        result["ruleIndex"] = index[key.rule]
    if finding.waived:
        result["suppressions"] = [
            {"kind": "external", "justification": f"waived by {finding.waived_by}"}
        ]
    return result


def render_sarif(report: EvaluationReport) -> str:
    infos = all_rule_infos()
    index = {info.id: i for i, info in enumerate(infos)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kubedrift",
                "version": __version__,
                "informationUri": "https://github.com/kubedrift/kubedrift",
                "rules": [_rule(info) for info in infos],
            }
        },
        "results": [_result(f, index) for f in report.findings],
        "invocations": [
            {
                "executionSuccessful": True,
                "endTimeUtc": report.now.isoformat(),
                "properties": report.summary.as_json(),
            }
        ],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
