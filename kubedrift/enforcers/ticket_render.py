"""A `Ticket` as Markdown in one language: a title and a body, both deterministic.

The body carries no time of day and no collection timestamp on purpose: the sinks compare it
with what the tracker holds and edit the ticket only when it really changed, so anything
that moves on every run would turn each run into an edit. Rule titles and finding phrases are
the notifiers' (`kubedrift.notifiers.templates`); the ticket's own phrases are in
`ticket_templates`, which also reads the planner's English sentences (reasons, warnings,
blocks) in the ticket's language (`PLANNER_TEXT`). The Markdown stays to what GitHub, GitLab
and the Jira conversion (`jira.markdown_to_jira`) all read: headings, lists, task boxes, bold
and code.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubedrift.enforcers.ticket_model import Batches, Check, Evidence, Ticket, TicketStep
from kubedrift.enforcers.ticket_templates import PLANNER_TEXT, TERMS, TICKET_STRINGS
from kubedrift.notifiers.base import Locale
from kubedrift.notifiers.templates import CATALOGS, Catalog


@dataclass(frozen=True)
class RenderedTicket:
    key: str
    title: str
    body: str


class _Words:
    """The ticket's phrases and the notifiers' catalog of one locale."""

    def __init__(self, locale: Locale, provider: str) -> None:
        self.strings = TICKET_STRINGS[locale]
        self.catalog: Catalog = CATALOGS[locale]
        terms = TERMS[locale]
        self.terms = terms.get(provider, terms["default"])
        # The planner's English sentences (reasons, warnings, blocks) in this language.
        self.text = PLANNER_TEXT[locale]

    def __call__(self, key: str, /, **values: object) -> str:
        return self.strings[key].format(**values)

    def evidence(self, ev: Evidence) -> str:
        if ev.rule is not None:
            cat = self.catalog
            line = cat.finding(
                ev.text or ev.rule,
                rule=ev.rule,
                component=ev.component or "",
                observed=ev.observed,
                expected=ev.expected,
            )
            if ev.severity is not None:
                line = cat.t(
                    "item.finding", severity=cat.t(f"severity.{ev.severity}"), summary=line
                )
            return line
        if ev.text is not None and ev.component is not None:
            return self("evidence.text", component=ev.component, text=self.text(ev.text))
        if ev.observed is not None and ev.component is not None:
            return self("evidence.observed", component=ev.component, observed=ev.observed)
        text = self.text(ev.text) if ev.text else ev.observed or ""
        return self("evidence.bare", text=text)


def _provider(ticket: Ticket) -> str:
    return ticket.cluster.provider.upper()


def _check_lines(w: _Words, check: Check, ticket: Ticket) -> list[str]:
    box = "[x]" if check.status == "pass" else "[ ]"
    title = w(f"check.{check.id}", target=ticket.target)
    head = f"- {box} {w(f'status.{check.status}')} **{title}**"
    detail_key = f"check.{check.id}.{check.status}"
    if check.id == "etcd_backup":
        detail_key = "check.etcd_backup.managed" if ticket.managed else "check.etcd_backup.self"
    lines = [head]
    if detail_key in w.strings and not check.evidence:
        detail = w(detail_key, provider=_provider(ticket), target=ticket.target, **w.terms)
        lines[0] += w("sep.detail") + detail
    lines += [f"  - {w.evidence(ev)}" for ev in check.evidence]
    return lines


def _batches(w: _Words, strategy: str, plan: Batches) -> str:
    values = plan.model_dump() | {"strategy": strategy}
    return w("step.batches.unknown" if plan.nodes is None else "step.batches", **values)


def _step_lines(w: _Words, step: TicketStep) -> list[str]:
    unknown = w("unknown")
    values = {
        "name": step.name,
        "component": step.component,
        "from_version": step.from_version or unknown,
        "to_version": step.to_version,
    }
    head = w(f"step.{step.kind}", **values)
    if step.jump:
        head += w("step.control_plane.jump")
    lines = [f"{step.order}. {head}"]
    sub: list[str] = []
    if step.strategy is not None and step.batches is not None:
        sub.append(_batches(w, w(f"strategy.{step.strategy.value}"), step.batches))
    if step.required_addons:
        sub.append(w("step.control_plane.addons", names=", ".join(step.required_addons)))
    sub += [w("step.blocked", text=w.text(b)) for b in step.blocked_by]
    sub.append(w("step.why", text=w.text(step.reason)))
    sub += [w("step.warning", text=w.text(t)) for t in step.warnings]
    return lines + [f"   - {s}" for s in sub]


def _rollback(w: _Words, ticket: Ticket) -> list[str]:
    provider = _provider(ticket)
    key = "rollback.control_plane.managed" if ticket.managed else "rollback.control_plane.self"
    lines = [f"- {w(key, provider=provider)}"]
    strategies = {p.strategy.value for p in ticket.pools}
    lines += [f"- {w(f'rollback.{s}')}" for s in sorted(strategies)]
    if ticket.addon_rollback:
        unknown = w("unknown")
        items = ", ".join(f"{a.name} {a.from_version or unknown}" for a in ticket.addon_rollback)
        lines.append(f"- {w('rollback.addons', items=items)}")
    return lines


def render_ticket(ticket: Ticket, locale: Locale) -> RenderedTicket:
    """The ticket's title and Markdown body in `locale`."""
    w = _Words(locale, ticket.cluster.provider)
    name = ticket.cluster.name
    current = ", ".join(ticket.current) or w("unknown")
    final = ticket.final_version or ticket.target
    blocked = ticket.blocked_by or any(s.blocked_by for s in ticket.steps)
    title_key = "title.blocked" if blocked else "title"
    title = w(title_key, name=name, target=ticket.target, current=current, final=final)
    counts = {s: sum(1 for c in ticket.checks if c.status == s) for s in ("pass", "fail")}
    open_ = len(ticket.checks) - counts["pass"] - counts["fail"]
    where = f"{_provider(ticket)} {ticket.cluster.region or ''}".strip()
    body = [
        w("head.cluster", name=name, key=ticket.cluster.key, where=where),
        w("head.versions", current=current, target=ticket.target, final=final),
        w("head.summary", failed=counts["fail"], passed=counts["pass"], open=open_),
    ]
    body = [f"{line}  " for line in body[:-1]] + body[-1:]  # Markdown hard line breaks
    body += [f"\n> {w('blocked', text=w.text(b))}" for b in ticket.blocked_by]
    if ticket.drift:
        body += ["", f"## {w('h.drift')}", ""]
        body += [f"- {w.evidence(ev)}" for ev in ticket.drift]
    body += ["", f"## {w('h.checks')}", "", w("legend"), "", f"### {w('h.checks.auto')}", ""]
    for check in ticket.checks:
        if check.automatic:
            body += _check_lines(w, check, ticket)
    body += ["", f"### {w('h.checks.manual')}", ""]
    for check in ticket.checks:
        if not check.automatic:
            body += _check_lines(w, check, ticket)
    if ticket.steps:
        body += ["", f"## {w('h.steps')}", ""]
        for step in ticket.steps:
            body += _step_lines(w, step)
    if ticket.pools:
        body += ["", f"## {w('h.pools')}", ""]
        for pool in ticket.pools:
            line = w(
                "pool.line",
                name=pool.name,
                id=pool.id,
                nodes=w("unknown") if pool.nodes is None else pool.nodes,
                kubelet=pool.kubelet or w("unknown"),
                strategy=w(f"strategy.{pool.strategy.value}"),
                reason=w.text(pool.reason),
            )
            body.append(f"- {line}")
    body += ["", f"## {w('h.rollback')}", "", *_rollback(w, ticket)]
    if ticket.warnings:
        body += ["", f"## {w('h.warnings')}", ""]
        body += [f"- {w.text(text)}" for text in ticket.warnings]
    body += ["", "---", "", w("footer", key=ticket.key), w("head.never_applies")]
    return RenderedTicket(key=ticket.key, title=title, body="\n".join(body) + "\n")
