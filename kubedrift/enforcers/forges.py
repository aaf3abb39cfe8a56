"""Pull requests on GitHub and merge requests on GitLab, through their REST APIs (stdlib HTTP).

One open request per branch: `find` looks it up by its head / source branch, `create` opens
it, `update` changes its title and description; `open_under(prefix)` lists the open ones
whose branch starts with `prefix` (a cluster's proposals), `comment` and `close` retire one.
The token is sent in a header and never appears in a message or log; HTTP failures become
`DeliveryError`, retryable for 429/5xx and network errors, not for 4xx (a wrong token or
project will not fix itself) nor for an answer of the wrong shape (`answers`).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import quote, urlencode

from kubedrift.enforcers.answers import Answer, Call, Fields
from kubedrift.errors import DeliveryError

ForgeType = Literal["github", "gitlab"]


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    title: str
    body: str
    branch: str


class Forge(Protocol):
    def find(self, branch: str) -> PullRequest | None: ...

    def create(self, branch: str, base: str, title: str, body: str) -> PullRequest: ...

    def update(self, pr: PullRequest, title: str, body: str) -> PullRequest: ...

    def open_under(self, prefix: str) -> list[PullRequest]: ...

    def comment(self, pr: PullRequest, text: str) -> None: ...

    def close(self, pr: PullRequest) -> None: ...


# Both APIs page at 100 at most; a fleet's open proposals fit in a few pages.
_PAGE = 100
_MAX_PAGES = 20


def _paged(fetch: Callable[[int], list[Fields]]) -> list[Fields]:
    """Every item of a listing, `fetch(page)` returning one page (1-based)."""
    items: list[Fields] = []
    for page in range(1, _MAX_PAGES + 1):
        found = fetch(page)
        items.extend(found)
        if len(found) < _PAGE:
            break
    return items


@dataclass
class _Http:
    service: str  # "GitHub", "GitLab", "Jira": who answered, in messages
    api: str
    headers: dict[str, str]
    timeout: float = 30.0

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Answer:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            self.api.rstrip("/") + path,
            data=data,
            method=method,
            headers={**self.headers, "Content-Type": "application/json"},
        )
        try:
            # The API URL comes from the operator's settings (https by default).
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                body = response.read()
        except urllib.error.HTTPError as exc:
            retry = exc.code == 429 or exc.code >= 500
            after = exc.headers.get("Retry-After") if exc.headers else None
            exc.close()  # it holds the response and its socket until garbage collection
            raise DeliveryError(
                f"{self.service} answered {method} {path} with HTTP {exc.code}",
                retryable=retry,
                retry_after=float(after) if after and after.isdigit() else None,
            ) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise DeliveryError(f"{self.service}: {method} {path}: {exc}", retryable=True) from exc
        try:
            data = json.loads(body) if body else None
        except ValueError as exc:
            raise DeliveryError(
                f"{self.service} answered {method} {path} with malformed JSON", retryable=True
            ) from exc
        return Answer(Call(self.service, method, path), data)


class GitHub:
    """`repository` is `owner/name`; `api` defaults to the public API's base URL."""

    def __init__(self, repository: str, token: str, api: str = "https://api.github.com") -> None:
        self.owner, _, self.name = repository.partition("/")
        self._http = _Http(
            "GitHub",
            api,
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )

    def _pr(self, raw: Fields) -> PullRequest:
        return PullRequest(
            raw.integer("number"),
            raw.text("html_url"),
            raw.text("title"),
            raw.text("body"),
            raw.object("head").string("ref"),
        )

    def find(self, branch: str) -> PullRequest | None:
        query = urlencode({"head": f"{self.owner}:{branch}", "state": "open"})
        found = self._http.call("GET", f"/repos/{self.owner}/{self.name}/pulls?{query}").items()
        return self._pr(found[0]) if found else None

    def create(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        payload = {"title": title, "head": branch, "base": base, "body": body}
        path = f"/repos/{self.owner}/{self.name}/pulls"
        return self._pr(self._http.call("POST", path, payload).object())

    def update(self, pr: PullRequest, title: str, body: str) -> PullRequest:
        path = f"/repos/{self.owner}/{self.name}/pulls/{pr.number}"
        return self._pr(self._http.call("PATCH", path, {"title": title, "body": body}).object())

    def open_under(self, prefix: str) -> list[PullRequest]:
        def page(n: int) -> list[Fields]:
            query = urlencode({"state": "open", "per_page": _PAGE, "page": n})
            return self._http.call("GET", f"/repos/{self.owner}/{self.name}/pulls?{query}").items()

        found = [self._pr(raw) for raw in _paged(page)]
        return [pr for pr in found if pr.branch.startswith(prefix)]

    def comment(self, pr: PullRequest, text: str) -> None:
        # A pull request's conversation is its issue's: comments go through the issues API.
        path = f"/repos/{self.owner}/{self.name}/issues/{pr.number}/comments"
        self._http.call("POST", path, {"body": text})

    def close(self, pr: PullRequest) -> None:
        path = f"/repos/{self.owner}/{self.name}/pulls/{pr.number}"
        self._http.call("PATCH", path, {"state": "closed"})


class GitLab:
    """`project` is its numeric id or `group/name` path; `api` ends in `/api/v4`."""

    def __init__(self, project: str, token: str, api: str = "https://gitlab.com/api/v4") -> None:
        self._base = f"/projects/{quote(project, safe='')}/merge_requests"
        self._http = _Http("GitLab", api, {"PRIVATE-TOKEN": token})

    def _mr(self, raw: Fields) -> PullRequest:
        return PullRequest(
            raw.integer("iid"),
            raw.text("web_url"),
            raw.text("title"),
            raw.text("description"),
            raw.string("source_branch"),
        )

    def find(self, branch: str) -> PullRequest | None:
        query = urlencode({"source_branch": branch, "state": "opened"})
        found = self._http.call("GET", f"{self._base}?{query}").items()
        return self._mr(found[0]) if found else None

    def create(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        payload = {
            "source_branch": branch,
            "target_branch": base,
            "title": title,
            "description": body,
        }
        return self._mr(self._http.call("POST", self._base, payload).object())

    def update(self, pr: PullRequest, title: str, body: str) -> PullRequest:
        payload = {"title": title, "description": body}
        return self._mr(self._http.call("PUT", f"{self._base}/{pr.number}", payload).object())

    def open_under(self, prefix: str) -> list[PullRequest]:
        def page(n: int) -> list[Fields]:
            query = urlencode({"state": "opened", "per_page": _PAGE, "page": n})
            return self._http.call("GET", f"{self._base}?{query}").items()

        found = [self._mr(raw) for raw in _paged(page)]
        return [mr for mr in found if mr.branch.startswith(prefix)]

    def comment(self, pr: PullRequest, text: str) -> None:
        self._http.call("POST", f"{self._base}/{pr.number}/notes", {"body": text})

    def close(self, pr: PullRequest) -> None:
        self._http.call("PUT", f"{self._base}/{pr.number}", {"state_event": "close"})


def make_forge(kind: ForgeType, project: str, token: str, api: str | None) -> Forge:
    if kind == "github":
        return GitHub(project, token, api or "https://api.github.com")
    return GitLab(project, token, api or "https://gitlab.com/api/v4")
