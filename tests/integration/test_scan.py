"""`kubedrift scan` end to end: settings -> simulated fleet servers -> real collectors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kubedrift.cli import main
from kubedrift.model.inventory import InventoryDocument
from kubedrift.sim.fleet import load_fleet

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.slow


def test_scan_of_the_simulated_fleet_writes_the_inventory_document(tmp_path: Path) -> None:
    output = tmp_path / "inventory.json"
    code = main(
        [
            "scan",
            "--config",
            str(EXAMPLES / "simulated.yaml"),
            "--format",
            "json",
            "--output",
            str(output),
        ]
    )
    assert code == 0
    document = InventoryDocument.model_validate_json(output.read_text())
    fleet = load_fleet()
    expected = [c.key for c in fleet.clusters] + [s.key for s in (*fleet.swarms, *fleet.mesos)]
    assert sorted(c.key for c in document.clusters) == sorted(expected)
    assert document.failures == ()
    by_name = {c.name: c for c in document.clusters}
    assert by_name["prod-hz-payments"].labels["fleet"] == "simulated"
    assert by_name["prod-hz-payments"].labels["team"] == "payments"
    assert by_name["legacy-swarm-bj"].labels["fleet"] == "simulated"
    assert by_name["bigdata-mesos-sh"].platform == "mesos"
    legacy = [p for p in by_name["prod-sh-web"].node_pools if p.name == "legacy-pool"]
    assert legacy and legacy[0].kubelet_version is None


def test_a_failing_source_makes_the_scan_incomplete(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    shutil.copy(Path(__file__).resolve().parents[2] / "kubedrift/sim/data/fleet.yaml", fleet)
    settings = tmp_path / "kubedrift.yaml"
    settings.write_text(
        "sources:\n"
        "  - {name: sim, type: simulated, fleet: fleet.yaml}\n"
        "  - {name: broken, type: kubeconfig, kubeconfig: missing.yaml}\n"
    )
    output = tmp_path / "out.txt"
    code = main(["scan", "--config", str(settings), "--output", str(output)])
    assert code == 4
    text = output.read_text()
    assert "10 clusters collected, 1 failures" in text
    assert "source broken: config:" in text
