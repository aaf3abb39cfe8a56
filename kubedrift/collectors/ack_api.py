"""The ACK API as the collector calls it: the only module that imports the ACK SDK
(`alibabacloud-cs20151215`).

`AckApi` holds one SDK client per region, built from the source's AccessKey variables or,
without them, the SDK's default credential chain. Each method makes one call through the
source's gate with the SDK's own retries off, and returns the answer as `ack_parse` reads
it; SDK exceptions become `CollectError` (`ack_errors.translate`), answers of the wrong
shape a `malformed` one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_cs20151215.client import Client as CsClient
from alibabacloud_tea_openapi import utils_models as open_api_models
from darabonba.runtime import RuntimeOptions

from kubedrift.collectors import ack_parse as parse
from kubedrift.collectors.ack_config import AckConfig, credentials
from kubedrift.collectors.ack_errors import translate
from kubedrift.collectors.base import ApiGate
from kubedrift.errors import CollectError
from kubedrift.model.inventory import FailureReason

T = TypeVar("T")


def malformed(operation: str, exc: parse.MalformedAnswer) -> CollectError:
    """An answer of a shape ACK does not send: not retried, the next cycle asks again."""
    return CollectError(
        f"{operation}: {exc}", reason=FailureReason.MALFORMED.value, retryable=False
    )


class AckApi:
    """ACK calls for one source: its credentials, its clients and its gate."""

    def __init__(self, config: AckConfig, gate: ApiGate, environ: Mapping[str, str]) -> None:
        self.config = config
        self._gate = gate
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

    def close(self) -> None:
        with self._lock:
            self._clients.clear()

    # -- the calls ---------------------------------------------------------------------------
    def cluster_page(self, region: str, number: int, size: int) -> parse.ClusterPage:
        client = self._client(region)
        request = cs_models.DescribeClustersV1Request(
            region_id=region, page_number=number, page_size=size
        )
        return self._call(
            "DescribeClustersV1",
            region,
            lambda: parse.cluster_page(
                client.describe_clusters_v1with_options(request, {}, self._runtime).body.to_map()
            ),
        )

    def cluster_detail(self, region: str, cid: str) -> Mapping[str, Any]:
        client = self._client(region)
        return self._call(
            "DescribeClusterDetail",
            region,
            lambda: parse.cluster_detail(
                client.describe_cluster_detail_with_options(cid, {}, self._runtime).body.to_map()
            ),
        )

    def node_pools(self, region: str, cid: str) -> list[Mapping[str, Any]]:
        client = self._client(region)
        return self._call(
            "DescribeClusterNodePools",
            region,
            lambda: parse.node_pools(
                client.describe_cluster_node_pools_with_options(
                    cid, cs_models.DescribeClusterNodePoolsRequest(), {}, self._runtime
                ).body.to_map()
            ),
        )

    def installed_addons(self, region: str, cid: str) -> list[parse.InstalledAddon]:
        client = self._client(region)
        return self._call(
            "ListClusterAddonInstances",
            region,
            lambda: parse.installed_addons(
                client.list_cluster_addon_instances_with_options(
                    cid, {}, self._runtime
                ).body.to_map()
            ),
        )

    def newer_versions(
        self, region: str, cid: str, item: parse.InstalledAddon
    ) -> tuple[tuple[str, ...], bool]:
        client = self._client(region)
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

    def version_metadata(
        self, region: str, cluster_type: str, kubernetes_version: str | None
    ) -> list[Mapping[str, Any]]:
        """The versions ACK offers; with `kubernetes_version`, with its upgrade targets."""
        client = self._client(region)
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

    # -- plumbing ----------------------------------------------------------------------------
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
                raise malformed(operation, exc) from exc
            except Exception as exc:  # the SDK's exceptions have no useful common base
                raise translate(exc, operation, self._secrets) from exc

        return self._gate(operation, guarded, region=region)


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
