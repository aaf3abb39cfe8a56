from __future__ import annotations

from typing import Any

import pytest

from kubedrift.model.findings import Severity
from kubedrift.policies.rules.apis import RemovedApiInUse
from kubedrift.policies.rules.meta import VersionUnknown
from tests.unit.policies.rules.builders import cluster, run, target


def use(group: str, version: str, resource: str, removed: str | None = None) -> dict[str, Any]:
    return {"group": group, "version": version, "resource": resource, "removed_release": removed}


@pytest.mark.parametrize(
    ("k8s", "goal", "api", "expected"),
    [
        (
            "1.28.5",
            "1.28",
            use("flowcontrol.apiserver.k8s.io", "v1beta2", "flowschemas", "1.29"),
            Severity.HIGH,
        ),
        # Removal not reported by the API server: the packaged deprecation guide says 1.29.
        (
            "1.28.5",
            "1.28",
            use("flowcontrol.apiserver.k8s.io", "v1beta2", "flowschemas"),
            Severity.HIGH,
        ),
        (
            "1.29.5",
            "1.32",
            use("flowcontrol.apiserver.k8s.io", "v1beta3", "flowschemas"),
            Severity.MEDIUM,
        ),
        ("1.29.5", "1.30", use("flowcontrol.apiserver.k8s.io", "v1beta3", "flowschemas"), None),
        ("1.29.5", "1.32", use("example.com", "v1alpha1", "widgets"), None),  # unknown removal
    ],
)
def test_removed_api(k8s: str, goal: str, api: dict[str, Any], expected: Severity | None) -> None:
    found = run(RemovedApiInUse, cluster(k8s, deprecated=[api]), target(goal))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


def test_removed_api_not_collected_is_its_own_finding() -> None:
    [finding] = run(RemovedApiInUse, cluster("1.28.5", deprecated=None), target("1.28"))
    assert finding.severity is Severity.INFO and finding.summary.startswith("could not determine")


def test_version_unknown_names_every_gap() -> None:
    inventory = cluster(
        None,
        components=(("kube-scheduler", None),),
        pools=(
            {"kubelet_version": None},
            {"kubelet_version": "1.30.1", "versions_seen": {"weird": 1}},
        ),
        addons=({"name": "mystery", "version": None},),
        unknown=("deprecated_apis",),
    )
    found = run(VersionUnknown, inventory)
    assert sorted(f.key.component for f in found) == [
        "addon/mystery",
        "control-plane",
        "control-plane/kube-scheduler",
        "inventory/deprecated_apis",
        "node-pool/np-0",
        "node-pool/np-1",
    ]
    assert {f.severity for f in found} == {Severity.MEDIUM}


def test_version_unknown_silent_when_everything_is_known() -> None:
    inventory = cluster("1.30.1", pools=({"versions_seen": {"1.30.1": 2}},))
    assert run(VersionUnknown, inventory) == []


def test_version_unknown_says_a_gap_once() -> None:
    # The collector notes the pool's kubelet and the control plane's version as unknown; the
    # findings about them say so already, so the notes do not make second findings.
    inventory = cluster(
        None,
        pools=({"kubelet_version": None},),
        unknown=("control_plane.version", "node_pools.np-0.kubelet_version", "addons"),
    )
    found = run(VersionUnknown, inventory)
    assert sorted(f.key.component for f in found) == [
        "control-plane",
        "inventory/addons",
        "node-pool/np-0",
    ]
