"""A fake ACK (Container Service for Kubernetes, API 2015-12-15) ROA server built from a `Fleet`.

It answers the read operations kubedrift's ACK collector calls, the way ACK does: GET paths,
`x-acs-action` / `x-acs-version` headers, ACS3-HMAC-SHA256 signatures recomputed with the
account's secret (`InvalidAccessKeyId.NotFound` for an unknown key, `SignatureDoesNotMatch`
for a wrong secret), `page_number` / `page_size` paging with `page_info.total_count`, a
`DescribeClustersV1` that lists every region when `region_id` is absent, a metadata
operation that answers a bare JSON array, and ACK's error body `{code, message, requestId}`.
Scripted faults and the provider-side quota (per account and region) come from `FakeServer`.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from kubedrift.sim.acs3 import AuthError, verify
from kubedrift.sim.fleet import Fleet, SimCluster, SimNodePool, SimOfferedVersion
from kubedrift.sim.server import FakeServer, Fault, Request, Response

API_VERSION = "2015-12-15"
_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("DescribeClustersV1", re.compile(r"^/api/v1/clusters$")),
    ("DescribeKubernetesVersionMetadata", re.compile(r"^/api/v1/metadata/versions$")),
    ("DescribeClusterNodePools", re.compile(r"^/clusters/(?P<id>[^/]+)/nodepools$")),
    ("ListClusterAddonInstances", re.compile(r"^/clusters/(?P<id>[^/]+)/addon_instances$")),
    ("DescribeClusterDetail", re.compile(r"^/clusters/(?P<id>[^/]+)$")),
    ("DescribeAddon", re.compile(r"^/addons/(?P<addon>[^/]+)$")),
)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"code": code, "message": message, "requestId": str(uuid.uuid4()).upper()}
    return Response(
        status,
        json.dumps(body).encode(),
        {"Content-Type": "application/json;charset=utf-8", **(headers or {})},
    )


def _ok(payload: Any) -> Response:
    return Response(
        200, json.dumps(payload).encode(), {"Content-Type": "application/json;charset=utf-8"}
    )


def _stamp(day: date | None) -> str:
    # ACK sends ISO 8601 with its zone (China Standard Time).
    return f"{day.isoformat()}T00:00:00+08:00" if day else ""


class AckFakeServer(FakeServer):
    """The ACK clusters of `fleet`, per account; `requests` records what the SDK sent."""

    name = "ack"

    def __init__(self, fleet: Fleet, **options: Any) -> None:
        super().__init__(**options)
        self.fleet = fleet
        self._secrets = {a.access_key_id: a.access_key_secret for a in fleet.accounts.values()}
        self._accounts = {a.access_key_id: name for name, a in fleet.accounts.items()}
        self._nonces: set[str] = set()
        self._nonce_lock = threading.Lock()

    # -- FakeServer hooks -------------------------------------------------------------------
    def operation_of(self, request: Request) -> tuple[str, str | None]:
        for operation, pattern in _ROUTES:
            match = pattern.match(request.path)
            if match:
                target = match.groupdict().get("id") or request.query.get("cluster_id")
                return operation, target
        return "Unknown", None

    def rate_limit_key(self, request: Request) -> str:
        _, target = self.operation_of(request)
        account = self._accounts.get(_access_key_of(request) or "", "?")
        region = request.query.get("region_id") or request.query.get("Region") or "*"
        if target is not None:
            cluster = self.fleet.cluster("ack", target)
            region = cluster.region or "*" if cluster else region
        return f"{account}/{region}"

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            headers = {}
            if fault.retry_after is not None:
                # The SDK reads x-acs-retry-after as milliseconds.
                headers["x-acs-retry-after"] = str(max(1, int(fault.retry_after * 1000)))
            return _error(
                429, "Throttling.User", "Request was denied due to user flow control.", headers
            )
        if fault.kind == "server_error":
            return _error(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            )
        if fault.kind == "timeout":
            return _error(504, "GatewayTimeout", "The request timed out.")
        if fault.kind == "malformed":
            return Response(
                200, b'{"clusters": [{"cluster_id": ', {"Content-Type": "application/json"}
            )
        if fault.kind == "auth":
            return _error(403, "Forbidden.RAM", f"RAM policy Forbidden for action cs:{operation}.")
        return _error(404, "ErrorClusterNotFound", f"cluster {fault.target or ''} not found")

    def route(self, request: Request, operation: str) -> Response:
        if operation == "Unknown" or request.method != "GET":
            return _error(404, "InvalidAction.NotFound", f"{request.method} {request.path}")
        if request.header("x-acs-version") != API_VERSION:
            return _error(400, "InvalidVersion", "Specified parameter Version is not valid.")
        if request.header("x-acs-action") != operation:
            return _error(400, "InvalidAction", "x-acs-action does not name the path's operation.")
        try:
            account = self._authenticate(request)
        except AuthError as failure:
            return _error(failure.status, failure.code, failure.message)
        handler = getattr(self, f"_{operation}")
        response: Response = handler(request, account)
        return response

    # -- authentication ---------------------------------------------------------------------
    def _authenticate(self, request: Request) -> str:
        key_id = verify(request, self._secrets)
        nonce = request.header("x-acs-signature-nonce") or ""
        with self._nonce_lock:
            if nonce in self._nonces:
                raise AuthError(400, "SignatureNonceUsed", "The nonce has been used.")
            self._nonces.add(nonce)
        return self._accounts[key_id]

    def _owned(self, account: str, cluster_id: str | None) -> SimCluster | None:
        cluster = self.fleet.cluster("ack", cluster_id or "")
        return cluster if cluster is not None and cluster.account == account else None

    # -- operations -------------------------------------------------------------------------
    def _DescribeClustersV1(self, request: Request, account: str) -> Response:  # noqa: N802
        query = request.query
        try:
            number = int(query.get("page_number", "1"))
            size = int(query.get("page_size", "10"))
        except ValueError:
            return _error(400, "InvalidParameter", "page_number and page_size are integers")
        if number < 1 or not 1 <= size <= 100:
            return _error(400, "InvalidParameter", "page_size must be between 1 and 100")
        # region_id is only a filter: without it ACK lists the clusters of every region.
        clusters = [
            c
            for c in self.fleet.of("ack")
            if c.account == account
            and (not query.get("region_id") or c.region == query["region_id"])
            and (not query.get("cluster_type") or c.cluster_type == query["cluster_type"])
            and (not query.get("name") or query["name"] in c.name)
        ]
        page = clusters[(number - 1) * size : number * size]
        return _ok(
            {
                "clusters": [_cluster_json(c) for c in page],
                "page_info": {
                    "page_number": number,
                    "page_size": size,
                    "total_count": len(clusters),
                },
            }
        )

    def _DescribeClusterDetail(self, request: Request, account: str) -> Response:  # noqa: N802
        cluster = self._owned(account, self.operation_of(request)[1])
        if cluster is None:
            return _not_found(self.operation_of(request)[1])
        return _ok(_cluster_json(cluster))

    def _DescribeClusterNodePools(self, request: Request, account: str) -> Response:  # noqa: N802
        cluster = self._owned(account, self.operation_of(request)[1])
        if cluster is None:
            return _not_found(self.operation_of(request)[1])
        return _ok({"nodepools": [_pool_json(p) for p in cluster.node_pools]})

    def _ListClusterAddonInstances(self, request: Request, account: str) -> Response:  # noqa: N802
        cluster = self._owned(account, self.operation_of(request)[1])
        if cluster is None:
            return _not_found(self.operation_of(request)[1])
        return _ok(
            {
                "addons": [
                    {"name": a.name, "version": a.version, "state": a.state} for a in cluster.addons
                ]
            }
        )

    def _DescribeAddon(self, request: Request, account: str) -> Response:  # noqa: N802
        name = request.path.rsplit("/", 1)[-1]
        cluster_id = request.query.get("cluster_id")
        cluster = self._owned(account, cluster_id)
        if cluster_id and cluster is None:
            return _not_found(cluster_id)
        addon = next((a for a in cluster.addons if a.name == name), None) if cluster else None
        if addon is None:
            return _error(404, "AddonNotFound", f"addon {name} not found")
        newer = [{"version": v, "upgradable": True} for v in addon.newer_versions]
        return _ok(
            {
                "name": name,
                "version": addon.newer_versions[-1] if addon.newer_versions else addon.version,
                "newer_versions": newer,
            }
        )

    def _DescribeKubernetesVersionMetadata(self, request: Request, account: str) -> Response:  # noqa: N802
        region, cluster_type = request.query.get("Region"), request.query.get("ClusterType")
        if not region or not cluster_type:
            return _error(400, "InvalidParameter", "Region and ClusterType are required")
        wanted = request.query.get("KubernetesVersion")
        upgradable = request.query.get("QueryUpgradableVersion", "").lower() == "true"
        offered = self.fleet.offered("ack", region)
        if wanted:
            offered = tuple(o for o in offered if o.version == wanted)
        # A bare JSON array, not an object; upgradable_versions only when asked for.
        return _ok([_metadata_json(o, with_upgrades=bool(wanted) and upgradable) for o in offered])


def _not_found(cluster_id: str | None) -> Response:
    return _error(404, "ErrorClusterNotFound", f"cluster {cluster_id} not found")


def _access_key_of(request: Request) -> str | None:
    match = re.search(r"Credential=([^,\s]+)", request.header("authorization") or "")
    return match.group(1) if match else None


def _cluster_json(cluster: SimCluster) -> dict[str, Any]:
    return {
        "cluster_id": cluster.id,
        "name": cluster.name,
        "region_id": cluster.region,
        "cluster_type": cluster.cluster_type,
        "cluster_spec": "ack.pro.small",
        "profile": "Default",
        "state": cluster.state,
        "current_version": cluster.version,
        "init_version": cluster.version,
        "tags": [{"key": k, "value": v} for k, v in cluster.tags.items()],
    }


def _pool_json(pool: SimNodePool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nodepool_info": {"nodepool_id": pool.id, "name": pool.name, "type": "ess"},
        "kubernetes_config": {"runtime": pool.runtime, "runtime_version": pool.runtime_version},
        "scaling_group": {"image_id": pool.os_image, "instance_types": [pool.instance_type]},
        "status": {"total_nodes": pool.node_count, "state": "active"},
    }
    if pool.reports_versions:
        # ACK reports the pool's configured kubelet: the oldest version its nodes run.
        kubelet = min(pool.kubelet_versions, key=_version_key)
        body["node_components"] = [{"name": "kubelet", "version": kubelet}]
    return body


def _version_key(raw: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", raw.split("-", maxsplit=1)[0])[:3])


def _metadata_json(offer: SimOfferedVersion, *, with_upgrades: bool) -> Mapping[str, Any]:
    entry: dict[str, Any] = {
        "version": offer.version,
        "release_date": _stamp(offer.release_date),
        "expiration_date": _stamp(offer.expiration_date),
        "creatable": offer.creatable,
        "capabilities": {},
        "runtimes": [{"name": "containerd", "version": "1.6.36"}],
    }
    if with_upgrades:
        entry["upgradable_versions"] = list(offer.upgradable_to)
    return entry
