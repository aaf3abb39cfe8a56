"""The upgrade-ticket enforcer: one ticket per drift (cluster + target), kept current.

`upsert(ticket)` renders the ticket in the configured language and files it in one sink —
GitHub issues, GitLab issues, Jira, or a directory of Markdown files — creating it once,
editing it only when its title or body changed, reopening it when the drift came back;
`close(key, note)` closes it, with `note` as a comment, when the drift resolved. The key is
the cluster's (`ticket_key`), so a moved target updates the ticket instead of opening a
second one. The sink is the record (found by a label or a file name derived from the key),
so restarts and repeated runs never open a second ticket. `propose(drift)` and `resolve(drift)`,
the `Enforcer` protocol, are these two.
New tickets are capped per run (`new_run()` starts one); edits are not. Tokens are read
from the variables the settings name and never logged. Like every enforcer, it proposes:
nothing here touches a cluster.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from pydantic import Field, model_validator

from kubedrift.enforcers.base import ClusterDrift, EnforcerConfig, Proposal, ProposalKind
from kubedrift.enforcers.comments import resolved_note
from kubedrift.enforcers.issues import GitHubIssues, GitLabIssues, Issue
from kubedrift.enforcers.jira import JiraIssues
from kubedrift.enforcers.platform_ticket import render_platform_ticket
from kubedrift.enforcers.ticket_content import build_ticket
from kubedrift.enforcers.ticket_files import FileSink
from kubedrift.enforcers.ticket_model import Ticket, ticket_key
from kubedrift.enforcers.ticket_render import render_ticket
from kubedrift.env_names import EnvName
from kubedrift.errors import ConfigurationError
from kubedrift.model.base import Frozen
from kubedrift.model.inventory import Platform
from kubedrift.notifiers.base import Locale

log = logging.getLogger(__name__)

SinkType = Literal["github", "gitlab", "jira", "file"]
TicketStatus = Literal[
    "opened",  # a new ticket (counts against the per-run cap)
    "updated",  # the open ticket's title or body changed
    "reopened",  # the drift came back: its closed ticket is open again, and current
    "unchanged",  # the sink already holds this exact ticket (or it is already closed)
    "deferred",  # the per-run cap on new tickets was reached; tried again next run
    "closed",  # the drift resolved: the ticket was closed
    "absent",  # close() found no ticket for the key
    "dry_run",  # nothing written; `title` and `body` say what would be
]


class TicketsConfig(EnforcerConfig):
    """Settings of the `ticket` enforcer; which fields are needed depends on `sink`."""

    sink: SinkType = Field(description="where tickets live: an issue tracker or Markdown files")
    locale: Locale = Field(default="en", description="language of the tickets")
    project: str | None = Field(
        default=None,
        description="GitHub `owner/name`; GitLab id or `group/name`; Jira project key",
    )
    api: str | None = Field(
        default=None, description="API base URL; required for Jira (the site's URL)"
    )
    token_env: EnvName | None = Field(
        default=None, description="environment variable holding the token (never the token)"
    )
    user_env: EnvName | None = Field(
        default=None, description="Jira Cloud: environment variable holding the account e-mail"
    )
    issue_type: str = Field(default="Task", description="Jira issue type")
    close_transition: str | None = Field(
        default=None,
        description='Jira transition that closes; default the first into a "done" status',
    )
    reopen_transition: str | None = Field(
        default=None, description="Jira transition that reopens; default the first out of done"
    )
    labels: list[str] = Field(
        default_factory=lambda: ["kubedrift", "upgrade"], description="labels every ticket gets"
    )
    directory: Path | None = Field(default=None, description="the file sink's folder")

    @model_validator(mode="after")
    def _needs(self) -> TicketsConfig:
        if self.sink == "file":
            if self.directory is None:
                raise ValueError("sink 'file' needs 'directory'")
            return self
        missing = [n for n in ("project", "token_env") if getattr(self, n) is None]
        if self.sink == "jira" and self.api is None:
            missing.append("api")
        if missing:
            raise ValueError(f"sink {self.sink!r} needs {', '.join(missing)}")
        return self


class TicketRef(Frozen):
    """What one call did to one ticket, and where the ticket is."""

    key: str
    status: TicketStatus
    id: str | None = None
    url: str | None = None
    title: str | None = None
    body: str | None = None


class Sink(Protocol):
    """Where tickets live: found by key, created, edited, opened or closed."""

    def prepare(self, body: str) -> str:
        """The body as the sink stores it (Jira: wiki markup), to compare with what it holds."""

    def find(self, key: str) -> Issue | None: ...

    def create(self, key: str, title: str, body: str) -> Issue: ...

    def update(self, issue: Issue, title: str, body: str) -> Issue: ...

    def set_open(self, issue: Issue, is_open: bool) -> Issue: ...

    def comment(self, issue: Issue, text: str) -> None: ...


def _secret(name: str | None) -> str:
    value = os.environ.get(name or "")
    if not value:
        # The variable's name, never a value, goes into the message.
        raise ConfigurationError(f"ticket sink: the variable {name} is not set")
    return value


def make_sink(config: TicketsConfig) -> Sink:
    project = config.project or ""
    if config.sink == "file":
        assert config.directory is not None  # the config's validator guarantees it
        return FileSink(config.directory)
    token = _secret(config.token_env)
    if config.sink == "github":
        return GitHubIssues(project, token, config.api or "https://api.github.com", config.labels)
    if config.sink == "gitlab":
        api = config.api or "https://gitlab.com/api/v4"
        return GitLabIssues(project, token, api, config.labels)
    return JiraIssues(
        config.api or "",
        project,
        token,
        user=_secret(config.user_env) if config.user_env else None,
        issue_type=config.issue_type,
        labels=config.labels,
        close_transition=config.close_transition,
        reopen_transition=config.reopen_transition,
    )


class TicketEnforcer:
    """Files `Ticket`s in one sink; idempotent on the ticket key (see the module docstring)."""

    Config: ClassVar[type[EnforcerConfig]] = TicketsConfig
    kind: ClassVar[ProposalKind] = "ticket"

    def __init__(self, config: TicketsConfig, *, sink: Sink | None = None) -> None:
        self.config = config
        self.sink = sink if sink is not None else make_sink(config)
        self.opened_this_run = 0

    def new_run(self) -> None:
        self.opened_this_run = 0

    def propose(self, drift: ClusterDrift) -> Proposal:
        """The drifted cluster's ticket, kept current (`upsert`)."""
        if drift.path is None:
            return Proposal(key=ticket_key(drift.cluster), kind="ticket", status="skipped")
        if drift.inventory.platform != Platform.KUBERNETES:
            title, text = render_platform_ticket(drift, self.config.locale)
            done = self.upsert_text(ticket_key(drift.cluster), title, text)
        else:
            done = self.upsert(build_ticket(drift.inventory, drift.path, drift.findings))
        body = f"{done.title}\n\n{done.body}" if done.status == "dry_run" and done.body else None
        return Proposal(key=done.key, kind="ticket", status=done.status, url=done.url, detail=body)

    def resolve(self, drift: ClusterDrift) -> list[Proposal]:
        """Close the cluster's ticket with a comment saying it reached its target."""
        cluster = drift.cluster
        note = resolved_note(
            self.config.locale,
            "ticket",
            name=cluster.name,
            key=cluster.key,
            target=str(drift.target),
        )
        done = self.close(ticket_key(cluster), note)
        return [Proposal(key=done.key, kind="ticket", status=done.status, url=done.url)]

    def upsert(self, ticket: Ticket) -> TicketRef:
        """Create, edit or reopen the ticket of `ticket.key` so the sink holds this one."""
        rendered = render_ticket(ticket, self.config.locale)
        return self.upsert_text(ticket.key, rendered.title, rendered.body)

    def upsert_text(self, key: str, title: str, text: str) -> TicketRef:
        """`upsert` of a ticket already worded (Swarm and Mesos runbooks)."""
        body = self.sink.prepare(text)
        ref = TicketRef(key=key, status="dry_run", title=title, body=body)
        existing = self.sink.find(key)
        if existing is not None:
            ref = ref.model_copy(update={"id": existing.id, "url": existing.url})
            same = (existing.title, existing.body) == (title, body)
            if existing.open and same:
                return ref.model_copy(update={"status": "unchanged"})
            if self.config.dry_run:
                return ref
            issue = existing
            if not existing.open:
                issue = self.sink.set_open(existing, True)
            if not same:
                issue = self.sink.update(issue, title, body)
            status: TicketStatus = "updated" if existing.open else "reopened"
            self._log(key, status, issue.id)
            return ref.model_copy(update={"status": status, "url": issue.url})
        if self.opened_this_run >= self.config.max_new_per_run:
            self._log(key, "deferred", None)
            return ref.model_copy(update={"status": "deferred"})
        if self.config.dry_run:
            return ref
        issue = self.sink.create(key, title, body)
        self.opened_this_run += 1
        self._log(key, "opened", issue.id)
        return ref.model_copy(update={"status": "opened", "id": issue.id, "url": issue.url})

    def close(self, key: str, note: str | None = None) -> TicketRef:
        """Close the ticket of `key` (commenting `note`): its drift resolved. Absent or
        closed: nothing to do."""
        existing = self.sink.find(key)
        if existing is None:
            return TicketRef(key=key, status="absent")
        ref = TicketRef(key=key, status="unchanged", id=existing.id, url=existing.url)
        if not existing.open:
            return ref
        if self.config.dry_run:
            return ref.model_copy(update={"status": "dry_run"})
        if note:
            self.sink.comment(existing, note)
        self.sink.set_open(existing, False)
        self._log(key, "closed", existing.id)
        return ref.model_copy(update={"status": "closed"})

    def _log(self, key: str, status: str, issue: str | None) -> None:
        cluster = key.split("|", 1)[0]
        extra = {"cluster": cluster, "ticket": key, "sink": self.config.sink, "issue": issue}
        log.info("ticket %s", status, extra=extra)
