"""Plain-text views of an inventory document for terminals (100 columns)."""

from __future__ import annotations

from collections.abc import Iterable

from kubedrift.model.inventory import ClusterInventory, CollectionFailed, InventoryDocument
from kubedrift.versions import KubeVersion


def _span(versions: Iterable[KubeVersion | None]) -> str:
    known = sorted({v for v in versions if v is not None})
    if not known:
        return "unknown"
    if len(known) == 1:
        return known[0].raw
    return f"{known[0].raw} .. {known[-1].raw}"


def _pools(cluster: ClusterInventory) -> str:
    if not cluster.node_pools:
        return "none" if "node_pools" not in cluster.unknown else "unknown"
    nodes = sum(p.node_count or 0 for p in cluster.node_pools)
    unknown = sum(1 for p in cluster.node_pools if p.kubelet_version is None)
    span = _span(p.kubelet_version for p in cluster.node_pools)
    text = f"{len(cluster.node_pools)} ({nodes} nodes) {span}"
    if unknown:
        text += f", {unknown} unknown"
    return text


def cluster_rows(document: InventoryDocument) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for cluster in sorted(document.clusters, key=lambda c: (c.provider, c.region or "", c.name)):
        version = cluster.control_plane.version
        where = f"{cluster.provider}/{cluster.region}" if cluster.region else cluster.provider
        rows.append(
            (
                cluster.name,
                where,
                version.raw if version else "unknown",
                _pools(cluster),
                str(len(cluster.addons)),
            )
        )
    return rows


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(header)).rstrip()]
    for row in rows:
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return lines


def _failure_line(failure: CollectionFailed) -> str:
    where = failure.cluster.key if failure.cluster else f"source {failure.source}"
    return f"  {where}: {failure.reason.value}: {failure.message}"


def render_table(document: InventoryDocument) -> str:
    lines = _table(
        ("CLUSTER", "WHERE", "CONTROL PLANE", "NODE POOLS (kubelet)", "ADD-ONS"),
        cluster_rows(document),
    )
    lines.append("")
    lines.append(f"{len(document.clusters)} clusters collected, {len(document.failures)} failures")
    if document.failures:
        lines.append("could not collect:")
        lines.extend(_failure_line(f) for f in document.failures)
    return "\n".join(lines) + "\n"
