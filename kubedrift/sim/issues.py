"""Fake GitHub and GitLab issue APIs for the ticket enforcer's tests.

They keep issues in memory and answer what the enforcer calls: list by label (GitHub
`state=open|closed|all`, GitLab `state=opened|closed` or both when absent), create, edit,
open / close, comment. Each checks its auth header. `issues` is every issue ever created, so a test
sees a duplicate as a second row, and `FakeIssue.updates` counts edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kubedrift.sim.forge import GitHubAuth, GitLabAuth, RestServer
from kubedrift.sim.server import Request, Response, json_response


@dataclass
class FakeIssue:
    number: int
    title: str
    body: str
    labels: list[str]
    open: bool = True
    updates: int = 0
    state_changes: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class _IssueServer(RestServer):
    def __init__(self, token: str, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.issues: list[FakeIssue] = []

    def render(self, issue: FakeIssue) -> dict[str, Any]:
        raise NotImplementedError

    def edit(self, issue: FakeIssue, body: dict[str, Any]) -> None:
        raise NotImplementedError

    def create(self, body: dict[str, Any]) -> FakeIssue:
        raise NotImplementedError

    def listed(self, query: dict[str, str]) -> list[FakeIssue]:
        wanted = {x for x in query.get("labels", "").split(",") if x}
        state = self.state_filter(query)
        return [
            i
            for i in reversed(self.issues)  # newest first, like both services
            if wanted <= set(i.labels) and (state is None or state == i.open)
        ]

    def state_filter(self, query: dict[str, str]) -> bool | None:
        raise NotImplementedError

    unauthorized = "401 Unauthorized"

    def answer(self, request: Request, operation: str, body: dict[str, Any]) -> Response:
        if operation == "list":
            return json_response(200, [self.render(i) for i in self.listed(request.query)])
        if operation == "create":
            if not body.get("title"):
                return json_response(422, {"message": "title is missing"})
            return json_response(201, self.render(self.create(body)))
        if operation in ("edit", "comment"):
            number = int(re.findall(r"/(\d+)(?=/|$)", request.path)[-1])
            found = [i for i in self.issues if i.number == number]
            if not found:
                return json_response(404, {"message": "Not Found"})
            if operation == "comment":
                found[0].comments.append(str(body.get("body", "")))
                return json_response(201, {"id": len(found[0].comments)})
            self.edit(found[0], body)
            return json_response(200, self.render(found[0]))
        return json_response(404, {"message": "Not Found"})

    def _add(self, title: str, body: str, labels: list[str]) -> FakeIssue:
        issue = FakeIssue(len(self.issues) + 1, title, body, labels)
        self.issues.append(issue)
        return issue

    @staticmethod
    def _set_open(issue: FakeIssue, is_open: bool) -> None:
        if issue.open != is_open:
            issue.open = is_open
            issue.state_changes.append("reopened" if is_open else "closed")


class FakeGitHubIssues(GitHubAuth, _IssueServer):
    """`/repos/{owner}/{repo}/issues` for one repository."""

    name = "github-issues"

    # The fake tracker's token, valid on the fake server only.
    def __init__(self, repository: str = "acme/infra", token: str = "ghp-sim", **kw: Any) -> None:  # nosec B107
        super().__init__(token, **kw)
        self.repository = repository
        self._routes = self.collection_routes(repository, "issues", "edit")

    def state_filter(self, query: dict[str, str]) -> bool | None:
        state = query.get("state", "open")
        return None if state == "all" else state == "open"

    def create(self, body: dict[str, Any]) -> FakeIssue:
        return self._add(body["title"], body.get("body") or "", list(body.get("labels") or []))

    def edit(self, issue: FakeIssue, body: dict[str, Any]) -> None:
        if "title" in body or "body" in body:
            issue.title = body.get("title", issue.title)
            issue.body = body.get("body", issue.body)
            issue.updates += 1
        if "state" in body:
            self._set_open(issue, body["state"] == "open")

    def render(self, issue: FakeIssue) -> dict[str, Any]:
        return {
            "number": issue.number,
            "html_url": f"https://github.example/{self.repository}/issues/{issue.number}",
            "title": issue.title,
            "body": issue.body,
            "state": "open" if issue.open else "closed",
            "labels": [{"name": label} for label in issue.labels],
        }


class FakeGitLabIssues(GitLabAuth, _IssueServer):
    """`/api/v4/projects/{id}/issues` for one project (id URL-encoded)."""

    name = "gitlab-issues"

    # The fake tracker's token, valid on the fake server only.
    def __init__(self, project: str = "acme/infra", token: str = "glpat-sim", **kw: Any) -> None:  # nosec B107
        super().__init__(token, **kw)
        self._routes = self.collection_routes(project, "issues", "edit")

    def state_filter(self, query: dict[str, str]) -> bool | None:
        state = query.get("state")
        return None if state in (None, "all") else state == "opened"

    def create(self, body: dict[str, Any]) -> FakeIssue:
        labels = [x for x in str(body.get("labels") or "").split(",") if x]
        return self._add(body["title"], body.get("description") or "", labels)

    def edit(self, issue: FakeIssue, body: dict[str, Any]) -> None:
        if "title" in body or "description" in body:
            issue.title = body.get("title", issue.title)
            issue.body = body.get("description", issue.body)
            issue.updates += 1
        if "state_event" in body:
            self._set_open(issue, body["state_event"] == "reopen")

    def render(self, issue: FakeIssue) -> dict[str, Any]:
        return {
            "iid": issue.number,
            "web_url": f"https://gitlab.example/acme/infra/-/issues/{issue.number}",
            "title": issue.title,
            "description": issue.body,
            "state": "opened" if issue.open else "closed",
            "labels": issue.labels,
        }
