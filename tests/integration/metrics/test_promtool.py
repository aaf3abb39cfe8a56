"""The metrics against Prometheus' own tools: `promtool check metrics` on a real scrape of
the daemon's /metrics, `promtool check rules` and `promtool test rules` on the deployed rules,
and the dashboard's and rules' PromQL naming only metrics kubedrift exports.

The binaries come from Debian's `prometheus` package (2.42: classic text format only); the
tests fail, not skip, without them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from kubedrift.daemon.app import Daemon
from kubedrift.settings import load_settings
from tests.integration.metrics.tools import (
    DASHBOARD,
    METRIC_NAME,
    ROOT,
    RULE_TESTS,
    RULES,
    binary,
    dashboard_expressions,
    exported_names,
    rule_expressions,
)

pytestmark = pytest.mark.integration

PLAN = ROOT / "kubedrift" / "sim" / "data" / "plan.yaml"


def run(command: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # check=False: the tests assert on the exit code with promtool's own output as message.
    return subprocess.run(command, input=stdin, capture_output=True, timeout=60, check=False)


def simulated_settings(tmp_path: Path, **extra: object) -> Path:
    (tmp_path / "plan.yaml").write_text(PLAN.read_text())
    settings = {
        "sources": [{"name": "simulated", "type": "simulated"}],
        "plan": "plan.yaml",
        "store": {"url": f"sqlite:///{tmp_path / 'kubedrift.sqlite'}"},
        **extra,
    }
    path = tmp_path / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def test_promtool_accepts_a_real_scrape_of_the_daemon(tmp_path: Path) -> None:
    promtool = binary("promtool")
    settings = load_settings(simulated_settings(tmp_path))
    with Daemon(settings, environ={}, sinks=("slack-ops", "dingtalk")) as daemon:
        report = daemon.run_once()
        assert report.collected > 0
        response = TestClient(daemon.app()).get("/metrics")
    assert response.status_code == 200
    body = response.content
    for name in (b"kubedrift_cluster_info{", b"kubedrift_cluster_compliant{",
                 b"kubedrift_open_findings{", b"kubedrift_notifications{"):  # fmt: skip
        assert name in body
    checked = run([promtool, "check", "metrics"], body)
    # promtool prints lint problems (units, suffixes, names) and exits non-zero on any.
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    assert checked.stdout.strip() == b"" and checked.stderr.strip() == b""


def test_promtool_check_rules() -> None:
    checked = run([binary("promtool"), "check", "rules", str(RULES)])
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    assert b"SUCCESS: 8 rules found" in checked.stdout


def test_promtool_rule_unit_tests_pass() -> None:
    tested = run([binary("promtool"), "test", "rules", str(RULE_TESTS)])
    assert tested.returncode == 0, tested.stdout.decode() + tested.stderr.decode()
    assert b"SUCCESS" in tested.stdout


def test_every_rule_alerts_in_the_unit_tests() -> None:
    alerts = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    firing = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    assert firing == alerts


@pytest.mark.parametrize("where", ["dashboard", "rules"])
def test_promql_names_only_exported_metrics(where: str, tmp_path: Path) -> None:
    exported = exported_names(tmp_path)
    expressions = dashboard_expressions() if where == "dashboard" else rule_expressions()
    assert expressions, f"no PromQL found in the {where}"
    unknown = {
        name: expr
        for expr in expressions
        for name in METRIC_NAME.findall(expr)
        if name not in exported
    }
    assert not unknown, f"{where} names metrics kubedrift does not export: {unknown}"
    # Every expression reads some kubedrift metric (a typo'd name would also fail above).
    assert all(METRIC_NAME.search(expr) for expr in expressions)


def test_the_name_check_catches_an_unknown_metric(tmp_path: Path) -> None:
    exported = exported_names(tmp_path)
    assert "kubedrift_cluster_compliant" in exported
    assert "kubedrift_cycles_total" in exported
    # The daemon's own counters too: an alert on them is checked like the store's families.
    assert {
        "kubedrift_report_sends_total",
        "kubedrift_enforcement_runs_total",
        "kubedrift_enforcement_proposals_total",
    } <= exported
    typos = (
        "sum(kubedrift_cluster_complaint) / count(kubedrift_cluster_info)",
        'increase(kubedrift_report_send_total{outcome="dead"}[1d]) > 0',
        'increase(kubedrift_enforcement_runs{outcome="failed"}[1h]) > 0',
    )
    unknown = [n for typo in typos for n in METRIC_NAME.findall(typo) if n not in exported]
    assert unknown == [
        "kubedrift_cluster_complaint",
        "kubedrift_report_send_total",
        "kubedrift_enforcement_runs",
    ]


def test_the_dashboard_has_the_panels_the_issue_asks_for() -> None:
    import json

    titles = {p["title"] for p in json.loads(DASHBOARD.read_text())["panels"]}
    assert {
        "Fleet compliance",
        "Versions by provider",
        "End-of-support forecast",
        "Compliance by group",
        "Time since last successful collection",
        "Outbox depth",
    } <= titles
