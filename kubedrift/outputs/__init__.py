"""How `kubedrift evaluate` writes findings: table, JSON, SARIF 2.1.0 and JUnit XML.

Each module turns the same `EvaluationReport` into text, purely. `render(report, fmt)` picks
one; `summarize` computes the totals every format shows.
"""

from __future__ import annotations

from kubedrift.outputs.model import ClusterLabel, EvaluationReport, Summary, summarize

FORMATS = ("table", "json", "sarif", "junit")


def render(report: EvaluationReport, fmt: str, *, locale: str = "en") -> str:
    """The report as text in format `fmt` (one of `FORMATS`); `locale` words the table."""
    if fmt == "table":
        from kubedrift.outputs.table import render_table

        return render_table(report, locale)
    if fmt == "json":
        from kubedrift.outputs.json_out import render_json

        return render_json(report)
    if fmt == "sarif":
        from kubedrift.outputs.sarif import render_sarif

        return render_sarif(report)
    if fmt == "junit":
        from kubedrift.outputs.junit import render_junit

        return render_junit(report)
    raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "ClusterLabel", "EvaluationReport", "Summary", "render", "summarize"]
