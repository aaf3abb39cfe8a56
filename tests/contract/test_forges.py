"""Every forge and tracker client against its fake server answering 200 with JSON of the
wrong shape: an object where a list is due (or a list where an object is), or the right
container whose objects lack the fields the client reads. Each call that reads an answer
fails with a `DeliveryError` naming the service, the call and what is missing, never a
`KeyError` or `TypeError`; and the healthy answers still read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from kubedrift.enforcers.forges import GitHub, GitLab
from kubedrift.enforcers.issues import GitHubIssues, GitLabIssues
from kubedrift.enforcers.jira import JiraIssues
from kubedrift.errors import DeliveryError
from kubedrift.sim.forge import FakeGitHub, FakeGitLab
from kubedrift.sim.issues import FakeGitHubIssues, FakeGitLabIssues
from kubedrift.sim.jira import FakeJira
from kubedrift.sim.server import FakeServer, Fault, FaultKind

TOKEN = "contract-token"  # nosec B105 - valid on the fake servers only
KINDS: tuple[FaultKind, ...] = ("wrong_shape", "missing_fields")


@dataclass(frozen=True)
class Client:
    """One client and its fake: `make(url)` builds it, `seed(client)` creates one item."""

    service: str
    fake: Callable[[], FakeServer]
    make: Callable[[str], Any]
    seed: Callable[[Any], Any]


CLIENTS = {
    "github-pulls": Client(
        "GitHub",
        lambda: FakeGitHub("acme/infra", token=TOKEN),
        lambda url: GitHub("acme/infra", TOKEN, url),
        lambda c: c.create("kd/one", "main", "t", "b"),
    ),
    "gitlab-merge-requests": Client(
        "GitLab",
        lambda: FakeGitLab("acme/infra", token=TOKEN),
        lambda url: GitLab("acme/infra", TOKEN, f"{url}/api/v4"),
        lambda c: c.create("kd/one", "main", "t", "b"),
    ),
    "github-issues": Client(
        "GitHub",
        lambda: FakeGitHubIssues("acme/infra", token=TOKEN),
        lambda url: GitHubIssues("acme/infra", TOKEN, url),
        lambda c: c.create("k1", "t", "b"),
    ),
    "gitlab-issues": Client(
        "GitLab",
        lambda: FakeGitLabIssues("acme/infra", token=TOKEN),
        lambda url: GitLabIssues("acme/infra", TOKEN, f"{url}/api/v4"),
        lambda c: c.create("k1", "t", "b"),
    ),
    "jira": Client(
        "Jira",
        lambda: FakeJira("OPS", token=TOKEN),
        lambda url: JiraIssues(url, "OPS", TOKEN),
        lambda c: c.create("k1", "t", "b"),
    ),
}

# (client, the fake's operation, the call that reads its answer, the request line named)
Step = Callable[[Any, Any], object]
CALLS: list[tuple[str, str, Step, str]] = [
    ("github-pulls", "list", lambda c, _: c.find("kd/one"), "GET /repos/acme/infra/pulls"),
    ("github-pulls", "list", lambda c, _: c.open_under("kd/"), "GET /repos/acme/infra/pulls"),
    (
        "github-pulls",
        "create",
        lambda c, _: c.create("kd/two", "main", "t", "b"),
        "POST /repos/acme/infra/pulls",
    ),
    (
        "github-pulls",
        "update",
        lambda c, pr: c.update(pr, "t2", "b2"),
        "PATCH /repos/acme/infra/pulls/1",
    ),
    (
        "gitlab-merge-requests",
        "list",
        lambda c, _: c.find("kd/one"),
        "GET /projects/acme%2Finfra/merge_requests",
    ),
    (
        "gitlab-merge-requests",
        "list",
        lambda c, _: c.open_under("kd/"),
        "GET /projects/acme%2Finfra/merge_requests",
    ),
    (
        "gitlab-merge-requests",
        "create",
        lambda c, _: c.create("kd/two", "main", "t", "b"),
        "POST /projects/acme%2Finfra/merge_requests",
    ),
    (
        "gitlab-merge-requests",
        "update",
        lambda c, pr: c.update(pr, "t2", "b2"),
        "PUT /projects/acme%2Finfra/merge_requests/1",
    ),
    ("github-issues", "list", lambda c, _: c.find("k1"), "GET /repos/acme/infra/issues"),
    (
        "github-issues",
        "create",
        lambda c, _: c.create("k2", "t", "b"),
        "POST /repos/acme/infra/issues",
    ),
    (
        "github-issues",
        "edit",
        lambda c, i: c.update(i, "t2", "b2"),
        "PATCH /repos/acme/infra/issues/1",
    ),
    (
        "github-issues",
        "edit",
        lambda c, i: c.set_open(i, False),
        "PATCH /repos/acme/infra/issues/1",
    ),
    ("gitlab-issues", "list", lambda c, _: c.find("k1"), "GET /projects/acme%2Finfra/issues"),
    (
        "gitlab-issues",
        "create",
        lambda c, _: c.create("k2", "t", "b"),
        "POST /projects/acme%2Finfra/issues",
    ),
    (
        "gitlab-issues",
        "edit",
        lambda c, i: c.set_open(i, False),
        "PUT /projects/acme%2Finfra/issues/1",
    ),
    ("jira", "search", lambda c, _: c.find("k1"), "GET /search"),
    ("jira", "create", lambda c, _: c.create("k2", "t", "b"), "POST /issue"),
    ("jira", "transitions", lambda c, i: c.set_open(i, False), "GET /issue/OPS-1/transitions"),
]


@pytest.fixture(params=sorted(CLIENTS))
def client_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def served() -> Iterator[Callable[[str], tuple[FakeServer, Any]]]:
    started: list[FakeServer] = []

    def start(name: str) -> tuple[FakeServer, Any]:
        server = CLIENTS[name].fake()
        server.start()
        started.append(server)
        return server, CLIENTS[name].make(server.url)

    yield start
    for server in started:
        server.stop()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", CALLS, ids=[f"{c[0]}-{c[3]}" for c in CALLS])
def test_an_answer_of_the_wrong_shape_is_a_clear_delivery_error(
    served: Callable[[str], tuple[FakeServer, Any]],
    call: tuple[str, str, Step, str],
    kind: FaultKind,
) -> None:
    name, operation, step, line = call
    server, client = served(name)
    item = CLIENTS[name].seed(client)
    server.faults.add(Fault(kind=kind, operation=operation))

    with pytest.raises(DeliveryError) as raised:
        step(client, item)

    message = str(raised.value)
    assert message.startswith(f"{CLIENTS[name].service} answered {line} with "), message
    assert ("JSON lacking '" in message) == (kind == "missing_fields"), message
    assert f"check that `api` is {CLIENTS[name].service}'s REST API" in message
    assert not raised.value.retryable
    assert not server.faults.take(operation, None)  # the fault was met


def test_the_message_names_the_missing_field() -> None:
    with FakeGitHub("acme/infra", token=TOKEN).running() as server:
        server.faults.add(Fault(kind="missing_fields", operation="create"))
        with pytest.raises(DeliveryError) as raised:
            GitHub("acme/infra", TOKEN, server.url).create("kd/x", "main", "t", "b")
    assert str(raised.value) == (
        "GitHub answered POST /repos/acme/infra/pulls with JSON lacking 'number'; "
        "check that `api` is GitHub's REST API"
    )


def test_a_listing_item_lacking_a_field_is_named_by_its_place() -> None:
    with FakeGitLabIssues("acme/infra", token=TOKEN).running() as server:
        server.faults.add(Fault(kind="missing_fields", operation="list"))
        with pytest.raises(DeliveryError, match=r"JSON lacking '\[0\]\.iid'"):
            GitLabIssues("acme/infra", TOKEN, f"{server.url}/api/v4").find("k1")
    with FakeJira("OPS", token=TOKEN).running() as server:
        server.faults.add(Fault(kind="missing_fields", operation="search"))
        with pytest.raises(DeliveryError, match=r"JSON lacking 'issues\[0\]\.key'"):
            JiraIssues(server.url, "OPS", TOKEN).find("k1")


def test_healthy_answers_still_read(
    served: Callable[[str], tuple[FakeServer, Any]], client_name: str
) -> None:
    _, client = served(client_name)
    made = CLIENTS[client_name].seed(client)
    found = client.find("kd/one" if client_name.endswith(("pulls", "requests")) else "k1")
    assert found is not None and found.title == made.title == "t" and found.url == made.url
