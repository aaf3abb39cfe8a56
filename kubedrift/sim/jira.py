"""A fake Jira (REST API v2) for the ticket enforcer's tests.

Serves one project: JQL search by project and label (`project = "X" AND labels = "Y"`, the
only form the enforcer sends; anything else is a 400 as a real parser would give for what it
cannot read), create, edit, comment, and a small workflow: To Do -> In Progress -> Done, with Reopen
from Done. It checks Basic (user + token) or Bearer auth, refuses labels with spaces (Jira
does) and unknown transitions, and keeps every issue ever created in `issues`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response

_JQL = re.compile(
    r'project = "(?P<project>[^"]+)" AND labels = "(?P<label>[^"]+)"(?: ORDER BY .*)?'
)
# id, name, target status, its category
_WORKFLOW = {
    "To Do": [
        ("21", "Start Progress", "In Progress", "indeterminate"),
        ("31", "Done", "Done", "done"),
    ],
    "In Progress": [("31", "Done", "Done", "done")],
    "Done": [("41", "Reopen", "To Do", "new")],
}
_CATEGORY = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
# A `missing_fields` fault's answers: the documented containers, objects without their keys
# (transitions both ways, so closing and reopening each meet one).
_LACKING: dict[str, object] = {
    "search": {"startAt": 0, "total": 1, "issues": [{"id": "10001"}]},
    "transitions": {
        "transitions": [
            {"name": "Done", "to": {"statusCategory": {"key": "done"}}},
            {"name": "Reopen", "to": {"statusCategory": {"key": "new"}}},
        ]
    },
}


@dataclass
class FakeJiraIssue:
    key: str
    summary: str
    description: str
    labels: list[str]
    issue_type: str
    status: str = "To Do"
    updates: int = 0
    comments: list[str] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return _CATEGORY[self.status] != "done"


class FakeJira(FakeServer):
    name = "jira"

    # The fake Jira's token, valid on the fake server only.
    def __init__(  # nosec B107
        self, project: str = "OPS", token: str = "jira-sim", user: str | None = None, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.project, self.token, self.user = project, token, user
        self.issues: list[FakeJiraIssue] = []
        self._lock = threading.Lock()

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        path, method = request.path, request.method
        if path == "/rest/api/2/search" and method == "GET":
            return "search", None
        if path == "/rest/api/2/issue" and method == "POST":
            return "create", None
        if (match := re.fullmatch(r"/rest/api/2/issue/([A-Z]+-\d+)/comment", path)) and (
            method == "POST"
        ):
            return "comment", match[1]
        if match := re.fullmatch(r"/rest/api/2/issue/([A-Z]+-\d+)/transitions", path):
            return ("transitions" if method == "GET" else "transition"), match[1]
        if (match := re.fullmatch(r"/rest/api/2/issue/([A-Z]+-\d+)", path)) and method == "PUT":
            return "edit", match[1]
        return "unknown", None

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "malformed":
            return Response(200, b"<html>proxy error</html>")
        if fault.kind == "wrong_shape":
            return json_response(200, [{"id": "10001"}])
        if fault.kind == "missing_fields":
            return json_response(200, _LACKING.get(operation, {"id": "10001"}))
        status = {"throttle": 429, "auth": 401, "not_found": 404}.get(fault.kind, 503)
        headers = {"Retry-After": "1"} if fault.kind == "throttle" else {}
        return Response(status, b'{"errorMessages": ["scripted fault"]}', headers)

    def authorized(self, request: Request) -> bool:
        header = request.header("authorization") or ""
        if self.user is None:
            return header == f"Bearer {self.token}"
        secret = base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
        return header == f"Basic {secret}"

    def render(self, issue: FakeJiraIssue) -> dict[str, Any]:
        return {
            "key": issue.key,
            "fields": {
                "summary": issue.summary,
                "description": issue.description,
                "labels": issue.labels,
                "status": {
                    "name": issue.status,
                    "statusCategory": {"key": _CATEGORY[issue.status]},
                },
            },
        }

    def route(self, request: Request, operation: str) -> Response:
        if not self.authorized(request):
            return json_response(401, {"errorMessages": ["You are not authenticated"]})
        body: dict[str, Any] = json.loads(request.body) if request.body else {}
        target = self.operation_of(request)[1]
        with self._lock:
            if operation == "search":
                match = _JQL.fullmatch(request.query.get("jql", ""))
                if match is None:
                    return json_response(400, {"errorMessages": ["Error in the JQL Query"]})
                found = [
                    self.render(i)
                    for i in reversed(self.issues)
                    if match["project"] == self.project and match["label"] in i.labels
                ]
                return json_response(200, {"startAt": 0, "total": len(found), "issues": found})
            if operation == "create":
                return self._create(body.get("fields") or {})
            issue = next((i for i in self.issues if i.key == target), None)
            if issue is None:
                return json_response(404, {"errorMessages": ["Issue does not exist"]})
            if operation == "comment":
                if not isinstance(body.get("body"), str) or not body["body"]:
                    return json_response(400, {"errors": {"comment": "Comment body is empty."}})
                issue.comments.append(body["body"])
                return json_response(201, {"id": str(len(issue.comments)), "body": body["body"]})
            if operation == "edit":
                fields = body.get("fields") or {}
                issue.summary = fields.get("summary", issue.summary)
                issue.description = fields.get("description", issue.description)
                issue.updates += 1
                return Response(204, b"")
            moves = _WORKFLOW[issue.status]
            if operation == "transitions":
                listed = [
                    {"id": i, "name": n, "to": {"name": s, "statusCategory": {"key": c}}}
                    for i, n, s, c in moves
                ]
                return json_response(200, {"transitions": listed})
            if operation == "transition":
                wanted = str((body.get("transition") or {}).get("id"))
                move = next((m for m in moves if m[0] == wanted), None)
                if move is None:
                    return json_response(
                        400, {"errorMessages": [f"transition {wanted} is not valid"]}
                    )
                issue.status = move[2]
                return Response(204, b"")
        return json_response(404, {"errorMessages": ["Not Found"]})

    def _create(self, fields: dict[str, Any]) -> Response:
        if (fields.get("project") or {}).get("key") != self.project:
            return json_response(400, {"errors": {"project": "project is required"}})
        if not fields.get("summary"):
            return json_response(
                400, {"errors": {"summary": "You must specify a summary of the issue."}}
            )
        labels = list(fields.get("labels") or [])
        if any(" " in label for label in labels):
            return json_response(400, {"errors": {"labels": "The label must not contain spaces."}})
        issue = FakeJiraIssue(
            key=f"{self.project}-{len(self.issues) + 1}",
            summary=fields["summary"],
            description=fields.get("description") or "",
            labels=labels,
            issue_type=(fields.get("issuetype") or {}).get("name", ""),
        )
        self.issues.append(issue)
        return json_response(
            201, {"id": str(10000 + len(self.issues)), "key": issue.key, "self": ""}
        )
