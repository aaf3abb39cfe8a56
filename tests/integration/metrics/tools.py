"""Shared by the metrics tests: the Prometheus binaries, the deploy files, what is exported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from kubedrift.daemon.enforce import EnforcementStep
from kubedrift.daemon.status import DaemonStatus
from kubedrift.daemon.weekly import WeeklyReports
from kubedrift.metrics import StoreCollector
from kubedrift.report.config import ReportSettings, SlackReportSink
from kubedrift.store import Store
from tests.unit.metrics.seed import CALENDAR, PLAN, SCRAPE, seed

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "deploy" / "prometheus" / "rules.yaml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "tests.yaml"
DASHBOARD = ROOT / "deploy" / "grafana" / "kubedrift.json"
INSTALL = (
    "apt-get update && apt-get install -y --no-install-recommends prometheus (.ci/run does this)"
)
# Anything that looks like one of our metric names inside a PromQL expression.
METRIC_NAME = re.compile(r"\bkubedrift_[a-zA-Z0-9_:]*")


def binary(name: str) -> str:
    """The path of a Debian `prometheus` package binary; the test fails without it."""
    found = shutil.which(name) or (
        f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None
    )
    if found is None:
        pytest.fail(f"{name} is not installed: {INSTALL}", pytrace=False)
    return found


def exported_names(tmp_path: Path) -> set[str]:
    """Every sample name the daemon's /metrics serves from kubedrift: the store collector
    over a seeded store (every family has series there), the daemon's cycle metrics and the
    counters of its weekly report job and enforcement step, wired as the daemon wires them
    into its registry (a counter's `_total` name counts before its first increment)."""
    status = DaemonStatus(["tke-prod"])
    status.cycles.labels(kind="scan", outcome="ok").inc()
    status.last_cycle.labels(kind="scan").set(0)
    with Store(f"sqlite:///{tmp_path / 'names.db'}", upgrade=True) as store:
        seed(store)
        status.registry.register(
            StoreCollector(store, lambda: PLAN, CALENDAR, clock=lambda: SCRAPE)
        )
        sink = SlackReportSink(type="slack", name="weekly", token_env="T", channel="C0123456789")
        WeeklyReports(
            ReportSettings(sinks=(sink,)), store, plan=lambda: PLAN, calendar=CALENDAR,
            clock=lambda: SCRAPE, is_leader=lambda: True, environ={}, registry=status.registry,
        )  # fmt: skip
        EnforcementStep(
            store, (), lambda: PLAN, CALENDAR, lambda: SCRAPE, lambda: True, status.registry
        )
        body = generate_latest(status.registry).decode()
    names = set()
    for family in text_string_to_metric_families(body):
        names.update(sample.name for sample in family.samples)
        if family.type == "counter":
            names.add(f"{family.name}_total")
    return {name for name in names if name.startswith("kubedrift_")}


def dashboard_expressions() -> list[str]:
    document = json.loads(DASHBOARD.read_text())
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                found.append(node["expr"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def rule_expressions() -> list[str]:
    document = yaml.safe_load(RULES.read_text())
    return [rule["expr"] for group in document["groups"] for rule in group["rules"]]
