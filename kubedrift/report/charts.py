"""The report's charts: matplotlib figures (object API, no pyplot or GUI backend) as inline SVG.

Deterministic: no date or creator in the metadata, and clip-path ids hashed from a fixed salt
per chart (so two charts on one page never share an id), so the same report renders the same
bytes. Text stays text (`svg.fonttype: none`): the page's fonts draw it, CJK included.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from kubedrift.report.data.models import BUCKETS, WeeklyReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

# Fonts matplotlib measures text with; the browser or weasyprint draws it with the page's own.
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC")
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#84cc16", "#64748b")
SEVERITY_COLOURS = {
    "critical": "#991b1b",
    "high": "#ef4444",
    "medium": "#f59e0b",
    "low": "#fcd34d",
    "info": "#94a3b8",
}
BUCKET_COLOURS = ("#991b1b", "#ef4444", "#f59e0b", "#fcd34d", "#10b981", "#94a3b8")


@cache
def _font_family() -> tuple[str, ...]:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in CJK_FONTS if name in installed))


@contextmanager
def _figure(salt: str, height: float) -> Iterator[Figure]:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": f"kubedrift-{salt}",
            "font.family": list(_font_family()),
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        yield Figure(figsize=(7.2, height), layout="constrained")


def _svg(figure: Figure, name: str) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Without a CJK font installed matplotlib cannot measure Chinese glyphs and warns per
        # glyph. The SVG keeps the text as text and the page's fonts draw it, so only the
        # label spacing is approximate; the PDF path needs the font anyway (see docs/report.md).
        warnings.filterwarnings(
            "ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning
        )
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # Inline in HTML: drop the XML prolog and doctype, and let CSS size the chart.
    text = text[text.index("<svg") :]
    # matplotlib names groups `figure_1`, `axes_1`... in every chart: prefix every id and
    # reference so ids stay unique on a page with several charts.
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = re.sub(r"(url\(#|href=\"#)([^\")]+)", rf"\1{name}-\2", text)
    return re.sub(
        r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 class="chart"', text, count=1
    )


def trend_chart(report: WeeklyReport, label: Callable[[str], str]) -> str:
    """The fleet's and each provider's weekly score over 12 weeks (weeks without clusters are
    gaps, not zeros)."""
    with _figure("trend", 2.6) as figure:
        axes = figure.add_subplot()
        series = [report.compliance.fleet, *report.compliance.providers]
        # Each week is labelled by its first day.
        ticks = [p.start.strftime("%m-%d") for p in report.compliance.fleet.points]
        for index, line in enumerate(series):
            values = [
                100 * r if (r := p.score.ratio) is not None else float("nan") for p in line.points
            ]
            fleet = index == 0
            axes.plot(
                range(len(values)),
                values,
                marker="o",
                markersize=3,
                linewidth=2.2 if fleet else 1.2,
                color=PALETTE[index % len(PALETTE)],
                label=label("fleet") if fleet else line.name,
            )
        axes.set_xticks(range(len(ticks)), ticks)
        axes.set_ylim(0, 105)
        axes.set_ylabel("%")
        axes.grid(axis="y", alpha=0.3)
        axes.legend(loc="lower left", frameon=False, ncols=len(series))
        return _svg(figure, "trend")


def versions_chart(report: WeeklyReport) -> str:
    """Clusters per Kubernetes minor, one horizontal bar per provider."""
    providers = sorted({v.provider for v in report.versions})
    minors = sorted({v.minor for v in report.versions}, key=_minor_order)
    counts = {(v.provider, v.minor): v.clusters for v in report.versions}
    with _figure("versions", 0.6 + 0.45 * max(len(providers), 1)) as figure:
        axes = figure.add_subplot()
        left = [0] * len(providers)
        for index, minor in enumerate(minors):
            widths = [counts.get((p, minor), 0) for p in providers]
            bars = axes.barh(
                providers, widths, left=left, color=PALETTE[index % len(PALETTE)], label=minor
            )
            axes.bar_label(
                bars,
                labels=[minor if w else "" for w in widths],
                label_type="center",
                color="white",
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(_whole_numbers())
        return _svg(figure, "versions")


def forecast_chart(report: WeeklyReport, label: Callable[[str], str]) -> str:
    """Clusters per end-of-support bucket."""
    counts = report.forecast.counts
    with _figure("forecast", 2.2) as figure:
        axes = figure.add_subplot()
        names = [label(f"bucket.{b}") for b in BUCKETS]
        bars = axes.bar(names, [counts[b] for b in BUCKETS], color=BUCKET_COLOURS)
        axes.bar_label(bars)
        axes.yaxis.set_major_locator(_whole_numbers())
        return _svg(figure, "forecast")


def teams_chart(report: WeeklyReport, label: Callable[[str], str]) -> str:
    """Open drift per team, stacked by severity."""
    teams = list(report.teams)
    names = [t.group or label("no_group") for t in teams]
    with _figure("teams", 0.6 + 0.4 * max(len(teams), 1)) as figure:
        axes = figure.add_subplot()
        left = [0] * len(teams)
        for severity, colour in SEVERITY_COLOURS.items():
            widths = [
                sum(n for s, n in t.by_severity.items() if s.value == severity) for t in teams
            ]
            if any(widths):
                axes.barh(
                    names, widths, left=left, color=colour, label=label(f"severity.{severity}")
                )
                left = [a + b for a, b in zip(left, widths, strict=True)]
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(_whole_numbers())
        if any(left):
            # Outside the axes: inside, it would cover the longest bar.
            figure.legend(loc="outside right upper", frameon=False)
        return _svg(figure, "teams")


def _whole_numbers() -> MaxNLocator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _minor_order(minor: str) -> tuple[int, ...]:
    return tuple(map(int, minor.split("."))) if minor != "unknown" else (10**6,)


def all_charts(report: WeeklyReport, label: Callable[[str], str]) -> dict[str, str]:
    return {
        "trend": trend_chart(report, label),
        "versions": versions_chart(report),
        "forecast": forecast_chart(report, label),
        "teams": teams_chart(report, label),
    }
