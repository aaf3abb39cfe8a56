"""The short form of a weekly report for chat: title, score and its trend, open drift, the
oldest findings. Sinks that cannot carry the whole report (DingTalk) or that introduce a file
(a Slack upload, an email) say this much and point to the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kubedrift.report.data.models import WeeklyReport
from kubedrift.report.i18n import Phrases

TOP_DRIFT = 3


@dataclass(frozen=True)
class Summary:
    title: str
    window: str
    lines: tuple[str, ...]  # markdown subset: **bold** and plain text

    def text(self) -> str:
        """Plain text (Slack's upload comment, the email's text part)."""
        return "\n".join([f"{self.title} · {self.window}", *self.lines]).replace("**", "")


def summarize(report: WeeklyReport, locale: str, *, top: int = TOP_DRIFT) -> Summary:
    t = Phrases(locale)
    c = report.compliance
    window = t(
        "window",
        since=t.day(report.since),
        # `until` is exclusive: the last day shown is the one before it ends.
        until=t.day(report.until - timedelta(microseconds=1)),
    )
    score = t("md.item", label=t("kpi.score"), value=t.pct(c.score.ratio))
    lines = [f"**{score}**" + t("md.paren", text=_versus(t, c.score.ratio, c.previous.ratio))]
    current = t("md.item", label=t("kpi.current"), value=t.pct(c.current.ratio))
    total = t("kpi.clusters", compliant=c.current.compliant, total=c.current.total)
    lines.append(current + t("md.paren", text=total))
    open_findings = sum(team.open for team in report.teams)
    drifted = c.current.total - c.current.compliant
    lines.append(t("summary.open", n=open_findings, clusters=drifted))
    if report.oldest:
        lines.append(f"**{t('summary.top')}**")
        for finding in report.oldest[:top]:
            severity = t(f"severity.{finding.severity.value}")
            lines.append(
                f"{finding.cluster} · {finding.rule} ({severity}) · {t.hours(finding.age_hours)}"
            )
    return Summary(title=t("title"), window=window, lines=tuple(lines))


def _versus(t: Phrases, now: float | None, before: float | None) -> str:
    previous = t("kpi.previous", value=t.pct(before))
    if now is None or before is None:
        return previous
    points = round(100 * (now - before), 1)
    if points > 0:
        change = t("summary.up", points=f"{points:.1f}")
    elif points < 0:
        change = t("summary.down", points=f"{-points:.1f}")
    else:
        change = t("summary.flat")
    return f"{previous}{t('list_sep')}{change}"
