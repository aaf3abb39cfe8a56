"""The Alibaba Cloud ACK collector (`type: ack`); its calls go through `ack_api.AckApi`, the
only module that imports the ACK SDK.

`discover()` pages `DescribeClustersV1` per configured region, sending `region_id` (without
it ACK lists every region, so a per-region loop would count each cluster once per region).
`collect()` reads one cluster's detail, node pools and add-ons, and the versions ACK offers
(`DescribeKubernetesVersionMetadata`, cached per region and cluster type); a secondary part
that cannot be read is named unknown. `ack_parse` turns answers into inventory parts. See
docs/collectors/ack.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from itertools import zip_longest
from typing import Any, ClassVar

from kubedrift.collectors import ack_parse as parse
from kubedrift.collectors.ack_api import AckApi, malformed
from kubedrift.collectors.ack_config import AckConfig
from kubedrift.collectors.base import ApiGate, CollectorConfig
from kubedrift.collectors.cache import TtlCache
from kubedrift.errors import CollectError
from kubedrift.model.inventory import (
    Addon,
    ClusterInventory,
    ClusterRef,
    ControlPlane,
    NodePool,
)
from kubedrift.versions import KubeVersion

__all__ = ["AckCollector", "AckConfig"]

log = logging.getLogger(__name__)
_MAX_PAGES = 1000  # a server that never stops paging must not keep us forever


class AckCollector:
    """Reads ACK clusters; constructed as `AckCollector(config, gate, environ)`."""

    Config: ClassVar[type[CollectorConfig]] = AckConfig

    def __init__(
        self,
        config: CollectorConfig,
        gate: ApiGate,
        environ: Mapping[str, str],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not isinstance(config, AckConfig):
            raise TypeError(f"AckCollector needs an AckConfig, got {type(config).__name__}")
        self.config = config
        self._api = AckApi(config, gate, environ)
        self._clock = clock
        self._metadata = TtlCache(config.metadata_ttl)

    def close(self) -> None:
        self._api.close()

    # -- discovery --------------------------------------------------------------------------
    def discover(self) -> list[ClusterRef]:
        by_region: dict[str, dict[str, ClusterRef]] = {}
        for region in self.config.regions:
            found = by_region.setdefault(region, {})
            for cluster in self._list_region(region):
                if self.config.cluster_types and (
                    cluster.get("cluster_type") not in self.config.cluster_types
                ):
                    continue
                try:
                    ref = parse.cluster_ref(
                        cluster, source=self.config.name, static_labels=self.config.labels
                    )
                except parse.MalformedAnswer as exc:
                    raise malformed("DescribeClustersV1", exc) from exc
                if ref.region != region:
                    # region_id is a filter ACK applies; drop anything that slipped through.
                    log.warning("cluster outside its region page", extra={"cluster": ref.key})
                    continue
                if self.config.wants(ref):
                    found[ref.key] = ref
        # Interleave the regions: the runner's pool then draws on every region's rate-limit
        # bucket at once, instead of finishing one region before starting the next.
        columns = [list(refs.values()) for refs in by_region.values()]
        return [ref for row in zip_longest(*columns) for ref in row if ref is not None]

    def _list_region(self, region: str) -> list[Mapping[str, Any]]:
        size = self.config.page_size
        clusters: list[Mapping[str, Any]] = []
        for number in range(1, _MAX_PAGES + 1):
            found = self._api.cluster_page(region, number, size)
            clusters.extend(found.clusters)
            total = found.total_count
            if not found.clusters or (total is not None and len(clusters) >= total):
                break
            if total is None and len(found.clusters) < size:
                break
        return clusters

    # -- one cluster ------------------------------------------------------------------------
    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        region = cluster.region or self.config.regions[0]
        cid = cluster.id
        detail = self._api.cluster_detail(region, cid)
        unknown: list[str] = []
        raw_version = parse.text_or_none(detail.get("current_version"))
        version = parse.version_or_none(raw_version)
        if version is None:
            unknown.append("control_plane.version")
        pools = self._node_pools(region, cid, unknown)
        addons = self._addons(region, cid, unknown)
        control_plane = ControlPlane(version=version)
        if version is not None and raw_version is not None:
            cluster_type = parse.text_or_none(detail.get("cluster_type")) or "ManagedKubernetes"
            control_plane = self._offers(region, cluster_type, version, raw_version, unknown)
        return ClusterInventory.model_validate(
            {
                "ref": cluster,
                "collected_at": self._clock(),
                "control_plane": control_plane,
                "node_pools": tuple(pools),
                "addons": tuple(addons),
                "unknown": tuple(unknown),
            }
        )

    def _node_pools(self, region: str, cid: str, unknown: list[str]) -> list[NodePool]:
        # A cluster whose pools cannot be read fails: without pools there is no kubelet skew.
        pools = []
        for raw in self._api.node_pools(region, cid):
            try:
                pool, known = parse.node_pool(raw)
            except parse.MalformedAnswer as exc:
                raise malformed("DescribeClusterNodePools", exc) from exc
            if not known:
                unknown.append(f"node_pools.{pool.id}.kubelet_version")
            pools.append(pool)
        return pools

    def _addons(self, region: str, cid: str, unknown: list[str]) -> list[Addon]:
        # Add-ons are secondary: a failure leaves them unknown instead of failing the cluster.
        try:
            installed = self._api.installed_addons(region, cid)
        except CollectError as exc:
            log.warning("add-ons unknown: %s", exc, extra={"cluster": cid, "reason": exc.reason})
            unknown.append("addons")
            return []
        addons = []
        for item in installed:
            available: tuple[str, ...] = ()
            upgradable: bool | None = None
            if self.config.addon_versions:
                try:
                    available, upgradable = self._api.newer_versions(region, cid, item)
                except CollectError as exc:
                    log.warning("add-on versions unknown: %s", exc, extra={"cluster": cid})
                    unknown.append(f"addons.{item.name}.available_versions")
            addons.append(
                Addon(
                    name=item.name,
                    kind=parse.addon_kind(item.name),
                    version=item.version,
                    available_versions=available,
                    upgradable=upgradable,
                )
            )
        return addons

    def _offers(
        self, region: str, cluster_type: str, version: KubeVersion, raw: str, unknown: list[str]
    ) -> ControlPlane:
        def fetch(kubernetes_version: str | None) -> list[Mapping[str, Any]]:
            return self._api.version_metadata(region, cluster_type, kubernetes_version)

        try:
            offered = self._metadata.get((region, cluster_type, None), lambda: fetch(None))
            upgrades = self._metadata.get((region, cluster_type, raw), lambda: fetch(raw))
        except CollectError as exc:
            log.warning("offered versions unknown: %s", exc, extra={"region": region})
            unknown.extend(("control_plane.available_versions", "control_plane.support"))
            return ControlPlane(version=version)
        upgradable = parse.upgradable_versions(upgrades, raw)
        if upgradable is None:
            unknown.append("control_plane.upgradable_versions")
        try:
            support = parse.support_window(
                offered,
                version,
                region=region,
                cluster_type=cluster_type,
                retrieved=self._clock().date(),
            )
        except parse.MalformedAnswer as exc:
            log.warning("support window unreadable: %s", exc, extra={"region": region})
            support = None
        if support is None:
            unknown.append("control_plane.support")
        return ControlPlane(
            version=version,
            available_versions=parse.offered_versions(offered),
            upgradable_versions=upgradable or (),
            support=support,
        )
