"""A real Prometheus scraping a running daemon on the simulated fleet.

`kubedrift daemon` runs as a subprocess (a `type: simulated` source, the simulated plan, a
SQLite store); `/usr/bin/prometheus` (Debian package) scrapes it every second with the
deployed alert rules loaded. Once the first scrape has landed (the scrape manager applies
targets on a ~5 s tick), the HTTP API is queried: the compliance series equal what the
daemon's own findings say, every rule loaded healthy, and every dashboard expression
evaluates. Both processes are stopped by PID.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubedrift.model.findings import Severity
from tests.integration.metrics.test_promtool import simulated_settings
from tests.integration.metrics.tools import RULES, binary, dashboard_expressions

pytestmark = [pytest.mark.slow, pytest.mark.integration]

WAIT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for(what: str, probe: Any, process: subprocess.Popen[bytes] | None = None) -> Any:
    """Poll `probe()` until it returns something truthy; fail when `process` died."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"{what}: process exited {process.returncode}: {err.decode()[-2000:]}")
        try:
            found = probe()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.25)
    pytest.fail(f"{what}: not within {WAIT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    process.communicate()


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[str]:
    """A running `kubedrift daemon` on the simulated fleet, ready; its base URL."""
    port = free_port()
    config = simulated_settings(
        tmp_path,
        http={"listen": f"127.0.0.1:{port}"},
        schedule={"interval": 3600, "jitter": 0},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "kubedrift", "daemon", "--config", str(config)],
        cwd=tmp_path,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                return bool(response.status == 200)
        except urllib.error.HTTPError:
            return False

    try:
        wait_for("daemon ready", ready, process)
        yield base
    finally:
        stop(process)


@pytest.fixture
def prometheus(tmp_path: Path, daemon: str) -> Iterator[str]:
    """A real Prometheus scraping the daemon every second, with the alert rules."""
    executable = binary("prometheus")
    binary("promtool")  # the same package: a half-installed one fails here, clearly
    port = free_port()
    home = tmp_path / "prometheus"
    home.mkdir()
    (home / "prometheus.yml").write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(RULES)],
                "scrape_configs": [
                    {
                        "job_name": "kubedrift",
                        "static_configs": [{"targets": [daemon.removeprefix("http://")]}],
                    }
                ],
            }
        )
    )
    process = subprocess.Popen(
        [
            executable,
            f"--config.file={home / 'prometheus.yml'}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for("prometheus ready", lambda: urllib.request.urlopen(f"{base}/-/ready"), process)
        yield base
    finally:
        stop(process)


def query(prometheus: str, expr: str) -> dict[str, Any]:
    url = f"{prometheus}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    answer: dict[str, Any] = get_json(url)
    return answer


def test_prometheus_sees_compliance_matching_the_findings_and_loads_the_rules(
    daemon: str, prometheus: str
) -> None:
    def first_scrape() -> list[Any] | None:
        result = query(prometheus, "kubedrift_cluster_compliant")["data"]["result"]
        return result or None

    # The first scrape lands after the scrape manager's ~5 s target tick.
    series = wait_for("first scrape", first_scrape)
    scraped = {s["metric"]["cluster"]: float(s["value"][1]) for s in series}

    clusters = {c["key"] for c in get_json(f"{daemon}/v1/clusters")["clusters"]}
    findings = get_json(f"{daemon}/v1/findings")["findings"]
    flagged = {
        f["key"]["cluster"]
        for f in findings
        if f["waived_by"] is None and Severity(f["severity"]) >= Severity.LOW
    }
    assert set(scraped) == clusters
    assert scraped == {key: 0.0 if key in flagged else 1.0 for key in clusters}
    assert flagged  # the simulated fleet has drift: a 0 here is not a default

    # Fleet compliance as the dashboard computes it.
    fleet = query(
        prometheus, "sum(kubedrift_cluster_compliant) / count(kubedrift_cluster_compliant)"
    )["data"]["result"]
    assert float(fleet[0]["value"][1]) == pytest.approx(1 - len(flagged) / len(clusters))

    # Open findings by severity, as Prometheus has them, equal the daemon's states.
    by_severity = query(prometheus, "sum by (severity) (kubedrift_open_findings)")
    counted = {s["metric"]["severity"]: float(s["value"][1]) for s in by_severity["data"]["result"]}
    expected: dict[str, float] = {}
    for f in findings:
        expected[f["severity"]] = expected.get(f["severity"], 0.0) + 1
    assert counted == expected

    groups = get_json(f"{prometheus}/api/v1/rules")["data"]["groups"]
    rules = [r for g in groups for r in g["rules"]]
    loaded = {r["name"] for r in rules}
    deployed = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    assert loaded == deployed
    assert all(r["health"] != "err" for r in rules), [r for r in rules if r.get("lastError")]

    for expr in dashboard_expressions():
        answer = query(prometheus, expr)
        assert answer["status"] == "success", (expr, answer)
