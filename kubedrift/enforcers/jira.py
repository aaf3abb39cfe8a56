"""Upgrade tickets as Jira issues, through the REST API v2 (`/rest/api/2`), stdlib HTTP.

A ticket is found with JQL on its label (`issues.ticket_label`, one label per key; Jira
labels take no spaces, the label has none). Closing and reopening go through the workflow's
transitions: the one named in the settings, else the first that leads to a status of the
"done" category (to close) or out of it (to reopen), because workflows name them freely.
Auth is Basic (`user` + API token, Jira Cloud) or Bearer (a personal access token, Jira Data
Center); the token is sent in a header only. The API v2 reads wiki markup, not Markdown:
`markdown_to_jira` converts the few constructs the ticket renderer uses.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from urllib.parse import quote, urlencode

from kubedrift.enforcers.answers import Fields
from kubedrift.enforcers.forges import _Http
from kubedrift.enforcers.issues import Issue, pick, ticket_label
from kubedrift.errors import DeliveryError

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LIST = re.compile(r"^(?P<indent> *)(?P<mark>[-*]|\d+\.) (?:\[[ x]\] )?(?P<text>.*)$")


def _inline(text: str) -> str:
    return _CODE.sub(r"{{\1}}", _BOLD.sub(r"*\1*", text))


def markdown_to_jira(markdown: str) -> str:
    """The ticket's Markdown as Jira wiki markup: headings, nested bullet and numbered lists
    (task boxes dropped: the status word says it), quotes, rules, bold and code."""
    out: list[str] = []
    for line in markdown.rstrip("\n").split("\n"):
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"h{level}. {_inline(line[level:].strip())}")
        elif line.strip() == "---":
            out.append("----")
        elif line.startswith("> "):
            out.append(f"bq. {_inline(line[2:])}")
        elif match := _LIST.match(line):
            depth = len(match["indent"]) // 2 + 1
            # A numbered step's sub-items are indented by three spaces: one level deeper.
            depth = min(depth, 3)
            symbol = "#" if match["mark"][0].isdigit() else "*"
            out.append(f"{symbol * depth} {_inline(match['text'])}")
        else:
            out.append(_inline(line.rstrip()))
    return "\n".join(out) + "\n"


class JiraIssues:
    """Issues of one Jira project; `api` is the site's base URL (`https://acme.atlassian.net`)."""

    def __init__(
        self,
        api: str,
        project: str,
        token: str,
        *,
        user: str | None = None,
        issue_type: str = "Task",
        labels: Sequence[str] = (),
        close_transition: str | None = None,
        reopen_transition: str | None = None,
    ) -> None:
        if user:
            secret = base64.b64encode(f"{user}:{token}".encode()).decode()
            auth = f"Basic {secret}"
        else:
            auth = f"Bearer {token}"
        self._http = _Http("Jira", api.rstrip("/") + "/rest/api/2", {"Authorization": auth})
        self.site = api.rstrip("/")
        self.project = project
        self.issue_type = issue_type
        self.labels = tuple(labels)
        self.close_transition = close_transition
        self.reopen_transition = reopen_transition

    def prepare(self, body: str) -> str:
        return markdown_to_jira(body)

    def _issue(self, raw: Fields) -> Issue:
        fields = raw.optional_object("fields")
        category = fields.optional_object("status").optional_object("statusCategory").text("key")
        key = raw.string("key")
        return Issue(
            key,
            f"{self.site}/browse/{key}",
            fields.text("summary"),
            fields.text("description"),
            category != "done",
        )

    def find(self, key: str) -> Issue | None:
        jql = f'project = "{self.project}" AND labels = "{ticket_label(key)}" ORDER BY created DESC'
        query = urlencode({"jql": jql, "fields": "summary,description,status", "maxResults": 50})
        found = self._http.call("GET", f"/search?{query}").object().items("issues")
        return pick([self._issue(r) for r in found])

    def create(self, key: str, title: str, body: str) -> Issue:
        fields = {
            "project": {"key": self.project},
            "issuetype": {"name": self.issue_type},
            "summary": title,
            "description": body,
            "labels": [*self.labels, ticket_label(key)],
        }
        made = self._http.call("POST", "/issue", {"fields": fields}).object().string("key")
        return Issue(made, f"{self.site}/browse/{made}", title, body, True)

    def update(self, issue: Issue, title: str, body: str) -> Issue:
        path = f"/issue/{quote(issue.id)}"
        self._http.call("PUT", path, {"fields": {"summary": title, "description": body}})
        return Issue(issue.id, issue.url, title, body, issue.open)

    def comment(self, issue: Issue, text: str) -> None:
        # API v2 takes a comment in wiki markup, like the description.
        path = f"/issue/{quote(issue.id)}/comment"
        self._http.call("POST", path, {"body": markdown_to_jira(text)})

    def set_open(self, issue: Issue, is_open: bool) -> Issue:
        path = f"/issue/{quote(issue.id)}/transitions"
        listed = self._http.call("GET", path).object().items("transitions")
        wanted = self.reopen_transition if is_open else self.close_transition
        for transition in listed:
            to = transition.optional_object("to")
            category = to.optional_object("statusCategory").text("key")
            if (wanted is not None and transition.text("name") == wanted) or (
                wanted is None and (category != "done") == is_open
            ):
                self._http.call("POST", path, {"transition": {"id": transition.string("id")}})
                return Issue(issue.id, issue.url, issue.title, issue.body, is_open)
        names = ", ".join(t.text("name") for t in listed) or "none"
        raise DeliveryError(
            f"jira {issue.id}: no transition to {'reopen' if is_open else 'close'} it "
            f"(available: {names}); set close_transition / reopen_transition",
            retryable=False,
        )
