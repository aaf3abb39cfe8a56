"""Fake GitHub and GitLab REST servers for the Terraform PR enforcer's tests.

They keep pull / merge requests in memory and answer the calls the enforcer makes: list
open ones (by head / source branch, or all of them page by page), create, update (title,
body, state), comment, and (for tests) read them all; faults make them fail, or answer 200
with JSON of the wrong shape (`wrong_shape`, `missing_fields`). Each
checks its auth header (`Authorization: Bearer`, `PRIVATE-TOKEN`) and refuses a second open
request for the same branch with 422 / 409 as the real services do, so a duplicate is a
failure the test sees, not a silent extra row.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from kubedrift.sim.server import FakeServer, Fault, Request, Response, json_response


@dataclass
class FakePr:
    number: int
    branch: str
    base: str
    title: str
    body: str
    state: str
    updates: int = 0
    history: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"/(\d+)(?=/|$)")


def _page(items: list[FakePr], query: dict[str, str]) -> list[FakePr]:
    """One page of a listing, as both services page: `page` from 1, `per_page` items."""
    size = int(query.get("per_page", "20"))
    start = (int(query.get("page", "1")) - 1) * size
    return items[start : start + size]


def wrong_answer(kind: str, listing: bool) -> object:
    """The JSON of a `wrong_shape` or `missing_fields` fault: an object where a list is due
    (and the other way round), or the right container whose objects lack every field a
    client reads (as a proxy, an old server or a changed API may answer)."""
    if kind == "wrong_shape":
        return {"message": "not a listing"} if listing else [{"message": "not an object"}]
    return [{"id": 7}] if listing else {"id": 7}


# (method, path pattern, operation) of each call a fake answers.
Routes = tuple[tuple[str, re.Pattern[str], str], ...]


class RestServer(FakeServer):
    """A token-checked JSON REST fake: routes by (method, path pattern), scripted faults.

    Subclasses set `_routes` and say how a request authenticates (`authorized`).
    """

    _routes: Routes = ()

    def __init__(self, token: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.token = token
        self._lock = threading.Lock()

    def operation_of(self, request: Request) -> tuple[str, str | None]:
        for method, pattern, operation in self._routes:
            if request.method == method and pattern.fullmatch(request.path):
                return operation, None
        return "unknown", None

    def authorized(self, request: Request) -> bool:
        raise NotImplementedError

    unauthorized = "Bad credentials"  # the 401's message

    def route(self, request: Request, operation: str) -> Response:
        if not self.authorized(request):
            return json_response(401, {"message": self.unauthorized})
        body: dict[str, Any] = json.loads(request.body) if request.body else {}
        with self._lock:
            return self.answer(request, operation, body)

    def answer(self, request: Request, operation: str, body: dict[str, Any]) -> Response:
        """The answer to an authorized call, its JSON body read; under the server's lock."""
        raise NotImplementedError

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "malformed":
            return Response(200, b"{not json")
        if fault.kind in ("wrong_shape", "missing_fields"):
            return json_response(200, wrong_answer(fault.kind, listing=operation == "list"))
        status = {"throttle": 429, "auth": 401, "not_found": 404}.get(fault.kind, 502)
        headers = {"Retry-After": "1"} if fault.kind == "throttle" else {}
        return Response(status, b'{"message": "scripted fault"}', headers)


class GitHubAuth(RestServer):
    """GitHub's side of a fake: a bearer token, and its REST shapes."""

    def authorized(self, request: Request) -> bool:
        return request.header("authorization") == f"Bearer {self.token}"

    @staticmethod
    def collection_routes(repository: str, collection: str, edit: str) -> Routes:
        """List, create and edit (PATCH) `/repos/{repository}/{collection}`; comments go to
        the issue of the same number (a pull request is an issue to GitHub's comment API)."""
        base = re.escape(f"/repos/{repository}/{collection}")
        issues = re.escape(f"/repos/{repository}/issues")
        return (
            ("GET", re.compile(base), "list"),
            ("POST", re.compile(base), "create"),
            ("PATCH", re.compile(base + r"/\d+"), edit),
            ("POST", re.compile(issues + r"/\d+/comments"), "comment"),
        )


class GitLabAuth(RestServer):
    """GitLab's side of a fake: a `PRIVATE-TOKEN`, and its REST shapes."""

    def authorized(self, request: Request) -> bool:
        return request.header("private-token") == self.token

    @staticmethod
    def collection_routes(project: str, collection: str, edit: str) -> Routes:
        """List, create, edit (PUT) and comment on (`notes`) `/projects/{id}/{collection}`,
        the project's id being its URL-encoded path."""
        base = re.escape("/api/v4/projects/" + project.replace("/", "%2F") + "/" + collection)
        return (
            ("GET", re.compile(base), "list"),
            ("POST", re.compile(base), "create"),
            ("PUT", re.compile(base + r"/\d+"), edit),
            ("POST", re.compile(base + r"/\d+/notes"), "comment"),
        )


class _ForgeServer(RestServer):
    open_state = "open"

    def __init__(self, token: str, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.prs: list[FakePr] = []

    def answer(self, request: Request, operation: str, body: dict[str, Any]) -> Response:
        if operation == "list":
            listed = _page(self.select(request.query), request.query)
            return json_response(200, [self.render(p) for p in listed])
        if operation == "create":
            return self.create(body)
        number = int(_NUMBER.findall(request.path)[-1]) if operation != "unknown" else 0
        found = [p for p in self.prs if p.number == number]
        if not found:
            return json_response(404, {"message": "Not Found"})
        pr = found[0]
        if operation == "comment":
            pr.comments.append(str(body.get("body", "")))
            return json_response(201, {"id": len(pr.comments), "body": pr.comments[-1]})
        if operation == "update":
            if self.closes(body):
                pr.state = "closed"
                return json_response(200, self.render(pr))
            pr.title = body.get("title", pr.title)
            pr.body = body.get(self.body_field, pr.body)
            pr.updates += 1
            pr.history.append(pr.title)
            return json_response(200, self.render(pr))
        return json_response(404, {"message": "Not Found"})

    def closes(self, body: dict[str, Any]) -> bool:
        raise NotImplementedError

    body_field = "body"

    def select(self, query: dict[str, str]) -> list[FakePr]:
        raise NotImplementedError

    def create(self, body: dict[str, Any]) -> Response:
        raise NotImplementedError

    def render(self, pr: FakePr) -> dict[str, Any]:
        raise NotImplementedError

    def _add(self, branch: str, base: str, title: str, body: str) -> FakePr:
        pr = FakePr(len(self.prs) + 1, branch, base, title, body, self.open_state)
        pr.history.append(title)
        self.prs.append(pr)
        return pr


class FakeGitHub(GitHubAuth, _ForgeServer):
    """`/repos/{owner}/{repo}/pulls` for one repository."""

    name = "github"

    # The fake forge's token, valid on the fake server only.
    def __init__(self, repository: str = "acme/infra", token: str = "ghp-sim", **kw: Any) -> None:  # nosec B107
        super().__init__(token, **kw)
        self.owner = repository.split("/", maxsplit=1)[0]
        self._routes = self.collection_routes(repository, "pulls", "update")

    def closes(self, body: dict[str, Any]) -> bool:
        return body.get("state") == "closed"

    def select(self, query: dict[str, str]) -> list[FakePr]:
        head = query.get("head", "")
        state = query.get("state", "open")
        branch = head.split(":", 1)[1] if ":" in head else head
        return [
            p for p in self.prs if (not head or p.branch == branch) and state in ("all", p.state)
        ]

    def create(self, body: dict[str, Any]) -> Response:
        branch = body["head"]
        if any(p.branch == branch and p.state == "open" for p in self.prs):
            return json_response(
                422, {"message": "Validation Failed: a pull request already exists"}
            )
        pr = self._add(branch, body["base"], body["title"], body.get("body", ""))
        return json_response(201, self.render(pr))

    def render(self, pr: FakePr) -> dict[str, Any]:
        return {
            "number": pr.number,
            "html_url": f"https://github.example/{self.owner}/pull/{pr.number}",
            "state": pr.state,
            "title": pr.title,
            "body": pr.body,
            "head": {"ref": pr.branch},
            "base": {"ref": pr.base},
        }


class FakeGitLab(GitLabAuth, _ForgeServer):
    """`/api/v4/projects/{id}/merge_requests` for one project (id URL-encoded)."""

    name = "gitlab"
    open_state = "opened"
    body_field = "description"

    # The fake forge's token, valid on the fake server only.
    def __init__(self, project: str = "acme/infra", token: str = "glpat-sim", **kw: Any) -> None:  # nosec B107
        super().__init__(token, **kw)
        self._routes = self.collection_routes(project, "merge_requests", "update")

    def closes(self, body: dict[str, Any]) -> bool:
        return body.get("state_event") == "close"

    def select(self, query: dict[str, str]) -> list[FakePr]:
        branch = query.get("source_branch")
        state = query.get("state")
        return [
            p
            for p in self.prs
            if (branch is None or p.branch == branch) and (state is None or p.state == state)
        ]

    def create(self, body: dict[str, Any]) -> Response:
        branch = body["source_branch"]
        if any(p.branch == branch and p.state == "opened" for p in self.prs):
            return json_response(409, {"message": ["Another open merge request already exists"]})
        pr = self._add(branch, body["target_branch"], body["title"], body.get("description", ""))
        return json_response(201, self.render(pr))

    def render(self, pr: FakePr) -> dict[str, Any]:
        return {
            "iid": pr.number,
            "web_url": f"https://gitlab.example/acme/infra/-/merge_requests/{pr.number}",
            "state": pr.state,
            "title": pr.title,
            "description": pr.body,
            "source_branch": pr.branch,
            "target_branch": pr.base,
        }
