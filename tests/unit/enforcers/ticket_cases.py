"""A realistic ACK cluster for the ticket tests: control plane at 1.28, one pool four minors
behind on Docker, one pool with nodes at two patches, an API removed in 1.29 still in use."""

from __future__ import annotations

from datetime import UTC, datetime

from kubedrift.calendar import load_calendar
from kubedrift.enforcers.ticket_content import build_ticket
from kubedrift.enforcers.ticket_model import Ticket
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import (
    Addon,
    AddonKind,
    ClusterInventory,
    ControlPlane,
    DeprecatedApiUse,
    NodePool,
)
from kubedrift.model.upgrades import UpgradePath
from kubedrift.policies.engine import evaluate
from kubedrift.policies.planfile import parse_plan
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.versions import MinorVersion, parse_version

NOW = datetime(2026, 1, 15, 8, tzinfo=UTC)
PLAN = """
version: 1
groups:
  - name: prod
    selector: {labels: {env: prod}}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
"""


def ack_prod(
    *,
    deprecated: tuple[DeprecatedApiUse, ...] | None = (
        DeprecatedApiUse(
            group="flowcontrol.apiserver.k8s.io",
            version="v1beta2",
            resource="flowschemas",
            removed_release="1.29",
        ),
    ),
    legacy_kubelet: str = "1.24.6-aliyun.1",
    cid: str = "c8d3f0a1b2",
    name: str = "ack-prod",
) -> ClusterInventory:
    return ClusterInventory(
        provider="ack",
        source="ack-prod",
        id=cid,
        name=name,
        region="cn-hangzhou",
        labels={"env": "prod", "team": "payments"},
        collected_at=NOW,
        control_plane=ControlPlane(
            version=parse_version("1.28.9-aliyun.1"),
            upgradable_versions=(parse_version("1.30.1-aliyun.1"),),
            available_versions=(parse_version("1.30.1-aliyun.1"), parse_version("1.31.1-aliyun.1")),
        ),
        node_pools=(
            NodePool(
                id="np-web",
                name="web",
                kubelet_version=parse_version("1.28.3-aliyun.1"),
                runtime="containerd",
                node_count=24,
                versions_seen={"1.28.3-aliyun.1": 20, "1.28.9-aliyun.1": 4},
            ),
            NodePool(
                id="np-legacy",
                name="legacy",
                kubelet_version=parse_version(legacy_kubelet),
                runtime="docker",
                node_count=6,
                versions_seen={legacy_kubelet: 6},
            ),
        ),
        addons=(
            Addon(name="coredns", kind=AddonKind.DNS, running_version="v1.10.1.1-aliyun"),
            Addon(name="terway-eniip", kind=AddonKind.CNI, running_version="v1.9.2"),
        ),
        deprecated_apis=deprecated,
    )


def path_and_findings(inventory: ClusterInventory) -> tuple[UpgradePath, list[Finding]]:
    path = plan_upgrade(inventory, MinorVersion(1, 30))
    findings = evaluate(parse_plan(PLAN), [inventory], NOW, load_calendar())
    return path, findings


def ticket(inventory: ClusterInventory | None = None) -> Ticket:
    inventory = inventory or ack_prod()
    path, findings = path_and_findings(inventory)
    return build_ticket(inventory, path, findings)
