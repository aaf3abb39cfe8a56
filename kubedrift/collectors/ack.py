"""The Alibaba Cloud ACK collector (`type: ack`), through `alibabacloud-cs20151215`.

The only module that imports the ACK SDK. `discover()` pages `DescribeClustersV1` per
configured region, sending `region_id` (without it ACK lists every region, so a per-region
loop would count each cluster once per region). `collect()` reads one cluster's detail,
node pools and add-ons, and the versions ACK offers (`DescribeKubernetesVersionMetadata`,
cached per region and cluster type). Every call runs through the source's gate with the
SDK's own retries off; `ack_errors` turns SDK exceptions into `CollectError`, and
`ack_parse` turns answers into inventory parts. See docs/collectors/ack.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from itertools import zip_longest
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client as CsClient
from alibabacloud_tea_openapi import utils_models as open_api_models
from darabonba.runtime import RuntimeOptions

from kubedrift.collectors import ack_parse as parse
from kubedrift.collectors.ack_config import AckConfig, credentials
from kubedrift.collectors.ack_errors import translate
from kubedrift.collectors.base import ApiGate, CollectorConfig
from kubedrift.collectors.cache import TtlCache
from kubedrift.errors import CollectError
from kubedrift.model.inventory import (
    Addon,
    ClusterInventory,
    ClusterRef,
    ControlPlane,
    FailureReason,
    NodePool,
)
from kubedrift.versions import KubeVersion

__all__ = ["AckCollector", "AckConfig"]

log = logging.getLogger(__name__)
T = TypeVar("T")
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
        self._gate = gate
        self._clock = clock
        # A missing variable fails discover()/collect() as a `config` failure of this source,
        # not the construction of every source of the run.
        self._config_error: CollectError | None = None
        try:
            self._credentials = credentials(config, environ)
        except CollectError as exc:
            self._config_error, self._credentials = exc, {}
        # The key id too: half of the pair, and no error message needs it (the source's
        # name says which credentials were refused).
        self._secrets = tuple(v for v in self._credentials.values() if v)
        ms = max(1, int(config.timeout * 1000))
        self._runtime = RuntimeOptions(autoretry=False, read_timeout=ms, connect_timeout=ms)
        self._clients: dict[str, CsClient] = {}
        self._lock = threading.Lock()
        self._metadata = TtlCache(config.metadata_ttl)

    # -- plumbing ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._clients.clear()

    def _client(self, region: str) -> CsClient:
        if self._config_error is not None:
            raise self._config_error
        with self._lock:
            client = self._clients.get(region)
            if client is None:
                client = CsClient(_sdk_config(self.config, region, self._credentials))
                self._clients[region] = client
            return client

    def _call(self, operation: str, region: str, fn: Callable[[], T]) -> T:
        def guarded() -> T:
            try:
                return fn()
            except CollectError:
                raise
            except parse.MalformedAnswer as exc:
                raise CollectError(
                    f"{operation}: {exc}", reason=FailureReason.MALFORMED.value, retryable=False
                ) from exc
            except Exception as exc:  # the SDK's exceptions have no useful common base
                raise translate(exc, operation, self._secrets) from exc

        return self._gate(operation, guarded, region=region)

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
                    raise CollectError(
                        f"DescribeClustersV1: {exc}",
                        reason=FailureReason.MALFORMED.value,
                        retryable=False,
                    ) from exc
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
        client = self._client(region)
        size = self.config.page_size

        def page(number: int) -> parse.ClusterPage:
            request = cs_models.DescribeClustersV1Request(
                region_id=region, page_number=number, page_size=size
            )
            answer = client.describe_clusters_v1with_options(request, {}, self._runtime)
            return parse.cluster_page(answer.body.to_map())

        clusters: list[Mapping[str, Any]] = []
        for number in range(1, _MAX_PAGES + 1):
            found = self._call("DescribeClustersV1", region, partial(page, number))
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
        client = self._client(region)
        cid = cluster.id
        detail = self._call(
            "DescribeClusterDetail",
            region,
            lambda: parse.cluster_detail(
                client.describe_cluster_detail_with_options(cid, {}, self._runtime).body.to_map()
            ),
        )
        unknown: list[str] = []
        raw_version = parse.text_or_none(detail.get("current_version"))
        version = parse.version_or_none(raw_version)
        if version is None:
            unknown.append("control_plane.version")
        pools = self._node_pools(region, client, cid, unknown)
        addons = self._addons(region, client, cid, unknown)
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

    def _node_pools(
        self, region: str, client: CsClient, cid: str, unknown: list[str]
    ) -> list[NodePool]:
        # A cluster whose pools cannot be read fails: without pools there is no kubelet skew.
        body = self._call(
            "DescribeClusterNodePools",
            region,
            lambda: parse.node_pools(
                client.describe_cluster_node_pools_with_options(
                    cid, cs_models.DescribeClusterNodePoolsRequest(), {}, self._runtime
                ).body.to_map()
            ),
        )
        pools = []
        for raw in body:
            try:
                pool, known = parse.node_pool(raw)
            except parse.MalformedAnswer as exc:
                raise CollectError(
                    f"DescribeClusterNodePools: {exc}",
                    reason=FailureReason.MALFORMED.value,
                    retryable=False,
                ) from exc
            if not known:
                unknown.append(f"node_pools.{pool.id}.kubelet_version")
            pools.append(pool)
        return pools

    def _addons(self, region: str, client: CsClient, cid: str, unknown: list[str]) -> list[Addon]:
        # Add-ons are secondary: a failure leaves them unknown instead of failing the cluster.
        try:
            installed = self._call(
                "ListClusterAddonInstances",
                region,
                lambda: parse.installed_addons(
                    client.list_cluster_addon_instances_with_options(
                        cid, {}, self._runtime
                    ).body.to_map()
                ),
            )
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
                    available, upgradable = self._newer(region, client, cid, item)
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

    def _newer(
        self, region: str, client: CsClient, cid: str, item: parse.InstalledAddon
    ) -> tuple[tuple[str, ...], bool]:
        request = cs_models.DescribeAddonRequest(cluster_id=cid, version=item.version)
        return self._call(
            "DescribeAddon",
            region,
            lambda: parse.newer_versions(
                client.describe_addon_with_options(
                    item.name, request, {}, self._runtime
                ).body.to_map()
            ),
        )

    def _offers(
        self, region: str, cluster_type: str, version: KubeVersion, raw: str, unknown: list[str]
    ) -> ControlPlane:
        client = self._client(region)

        def fetch(kubernetes_version: str | None) -> list[Mapping[str, Any]]:
            request = cs_models.DescribeKubernetesVersionMetadataRequest(
                region=region,
                cluster_type=cluster_type,
                kubernetes_version=kubernetes_version,
                query_upgradable_version=True if kubernetes_version else None,
            )
            return self._call(
                "DescribeKubernetesVersionMetadata",
                region,
                lambda: parse.metadata_entries(
                    [
                        e.to_map()
                        for e in client.describe_kubernetes_version_metadata_with_options(
                            request, {}, self._runtime
                        ).body
                    ]
                ),
            )

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


def _sdk_config(config: AckConfig, region: str, keys: Mapping[str, str]) -> open_api_models.Config:
    endpoint = protocol = None
    if config.endpoint:
        parts = urlsplit(config.endpoint if "://" in config.endpoint else f"//{config.endpoint}")
        endpoint = parts.netloc or config.endpoint
        protocol = parts.scheme or None  # host:port alone keeps the SDK's HTTPS
    if keys:
        return open_api_models.Config(
            region_id=region, endpoint=endpoint, protocol=protocol, **keys
        )
    from alibabacloud_credentials.client import Client as CredentialClient

    # RAM role on ECS, OIDC (RRSA) inside ACK, profile file, ...: the SDK's default chain.
    return open_api_models.Config(
        region_id=region, endpoint=endpoint, protocol=protocol, credential=CredentialClient()
    )
