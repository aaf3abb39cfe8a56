"""JUnit XML output, for CI systems that show test reports (GitLab, Jenkins).

One test suite per cluster; one test case per finding (`<rule> <component>`), failed when it
fails the gate (unwaived and at or above `--fail-on`; every unwaived finding without a gate),
skipped when waived, passed (with the finding in system-out) below the gate. A cluster
without findings is one passing test case, so every evaluated cluster shows up.
"""

from __future__ import annotations

# Only builds and writes XML; never parses any.
import xml.etree.ElementTree as ET  # nosec B405

from kubedrift.model.findings import Finding
from kubedrift.outputs.model import EvaluationReport


def _details(finding: Finding) -> str:
    lines = [finding.summary]
    if finding.observed is not None:
        lines.append(f"observed: {finding.observed}")
    if finding.expected is not None:
        lines.append(f"expected: {finding.expected}")
    if finding.remedy is not None:
        lines.append(f"fix: {finding.remedy.summary}")
        lines += [
            f"  {s.order}. {s.action} {s.component} {s.from_version or '?'} -> {s.to_version}"
            for s in finding.remedy.steps
        ]
    return "\n".join(lines)


def render_junit(report: EvaluationReport) -> str:
    by_cluster: dict[str, list[Finding]] = {c.key: [] for c in report.clusters}
    for finding in report.findings:
        by_cluster.setdefault(finding.key.cluster, []).append(finding)
    names = {c.key: c.name for c in report.clusters}
    root = ET.Element("testsuites", name="kubedrift evaluate")
    total = failures = skipped = 0
    for key, findings in by_cluster.items():
        suite = ET.SubElement(root, "testsuite", name=key)
        suite.set("timestamp", report.now.isoformat())
        if key in names:
            ET.SubElement(
                ET.SubElement(suite, "properties"), "property", name="cluster", value=names[key]
            )
        s_fail = s_skip = 0
        if not findings:
            ET.SubElement(suite, "testcase", classname=key, name="compliant")
        for finding in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=key,
                name=f"{finding.key.rule} {finding.key.component}",
            )
            if finding.waived:
                s_skip += 1
                ET.SubElement(case, "skipped", message=f"waived by {finding.waived_by}")
            elif report.fails(finding):
                s_fail += 1
                failure = ET.SubElement(
                    case, "failure", message=finding.summary, type=finding.severity.value
                )
                failure.text = _details(finding)
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"[{finding.severity.value}] {_details(finding)}"
        cases = max(len(findings), 1)
        suite.set("tests", str(cases))
        suite.set("failures", str(s_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skip))
        total, failures, skipped = total + cases, failures + s_fail, skipped + s_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
