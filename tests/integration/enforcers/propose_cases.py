"""The inventories, plan and settings `kubedrift propose`'s tests share: the example
Terraform in a bare remote, the fake GitHub, a file ticket sink (fixtures in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kubedrift.cli import main
from kubedrift.model.inventory import ClusterInventory, ControlPlane, InventoryDocument
from kubedrift.versions import parse_version

NOW = datetime(2026, 1, 15, 8, tzinfo=UTC)
TOKEN = "ghp-propose-test"
PLAN = """
version: 1
groups:
  - name: prod
    selector: {labels: {env: prod}}
    target: {kubernetes: "1.30", allowed_lag: {minors: 0}}
"""


def inventory(
    provider: str, cid: str, name: str, region: str, *, version: str, offered: tuple[str, ...]
) -> ClusterInventory:
    return ClusterInventory(
        provider=provider,
        source=provider,
        id=cid,
        name=name,
        region=region,
        labels={"env": "prod"},
        collected_at=NOW,
        control_plane=ControlPlane(
            version=parse_version(version),
            upgradable_versions=tuple(parse_version(v) for v in offered),
            available_versions=tuple(parse_version(v) for v in offered),
        ),
    )


# Two drifted clusters whose Terraform is in `terraform/`, and one already at its target.
TKE = inventory(
    "tke", "cls-7xk2p9ab", "orders", "ap-shanghai", version="1.28.3", offered=("1.29.3", "1.30.0")
)
EKS = inventory("eks", "payments", "payments", "us-east-1", version="1.29.8", offered=("1.30.4",))
ACK = inventory(
    "ack", "c8d3f0a1b2", "ack-prod", "cn-hangzhou",
    version="1.30.1-aliyun.1", offered=("1.30.1-aliyun.1",),
)  # fmt: skip


def propose(setup: Path, *extra: str) -> int:
    inv = str(setup.parent / "inventory.json")
    return main(["propose", "--config", str(setup), "--inventory", inv, "--now", "2026-01-15",
                 *extra])  # fmt: skip


def tickets(setup: Path) -> list[str]:
    return sorted(p.name for p in (setup.parent / "tickets").glob("*.md"))


def write_inventory(setup: Path, *clusters: ClusterInventory) -> None:
    document = InventoryDocument(collected_at=NOW, clusters=clusters)
    (setup.parent / "inventory.json").write_text(document.model_dump_json(), encoding="utf-8")
