"""Render a `WeeklyReport` as a self-contained HTML page (inline SVG charts, inline CSS) or as
Markdown for chat, in `en` or `zh-CN`. jinja2 and matplotlib are imported on first use."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from kubedrift.report.data.models import BUCKETS, WeeklyReport
from kubedrift.report.i18n import Phrases

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def _environment(autoescape: bool) -> Environment:
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    folder = files("kubedrift.report") / "templates"

    def load(name: str) -> str:
        return (folder / name).read_text(encoding="utf-8")

    # Autoescape is on for the HTML template, off only for the Markdown one.
    return Environment(  # nosec B701
        loader=FunctionLoader(load),
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _context(report: WeeklyReport, locale: str) -> dict[str, Any]:
    from datetime import timedelta

    phrases = Phrases(locale)
    return {
        "r": report,
        "c": report.compliance,
        "t": phrases,
        "first_day": phrases.day(report.since),
        # `until` is exclusive: the last day shown is the one before it ends.
        "last_day": phrases.day(report.until - timedelta(microseconds=1)),
        "changes": sum(len(u.changes) for u in report.upgrades),
        "buckets": BUCKETS,
        "failing": [s for s in report.health.sources if s.failing],
    }


def render_html(report: WeeklyReport, locale: str = "en") -> str:
    from kubedrift.report.charts import all_charts

    context = _context(report, locale)
    context["window"] = f"{context['first_day']} \u2013 {context['last_day']}"
    context["charts"] = all_charts(report, context["t"])
    return _environment(True).get_template("weekly.html.j2").render(context)


def render_markdown(report: WeeklyReport, locale: str = "en") -> str:
    return _environment(False).get_template("weekly.md.j2").render(_context(report, locale))
