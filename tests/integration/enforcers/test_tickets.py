"""The ticket enforcer against fake GitHub, GitLab and Jira servers and a real directory:
one ticket per drift across repeated runs, edits only on change, close and reopen, the
per-run cap, dry runs, and tokens kept out of logs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kubedrift.enforcers.base import ClusterDrift, Enforcer
from kubedrift.enforcers.issues import ticket_label
from kubedrift.enforcers.propose import run
from kubedrift.enforcers.ticket_model import Ticket
from kubedrift.enforcers.tickets import TicketEnforcer, TicketsConfig
from kubedrift.errors import ConfigurationError, DeliveryError
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.sim.issues import FakeGitHubIssues, FakeGitLabIssues
from kubedrift.sim.jira import FakeJira
from kubedrift.sim.server import Fault
from kubedrift.versions import MinorVersion
from tests.unit.enforcers.ticket_cases import ack_prod, path_and_findings, ticket

TOKEN = "s3cr3t-token-value"


@dataclass
class Tracker:
    """An enforcer wired to one sink, and how to read what the sink holds."""

    make: Callable[..., TicketEnforcer]
    # (title, body, is_open, edits) of every ticket ever created, oldest first
    rows: Callable[[], list[tuple[str, str, bool, int]]]
    # the comments on every ticket ever created, oldest first
    comments: Callable[[], list[list[str]]]


@pytest.fixture(params=["github", "gitlab", "jira", "file"])
def tracker(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Tracker]:
    kind = request.param
    monkeypatch.setenv("TICKET_TOKEN", TOKEN)
    monkeypatch.setenv("JIRA_USER", "bot@acme.example")
    if kind == "file":
        directory = tmp_path / "tickets"

        def file_rows() -> list[tuple[str, str, bool, int]]:
            files = sorted(directory.glob("*.md")) + sorted(directory.glob("closed/*.md"))
            out = []
            for f in files:
                title = f.read_text(encoding="utf-8").split("\n")[1].removeprefix("# ")
                out.append((title, f.read_text(encoding="utf-8"), f.parent == directory, 0))
            return out

        def make_file(**kw: object) -> TicketEnforcer:
            return TicketEnforcer(TicketsConfig(sink="file", directory=directory, **kw))

        def file_comments() -> list[list[str]]:
            logs = sorted((directory / "comments").glob("*.md"))
            return [[c for c in f.read_text(encoding="utf-8").split("\n\n") if c] for f in logs]

        yield Tracker(make_file, file_rows, file_comments)
        return
    if kind == "github":
        server: FakeGitHubIssues | FakeGitLabIssues | FakeJira = FakeGitHubIssues(token=TOKEN)
        base = {"project": "acme/infra"}
    elif kind == "gitlab":
        server = FakeGitLabIssues(token=TOKEN)
        base = {"project": "acme/infra"}
    else:
        server = FakeJira(project="OPS", token=TOKEN, user="bot@acme.example")
        base = {"project": "OPS", "user_env": "JIRA_USER"}
    with server.running():
        api = server.url + ("/api/v4" if kind == "gitlab" else "")

        def make(**kw: object) -> TicketEnforcer:
            settings = {"sink": kind, "api": api, "token_env": "TICKET_TOKEN", **base, **kw}
            return TicketEnforcer(TicketsConfig.model_validate(settings))

        def rows() -> list[tuple[str, str, bool, int]]:
            if isinstance(server, FakeJira):
                return [(i.summary, i.description, i.open, i.updates) for i in server.issues]
            return [(i.title, i.body, i.open, i.updates) for i in server.issues]

        def comments() -> list[list[str]]:
            return [list(i.comments) for i in server.issues]

        yield Tracker(make, rows, comments)


def test_one_ticket_per_drift_across_runs(tracker: Tracker) -> None:
    t = ticket()
    statuses = []
    for _ in range(3):
        enforcer = tracker.make()  # a fresh process each run: the sink is the only record
        enforcer.new_run()
        statuses.append(enforcer.upsert(t).status)
    assert statuses == ["opened", "unchanged", "unchanged"]
    rows = tracker.rows()
    assert len(rows) == 1
    title, body, is_open, edits = rows[0]
    assert is_open and edits == 0
    assert title == "Upgrade ack-prod to Kubernetes 1.30 (1.28.9-aliyun.1 → 1.30.1-aliyun.1)"
    assert "flowcontrol.apiserver.k8s.io/v1beta2" in body


def test_changed_content_updates_the_same_ticket(tracker: Tracker) -> None:
    enforcer = tracker.make()
    first = enforcer.upsert(ticket())
    # The legacy pool was brought to 1.28 meanwhile: the path and the checks change.
    moved = enforcer.upsert(ticket(ack_prod(legacy_kubelet="1.28.9-aliyun.1")))
    again = enforcer.upsert(ticket(ack_prod(legacy_kubelet="1.28.9-aliyun.1")))
    assert (first.status, moved.status, again.status) == ("opened", "updated", "unchanged")
    assert moved.id == first.id
    rows = tracker.rows()
    assert len(rows) == 1
    assert "1.24.6-aliyun.1" not in rows[0][1]


def test_close_when_resolved_and_reopen_when_back(tracker: Tracker) -> None:
    enforcer = tracker.make()
    t = ticket()
    enforcer.upsert(t)
    assert enforcer.close(t.key).status == "closed"
    assert [r[2] for r in tracker.rows()] == [False]
    assert enforcer.close(t.key).status == "unchanged"
    assert enforcer.close("ack/cn-hangzhou/other|upgrade").status == "absent"
    back = enforcer.upsert(t)
    assert back.status == "reopened"
    assert [r[2] for r in tracker.rows()] == [True]


def test_the_protocol_files_the_drift_and_closes_it_with_a_comment(tracker: Tracker) -> None:
    enforcer = tracker.make()
    inventory = ack_prod()
    path, findings = path_and_findings(inventory)
    drift = ClusterDrift(
        inventory=inventory, target=MinorVersion(1, 30), findings=tuple(findings), path=path
    )
    assert isinstance(enforcer, Enforcer)
    enforcer.new_run()
    opened = enforcer.propose(drift)
    assert (opened.kind, opened.status, opened.key) == ("ticket", "opened", ticket().key)

    # The plan's target moved on to 1.31: the one ticket of the cluster is updated.
    moved = drift.model_copy(
        update={"target": MinorVersion(1, 31), "path": plan_upgrade(inventory, MinorVersion(1, 31))}
    )
    assert enforcer.propose(moved).status == "updated"
    assert len(tracker.rows()) == 1 and "1.31" in tracker.rows()[0][0]

    (closed,) = enforcer.resolve(moved.model_copy(update={"path": None, "findings": ()}))
    assert closed.status == "closed"
    assert [r[2] for r in tracker.rows()] == [False]
    (comments,) = tracker.comments()
    assert len(comments) == 1
    assert "ack-prod" in comments[0] and "1.31" in comments[0] and "closing" in comments[0]
    # Resolving again writes nothing more.
    assert [p.status for p in enforcer.resolve(moved)] == ["unchanged"]
    assert [len(c) for c in tracker.comments()] == [1]


def test_the_closing_comment_is_in_the_configured_language(tracker: Tracker) -> None:
    enforcer = tracker.make(locale="zh-CN")
    inventory = ack_prod()
    enforcer.upsert(ticket(inventory))
    enforcer.resolve(ClusterDrift(inventory=inventory, target=MinorVersion(1, 30)))
    (comments,) = tracker.comments()
    assert "已达到目标版本 1.30" in comments[0]


def test_per_run_cap_counts_new_tickets_only(tracker: Tracker) -> None:
    enforcer = tracker.make(max_new_per_run=1)
    tickets = [ticket(ack_prod(cid=f"c{i}", name=f"ack-{i}")) for i in range(3)]
    enforcer.new_run()
    assert [enforcer.upsert(t).status for t in tickets] == ["opened", "deferred", "deferred"]
    # An edit of an existing ticket is not held back by the cap.
    changed = ticket(ack_prod(cid="c0", name="ack-0", legacy_kubelet="1.28.9-aliyun.1"))
    assert enforcer.upsert(changed).status == "updated"
    enforcer.new_run()
    assert [enforcer.upsert(t).status for t in tickets[1:]] == ["opened", "deferred"]
    assert len(tracker.rows()) == 2


def test_dry_run_writes_nothing(tracker: Tracker) -> None:
    t = ticket()
    ref = tracker.make(dry_run=True).upsert(t)
    assert ref.status == "dry_run" and ref.body and "1.30" in (ref.title or "")
    assert tracker.rows() == []
    tracker.make().upsert(t)
    assert tracker.make(dry_run=True).close(t.key).status == "dry_run"
    assert [r[2] for r in tracker.rows()] == [True]


def test_zh_cn_ticket_in_the_sink(tracker: Tracker) -> None:
    tracker.make(locale="zh-CN").upsert(ticket())
    title, body, _, _ = tracker.rows()[0]
    assert title.startswith("【升级】ack-prod 升级到 Kubernetes 1.30")
    assert "升级前检查清单" in body


def test_token_never_logged(tracker: Tracker, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    enforcer = tracker.make()
    t: Ticket = ticket()
    enforcer.upsert(t)
    enforcer.close(t.key)
    assert caplog.records, "the enforcer logs what it did"
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert all(TOKEN not in str(v) for v in record.__dict__.values())


def test_jira_body_is_wiki_markup_and_labelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKET_TOKEN", TOKEN)
    server = FakeJira(project="OPS", token=TOKEN)  # Bearer: a Data Center access token
    with server.running():
        config = TicketsConfig(sink="jira", api=server.url, project="OPS", token_env="TICKET_TOKEN")
        t = ticket()
        TicketEnforcer(config).upsert(t)
    issue = server.issues[0]
    assert issue.labels == ["kubedrift", "upgrade", ticket_label(t.key)]
    assert issue.issue_type == "Task"
    assert "h2. Pre-upgrade checklist" in issue.description
    assert "## Pre-upgrade checklist" not in issue.description
    assert issue.description.startswith("*Cluster:* ack-prod ({{ack/cn-hangzhou/c8d3f0a1b2}}")


def test_missing_token_variable_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    config = TicketsConfig(sink="github", project="acme/infra", token_env="NO_SUCH_TOKEN")
    with pytest.raises(ConfigurationError, match="NO_SUCH_TOKEN"):
        TicketEnforcer(config)


def test_settings_name_what_each_sink_needs() -> None:
    with pytest.raises(ValueError, match="directory"):
        TicketsConfig(sink="file")
    with pytest.raises(ValueError, match="api"):
        TicketsConfig(sink="jira", project="OPS", token_env="T")


def test_file_sink_layout(tmp_path: Path) -> None:
    enforcer = TicketEnforcer(TicketsConfig(sink="file", directory=tmp_path))
    t = ticket()
    enforcer.upsert(t)
    [live] = tmp_path.glob("*.md")
    assert live.name == "ack-cn-hangzhou-c8d3f0a1b2--upgrade.md"
    assert live.read_text(encoding="utf-8").startswith(f"<!-- kubedrift-ticket: {t.key} -->\n# ")
    enforcer.close(t.key)
    assert not live.exists() and (tmp_path / "closed" / live.name).exists()


def test_http_failures_become_delivery_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKET_TOKEN", TOKEN)
    server = FakeGitHubIssues(token=TOKEN)
    with server.running():
        config = TicketsConfig(
            sink="github", api=server.url, project="acme/infra", token_env="TICKET_TOKEN"
        )
        server.faults.add(Fault(kind="throttle", operation="create"))
        with pytest.raises(DeliveryError) as throttled:
            TicketEnforcer(config).upsert(ticket())
        assert throttled.value.retryable and throttled.value.retry_after == 1.0
        assert str(throttled.value).startswith("GitHub answered POST ")  # which service said no
        assert str(throttled.value).endswith("with HTTP 429")
        monkeypatch.setenv("TICKET_TOKEN", "wrong")
        with pytest.raises(DeliveryError) as refused:
            TicketEnforcer(config).upsert(ticket())
        assert not refused.value.retryable and TOKEN not in str(refused.value)
    assert server.issues == []


def test_jira_without_a_matching_transition_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKET_TOKEN", TOKEN)
    server = FakeJira(project="OPS", token=TOKEN)
    with server.running():
        config = TicketsConfig(
            sink="jira",
            api=server.url,
            project="OPS",
            token_env="TICKET_TOKEN",
            close_transition="Resolve",  # this workflow has no such transition
        )
        enforcer = TicketEnforcer(config)
        t = ticket()
        enforcer.upsert(t)
        with pytest.raises(DeliveryError, match="Start Progress, Done"):
            enforcer.close(t.key)
    assert server.issues[0].open


def test_a_ticket_file_that_cannot_be_written_fails_that_cluster_only(tmp_path: Path) -> None:
    # Something else sits where the first cluster's ticket goes: that cluster's proposal
    # fails with a clear error, and the next cluster still gets its ticket.
    first, second = ack_prod(), ack_prod(cid="c9e4a1b2c3", name="ack-stage")
    drifts = []
    for inventory in (first, second):
        path, findings = path_and_findings(inventory)
        drifts.append(
            ClusterDrift(
                inventory=inventory, target=MinorVersion(1, 30), findings=tuple(findings), path=path
            )
        )
    directory = tmp_path / "tickets"
    (directory / "ack-cn-hangzhou-c8d3f0a1b2--upgrade.md").mkdir(parents=True)
    enforcer = TicketEnforcer(TicketsConfig(sink="file", directory=directory))
    result = run(drifts, [("tickets", enforcer)])
    failed, filed = result.outcomes
    assert (failed.cluster, failed.status) == (first.key, "error")
    assert failed.detail is not None and "ack-cn-hangzhou-c8d3f0a1b2--upgrade.md" in failed.detail
    assert (filed.cluster, filed.status) == (second.key, "opened")
    assert (directory / "ack-cn-hangzhou-c9e4a1b2c3--upgrade.md").is_file()
