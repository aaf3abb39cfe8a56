"""Upgrade tickets as GitHub and GitLab issues, through their REST APIs (stdlib HTTP).

A ticket is found by a label derived from its key (`ticket_label`), so a restart, a second
replica or a lost local state never opens a second issue: the tracker itself is the record.
Labels rather than a search of the text because both services filter issues by label in one
indexed call, and a label survives a person editing the body. The HTTP plumbing (token in a
header, never in a message; 429/5xx retryable) is the pull-request clients' (`forges`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

# One HTTP helper for every forge call: the same error mapping as the pull-request clients.
from kubedrift.enforcers.answers import Fields
from kubedrift.enforcers.forges import _Http

LABEL_PREFIX = "kubedrift-ticket-"


def ticket_label(key: str) -> str:
    """A label naming one ticket key: short (GitHub caps labels at 50 characters) and free of
    the spaces, commas and slashes that labels or their query syntax would split on."""
    return LABEL_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Issue:
    """A ticket as its tracker holds it. `id` is the issue number or the Jira key."""

    id: str
    url: str
    title: str
    body: str
    open: bool


def pick(found: Sequence[Issue]) -> Issue | None:
    """The open issue if there is one, else the newest closed one (to be reopened)."""
    ordered = [i for i in found if i.open] + [i for i in found if not i.open]
    return ordered[0] if ordered else None


class GitHubIssues:
    """Issues of one repository (`owner/name`)."""

    def __init__(
        self,
        repository: str,
        token: str,
        api: str = "https://api.github.com",
        labels: Sequence[str] = (),
    ) -> None:
        self._base = f"/repos/{repository}/issues"
        self.labels = tuple(labels)
        self._http = _Http(
            "GitHub",
            api,
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )

    def prepare(self, body: str) -> str:
        return body

    def _issue(self, raw: Fields) -> Issue:
        return Issue(
            str(raw.integer("number")),
            raw.text("html_url"),
            raw.text("title"),
            raw.text("body"),
            raw.text("state") == "open",
        )

    def find(self, key: str) -> Issue | None:
        query = urlencode({"labels": ticket_label(key), "state": "all", "per_page": 100})
        found = self._http.call("GET", f"{self._base}?{query}").items()
        # The issues endpoint also lists pull requests; a ticket is never one.
        issues = [self._issue(r) for r in found if "pull_request" not in r]
        return pick(sorted(issues, key=lambda i: -int(i.id)))

    def create(self, key: str, title: str, body: str) -> Issue:
        payload = {"title": title, "body": body, "labels": [*self.labels, ticket_label(key)]}
        return self._issue(self._http.call("POST", self._base, payload).object())

    def update(self, issue: Issue, title: str, body: str) -> Issue:
        payload = {"title": title, "body": body}
        return self._issue(self._http.call("PATCH", f"{self._base}/{issue.id}", payload).object())

    def set_open(self, issue: Issue, is_open: bool) -> Issue:
        payload = {"state": "open" if is_open else "closed"}
        return self._issue(self._http.call("PATCH", f"{self._base}/{issue.id}", payload).object())

    def comment(self, issue: Issue, text: str) -> None:
        self._http.call("POST", f"{self._base}/{issue.id}/comments", {"body": text})


class GitLabIssues:
    """Issues of one project (numeric id or `group/name`); `api` ends in `/api/v4`."""

    def __init__(
        self,
        project: str,
        token: str,
        api: str = "https://gitlab.com/api/v4",
        labels: Sequence[str] = (),
    ) -> None:
        self._base = f"/projects/{quote(project, safe='')}/issues"
        self.labels = tuple(labels)
        self._http = _Http("GitLab", api, {"PRIVATE-TOKEN": token})

    def prepare(self, body: str) -> str:
        return body

    def _issue(self, raw: Fields) -> Issue:
        return Issue(
            str(raw.integer("iid")),
            raw.text("web_url"),
            raw.text("title"),
            raw.text("description"),
            raw.text("state") == "opened",
        )

    def find(self, key: str) -> Issue | None:
        # No `state`: GitLab then lists opened and closed issues alike.
        query = urlencode({"labels": ticket_label(key), "per_page": 100})
        found = self._http.call("GET", f"{self._base}?{query}").items()
        return pick(sorted((self._issue(r) for r in found), key=lambda i: -int(i.id)))

    def create(self, key: str, title: str, body: str) -> Issue:
        labels = ",".join([*self.labels, ticket_label(key)])
        payload = {"title": title, "description": body, "labels": labels}
        return self._issue(self._http.call("POST", self._base, payload).object())

    def update(self, issue: Issue, title: str, body: str) -> Issue:
        payload = {"title": title, "description": body}
        return self._issue(self._http.call("PUT", f"{self._base}/{issue.id}", payload).object())

    def set_open(self, issue: Issue, is_open: bool) -> Issue:
        payload = {"state_event": "reopen" if is_open else "close"}
        return self._issue(self._http.call("PUT", f"{self._base}/{issue.id}", payload).object())

    def comment(self, issue: Issue, text: str) -> None:
        self._http.call("POST", f"{self._base}/{issue.id}/notes", {"body": text})
