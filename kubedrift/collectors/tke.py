"""Tencent Cloud TKE collector (`type: tke`); its calls go through `tke_api.TkeApi`, the
only module that imports the TKE SDK.

Discovery pages `DescribeClusters` in every configured region. Collecting one cluster
reads its node pools, its worker instances (instance -> pool), the per-node versions
`CheckInstancesUpgradeAble` reports, its add-ons and the versions TKE offers. Every call
goes through the source's `ApiGate`; SDK exceptions become `CollectError` in `tke_api`,
and no secret ever reaches a message. See docs/collectors/tke.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from kubedrift.collectors import tke_parse as parse
from kubedrift.collectors.base import ApiGate, CollectorConfig
from kubedrift.collectors.tke_api import TkeApi
from kubedrift.collectors.tke_config import TkeConfig
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterInventory, ClusterRef, ControlPlane
from kubedrift.versions import KubeVersion, version_or_none

T = TypeVar("T")

PAGE = 100  # the largest Limit TKE accepts on every paged call we make


class TkeCollector:
    """Reads TKE clusters through `tencentcloud-sdk-python-tke`."""

    Config: ClassVar[type[CollectorConfig]] = TkeConfig

    def __init__(self, config: CollectorConfig, gate: ApiGate, environ: Mapping[str, str]) -> None:
        if not isinstance(config, TkeConfig):
            raise TypeError(f"TkeCollector needs a TkeConfig, got {type(config).__name__}")
        self.config = config
        self._api = TkeApi(config, gate, environ)
        # Learned in discover(): collect() needs the version DescribeClusters reports.
        self._versions: dict[str, str | None] = {}
        self._offered: dict[str, tuple[Any, ...]] = {}
        self._upgradable: dict[str, tuple[KubeVersion, ...]] = {}

    @staticmethod
    def _malformed(operation: str, exc: Exception) -> CollectError:
        return CollectError(
            f"{operation}: unexpected answer: {exc}", reason="malformed", retryable=False
        )

    # -- discovery -----------------------------------------------------------------------
    def discover(self) -> list[ClusterRef]:
        per_region = [self._discover_region(region) for region in self.config.regions]
        # Interleave the regions: the runner reads clusters in this order, and each region
        # has its own rate limit, so neighbours in different regions do not wait on each other.
        found: list[ClusterRef] = []
        for row in itertools.zip_longest(*per_region):
            found.extend(ref for ref in row if ref is not None)
        return found

    def _discover_region(self, region: str) -> list[ClusterRef]:
        found: list[ClusterRef] = []
        offset = 0
        while True:
            answer = self._api.call("DescribeClusters", region, Offset=offset, Limit=PAGE)
            try:
                page = list(answer.Clusters or ())
                total = parse.count(answer.TotalCount, "TotalCount")
                refs = []
                for cluster in page:
                    ref = parse.cluster_ref(
                        cluster, source=self.config.name, region=region, labels=self.config.labels
                    )
                    self._versions[ref.key] = parse.text(cluster.ClusterVersion)
                    if self.config.wants(ref):
                        refs.append(ref)
            except (parse.MalformedAnswerError, AttributeError, TypeError) as exc:
                raise self._malformed("DescribeClusters", exc) from exc
            self._prefetch_upgradable(region, refs)
            found.extend(refs)
            offset += len(page)
            # An empty page ends the walk even if TotalCount promised more
            # (clusters deleted while paging): never loop forever.
            if not page or offset >= total:
                return found

    def _prefetch_upgradable(self, region: str, refs: list[ClusterRef]) -> None:
        """One `DescribeAvailableClusterVersion` for a page of clusters (it takes `ClusterIds`)
        instead of one per cluster: a fifth fewer calls against a 20/s quota. Best effort:
        a cluster missing here is asked on its own in `collect`."""
        if not refs:
            return
        try:
            answer = self._api.call(
                "DescribeAvailableClusterVersion", region, ClusterIds=[r.id for r in refs]
            )
            for item in answer.Clusters or ():
                cluster_id = parse.text(item.ClusterId)
                if cluster_id is not None:
                    key = f"tke/{region}/{cluster_id}"
                    self._upgradable[key] = parse.versions(item.Versions or ())
        except (CollectError, parse.MalformedAnswerError, AttributeError, TypeError):
            return

    # -- one cluster ---------------------------------------------------------------------
    def _paged(
        self, operation: str, region: str, cluster_id: str, items: str, total: str
    ) -> tuple[list[Any], Any]:
        """Every item of a paged call about one cluster, and the last page (for its other
        fields)."""
        collected: list[Any] = []
        offset = 0
        while True:
            answer = self._api.call(
                operation, region, ClusterId=cluster_id, Offset=offset, Limit=PAGE
            )
            try:
                page = list(getattr(answer, items) or ())
                expected = parse.count(getattr(answer, total) or 0, total)
            except (parse.MalformedAnswerError, TypeError) as exc:
                raise self._malformed(operation, exc) from exc
            collected.extend(page)
            offset += len(page)
            if not page or offset >= expected:
                return collected, answer

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        region = cluster.region
        if not region:
            raise CollectError(
                f"{cluster.key}: a TKE cluster needs a region", reason="config", retryable=False
            )
        cid = cluster.id
        unknown: list[str] = []
        raw_version = self._cluster_version(cluster)
        pools_answer = self._api.call("DescribeClusterNodePools", region, ClusterId=cid)
        instances, _ = self._paged(
            "DescribeClusterInstances", region, cid, "InstanceSet", "TotalCount"
        )
        upgradable, last = self._paged(
            "CheckInstancesUpgradeAble", region, cid, "UpgradeAbleInstances", "Total"
        )
        try:
            instance_pool = {
                parse.text(i.InstanceId) or "": parse.text(i.NodePoolId) for i in instances
            }
            node_version = {
                parse.text(u.InstanceId) or "": parse.text(u.Version) or "unknown"
                for u in upgradable
            }
            # A node the check does not list runs the version the control plane runs:
            # the check's own ClusterVersion, else the one DescribeClusters gave.
            default = parse.text(last.ClusterVersion) or raw_version
            pools, pool_unknown = parse.node_pools(
                pools_answer.NodePoolSet or (), instance_pool, node_version, default
            )
        except (parse.MalformedAnswerError, AttributeError, TypeError, ValueError) as exc:
            raise self._malformed(f"node pools of {cluster.key}", exc) from exc
        unknown.extend(pool_unknown)

        addons = self._optional(
            "addons",
            unknown,
            lambda: parse.addons(
                self._api.call("DescribeAddon", region, ClusterId=cid).Addons or ()
            ),
        )
        upgradable_versions = self._upgradable.pop(cluster.key, None)
        if upgradable_versions is None:
            upgradable_versions = self._optional(
                "upgradable_versions",
                unknown,
                lambda: parse.versions(
                    self._api.call(
                        "DescribeAvailableClusterVersion", region, ClusterId=cid
                    ).Versions
                    or ()
                ),
            )
        available = self._optional("available_versions", unknown, lambda: self._offered_in(region))

        version = version_or_none(raw_version)
        if version is None:
            unknown.append("control_plane.version")
        return ClusterInventory.model_validate(
            {
                "ref": cluster,
                "collected_at": datetime.now(UTC),
                "control_plane": ControlPlane(
                    version=version,
                    available_versions=available or (),
                    upgradable_versions=upgradable_versions or (),
                    # TKE's API publishes no end-of-support dates: the calendar supplies them.
                    support=None,
                ),
                "node_pools": pools,
                "addons": addons or (),
                "unknown": tuple(unknown),
            }
        )

    def _optional(self, part: str, unknown: list[str], read: Callable[[], T]) -> T | None:
        """A part whose failure leaves the rest of the cluster readable: named unknown."""
        try:
            return read()
        except (CollectError, parse.MalformedAnswerError, AttributeError, TypeError):
            # The core calls already succeeded with the same credentials, so this is a
            # missing permission, a throttle that outlasted the retries or a bad answer.
            unknown.append(part)
        return None

    def _cluster_version(self, cluster: ClusterRef) -> str | None:
        if cluster.key in self._versions:
            return self._versions[cluster.key]
        answer = self._api.call("DescribeClusters", cluster.region or "", ClusterIds=[cluster.id])
        try:
            for item in answer.Clusters or ():
                if parse.text(item.ClusterId) == cluster.id:
                    return parse.text(item.ClusterVersion)
        except (parse.MalformedAnswerError, AttributeError) as exc:
            raise self._malformed("DescribeClusters", exc) from exc
        raise CollectError(f"{cluster.key}: no such cluster", reason="not_found", retryable=False)

    def _offered_in(self, region: str) -> tuple[Any, ...]:
        """Versions TKE offers for new clusters in a region, read once per collector."""
        if region not in self._offered:
            answer = self._api.call("DescribeVersions", region)
            items = answer.VersionInstanceSet or ()
            self._offered[region] = parse.versions(v.Version or v.Name for v in items)
        return self._offered[region]
