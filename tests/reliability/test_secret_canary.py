"""A canary in every credential: cloud keys, chat tokens and signing secrets, the trigger
token, the store's password. Sources and chats fail with answers that echo the credentials
back (tests/reliability/echoing.py); the canary must appear in no log line, error message,
stored row, metric or report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest

from kubedrift.calendar import load_calendar
from kubedrift.metrics import StoreCollector
from kubedrift.policies.planfile import load_plan
from kubedrift.sim.daemon_setup import PLAN
from kubedrift.sim.fleet import Fleet, SimAccount, load_fleet
from kubedrift.sim.harness import credential_env
from kubedrift.sim.server import Fault
from kubedrift.store import Store
from tests.reliability.echoing import EchoingAck, EchoingDingTalk, EchoingSlack, EchoingTke

pytestmark = pytest.mark.slow

CANARY = "kdcanary9f2c"
SLACK_TOKEN = f"xoxb-{CANARY}-slack"
ROBOT, ROBOT_SECRET = f"{CANARY}robot", f"SEC{CANARY}dingtalk"
TRIGGER = f"{CANARY}-trigger-token"


def canary_fleet() -> Fleet:
    fleet = load_fleet()
    accounts = {
        name: SimAccount(
            access_key_id=f"AKID{CANARY}{n}", access_key_secret=f"{CANARY}-key-secret-{n}"
        )
        for n, name in enumerate(sorted(fleet.accounts))
    }
    return Fleet(accounts=accounts, clusters=fleet.clusters, catalog=fleet.catalog)


def kubedrift(*args: str, environ: dict[str, str], cwd: Path) -> str:
    """Run the CLI; its exit code is not the point here, everything it printed is."""
    # This interpreter running kubedrift, an argument list, no shell.
    done = subprocess.run(  # nosec B603
        [sys.executable, "-m", "kubedrift", *args],
        cwd=cwd,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout + done.stderr


@pytest.fixture
def leaky() -> Iterator[tuple[EchoingAck, EchoingTke, EchoingSlack, EchoingDingTalk]]:
    fleet = canary_fleet()
    servers = (
        EchoingAck(fleet),
        EchoingTke(fleet),
        EchoingSlack(tokens=frozenset({SLACK_TOKEN})),
        EchoingDingTalk(robots={ROBOT: ROBOT_SECRET}),
    )
    for server in servers:
        server.start()
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def write_settings(directory: Path, ack: str, tke: str, slack: str, dingtalk: str) -> Path:
    (directory / "plan.yaml").write_text(PLAN.read_text())
    id_env, secret_env = credential_env("default")
    regions = sorted({c.region for c in load_fleet().clusters if c.provider == "ack"})
    tke_regions = sorted({c.region for c in load_fleet().clusters if c.provider == "tke"})
    document = {
        "plan": "plan.yaml",
        "store": {"url": f"sqlite:///{directory / 'kd.sqlite'}"},
        "trigger_token_env": "KD_TRIGGER",
        "sources": [
            {"name": "ack", "type": "ack", "endpoint": ack, "regions": regions,
             "access_key_id_env": id_env, "access_key_secret_env": secret_env, "retries": 0},
            {"name": "tke", "type": "tke", "endpoint": tke, "regions": tke_regions,
             "secret_id_env": id_env, "secret_key_env": secret_env, "retries": 0},
        ],
        "notifiers": [
            {"name": "slack-ops", "type": "slack", "token_env": "KD_SLACK",
             "channel": "#k8s-upgrades", "base_url": f"{slack}/api/", "timeout": 2},
            {"name": "dingtalk-ops", "type": "dingtalk", "access_token_env": "KD_DT",
             "secret_env": "KD_DT_SECRET", "endpoint": f"{dingtalk}/robot/send", "timeout": 2},
        ],
    }  # fmt: skip
    path = directory / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def environment() -> dict[str, str]:
    id_env, secret_env = credential_env("default")
    account = canary_fleet().accounts["default"]
    return {
        id_env: account.access_key_id,
        secret_env: account.access_key_secret,
        "KD_SLACK": SLACK_TOKEN,
        "KD_DT": ROBOT,
        "KD_DT_SECRET": ROBOT_SECRET,
        "KD_TRIGGER": TRIGGER,
    }


def test_echoed_credentials_reach_no_log_row_metric_or_report(
    tmp_path: Path, leaky: tuple[EchoingAck, EchoingTke, EchoingSlack, EchoingDingTalk]
) -> None:
    ack, tke, slack, dingtalk = leaky
    config = write_settings(tmp_path, ack.url, tke.url, slack.url, dingtalk.url)
    environ = environment()
    assert all(CANARY in value for value in environ.values())
    # The clouds refuse, quoting the request and the secrets; the chats fail quoting the
    # token and the URL.
    ack.faults.add(Fault(kind="auth", times=None))
    tke.faults.add(Fault(kind="auth", times=None))
    slack.faults.add(Fault(kind="server_error", times=None))
    dingtalk.faults.add(Fault(kind="server_error", times=None))

    seen: dict[str, str] = {}
    seen["scan"] = kubedrift("scan", "--config", str(config), environ=environ, cwd=tmp_path)
    seen["daemon"] = kubedrift(
        "daemon", "--once", "--drain-timeout", "3", "--config", str(config),
        environ=environ, cwd=tmp_path,
    )  # fmt: skip
    seen["notify"] = kubedrift(
        "notify", "test", "--route", "default", "--config", str(config),
        environ=environ, cwd=tmp_path,
    )  # fmt: skip
    # The faults were met: the echoes carried the canary to kubedrift.
    for cloud in (ack, tke):
        assert any(CANARY in (r.header("authorization") or "") for r in cloud.calls())
    assert slack.calls() and dingtalk.calls()
    assert "source.failed" in seen["daemon"] or "ack" in seen["daemon"]

    url = f"sqlite:///{tmp_path / 'kd.sqlite'}"
    with Store(url) as store:
        assert store.events(limit=10)  # the daemon saved what it found
        registry = CollectorRegistry()
        plan = load_plan(tmp_path / "plan.yaml")
        registry.register(StoreCollector(store, lambda: plan, load_calendar()))
        seen["metrics"] = generate_latest(registry).decode()
    for fmt in ("md", "html", "json"):
        seen[f"report {fmt}"] = kubedrift(
            "report", "weekly", "--store", url, "--plan", "plan.yaml", "--format", fmt,
            environ=environ, cwd=tmp_path,
        )  # fmt: skip
    for stored in tmp_path.glob("kd.sqlite*"):  # the database, its WAL included
        seen[stored.name] = stored.read_bytes().decode("latin-1")

    leaked = [where for where, text in seen.items() if CANARY in text]
    assert leaked == [], {where: _around(seen[where]) for where in leaked}


def test_the_store_password_is_never_printed(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://kubedrift:{CANARY}@127.0.0.1:9/kubedrift"
    (tmp_path / "plan.yaml").write_text(PLAN.read_text())
    config = tmp_path / "kubedrift.yaml"
    sources = [{"name": "sim", "type": "simulated"}]
    config.write_text(
        yaml.safe_dump({"plan": "plan.yaml", "store": {"url": url}, "sources": sources})
    )
    outputs = {
        "daemon": kubedrift("daemon", "--once", "--config", str(config), environ={}, cwd=tmp_path),
        "report": kubedrift("report", "weekly", "--store", url, environ={}, cwd=tmp_path),
        "db": kubedrift("db", "upgrade", "--url", url, environ={}, cwd=tmp_path),
    }
    assert all("127.0.0.1" in text for text in outputs.values()), outputs  # it did fail
    leaked = [where for where, text in outputs.items() if CANARY in text]
    assert leaked == [], {where: _around(outputs[where]) for where in leaked}


def _around(text: str) -> str:
    at = text.index(CANARY)
    return text[max(0, at - 300) : at + 100]
