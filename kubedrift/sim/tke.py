"""A fake TKE API (version 2018-05-25) built from a `Fleet`, for tests, benchmarks and the demo.

It speaks the wire protocol the real SDK speaks: `POST /` with a JSON body, the action,
version and region in `X-TC-*` headers, TC3-HMAC-SHA256 signatures (recomputed with the
account's secret: a wrong secret gets TKE's `AuthFailure.SignatureFailure`), `Offset` /
`Limit` paging capped at 100, and errors as HTTP 200 `{"Response": {"Error": ...}}` with a
`Content-Type` of exactly `application/json`. Answers carry only fields the SDK's models
know: the SDK warns on any other field.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from kubedrift.sim.fleet import Fleet, SimCluster, SimNodePool
from kubedrift.sim.server import FakeServer, Fault, Request, Response
from kubedrift.versions import InvalidVersion, parse_version

API_VERSION = "2018-05-25"
SERVICE = "tke"
MAX_LIMIT = 100
_AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[^/]+)"
    r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)
_ACTIONS = frozenset(
    {
        "DescribeClusters",
        "DescribeClusterNodePools",
        "DescribeClusterInstances",
        "CheckInstancesUpgradeAble",
        "DescribeAddon",
        "DescribeAvailableClusterVersion",
        "DescribeVersions",
    }
)


def _snake(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


class TkeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def instance_ids(pool: SimNodePool) -> list[tuple[str, str]]:
    """(instance id, kubelet version) of every node of a pool, in a stable order."""
    stem = pool.id.removeprefix("np-")
    nodes: list[tuple[str, str]] = []
    for version, n in pool.kubelet_versions.items():
        for _ in range(n):
            nodes.append((f"ins-{stem}{len(nodes):03d}", version))
    return nodes


def _behind(kubelet: str, cluster_version: str) -> bool:
    """Whether CheckInstancesUpgradeAble lists a node: its patch is not the cluster's.

    A `-tke.N` build of the cluster's patch counts as current; an unparseable version
    is listed (the real check would offer it an upgrade too).
    """
    try:
        node, master = parse_version(kubelet), parse_version(cluster_version)
    except InvalidVersion:
        return True
    return (node.major, node.minor, node.patch) != (master.major, master.minor, master.patch)


def _sign(secret: str, date: str, string_to_sign: str) -> str:
    key = hmac.new(("TC3" + secret).encode(), date.encode(), hashlib.sha256).digest()
    key = hmac.new(key, SERVICE.encode(), hashlib.sha256).digest()
    key = hmac.new(key, b"tc3_request", hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _page(items: list[Any], body: dict[str, Any]) -> list[Any]:
    offset, limit = body.get("Offset", 0), body.get("Limit", 20)
    if not isinstance(offset, int) or offset < 0:
        raise TkeError("InvalidParameterValue", f"Offset must be a non-negative integer: {offset}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise TkeError("InvalidParameterValue", f"Limit must be between 1 and {MAX_LIMIT}")
    return items[offset : offset + limit]


class TkeFakeServer(FakeServer):
    """The TKE API of every `tke` cluster in a fleet, per account and region."""

    name = "tke"

    def __init__(
        self,
        fleet: Fleet,
        *,
        port: int = 0,
        latency: float = 0.0,
        rate_limit: int | None = None,
        server_error: Literal["http", "internal_error"] = "http",
        max_clock_skew: float = 300.0,
    ) -> None:
        super().__init__(port=port, latency=latency, rate_limit=rate_limit)
        self.fleet = fleet
        self.server_error = server_error
        self.max_clock_skew = max_clock_skew
        self._accounts = {a.access_key_id: (name, a) for name, a in fleet.accounts.items()}

    # -- FakeServer hooks ----------------------------------------------------------------
    def operation_of(self, request: Request) -> tuple[str, str | None]:
        action = request.header("x-tc-action") or "?"
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return action, None
        target = body.get("ClusterId") if isinstance(body, dict) else None
        return action, target if isinstance(target, str) else None

    def rate_limit_key(self, request: Request) -> str:
        # TKE's quota is per account (the signing SecretId) and region.
        match = _AUTH.match(request.header("authorization") or "")
        return f"{match['id'] if match else '?'}/{request.header('x-tc-region')}"

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            return self._error("RequestLimitExceeded", "Your current request times exceeds limit")
        if fault.kind == "server_error":
            if self.server_error == "internal_error":
                return self._error("InternalError", "An internal error occurred")
            return Response(502, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
        if fault.kind == "malformed":
            return Response(200, b'{"Response": {"TotalCount": 3, "Clus', self._json_headers())
        if fault.kind == "auth":
            return self._error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could "
                "not be validated. Please check your signature is correct.",
            )
        if fault.kind == "not_found":
            return self._error("ResourceNotFound.ClusterNotFound", "cluster not found")
        return self.route(request, operation)  # a hang: the client has gone; answer anyway

    def route(self, request: Request, operation: str) -> Response:
        try:
            account = self._check(request, operation)
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise TkeError("InvalidParameter", "the request body must be a JSON object")
            region = request.header("x-tc-region") or ""
            answer = getattr(self, "_" + _snake(operation))(account, region, body)
        except TkeError as exc:
            return self._error(exc.code, exc.message)
        answer["RequestId"] = str(uuid.uuid4())
        return Response(200, json.dumps({"Response": answer}).encode(), self._json_headers())

    # -- protocol checks -----------------------------------------------------------------
    def _check(self, request: Request, operation: str) -> str:
        """Method, action, version, region and signature, as TKE checks them."""
        if request.method != "POST" or request.path != "/":
            raise TkeError("UnsupportedProtocol", f"{request.method} {request.path}")
        if operation not in _ACTIONS:
            raise TkeError("InvalidAction", f"the action {operation} does not exist")
        if request.header("x-tc-version") != API_VERSION:
            raise TkeError("NoSuchVersion", f"the version {request.header('x-tc-version')}")
        if not request.header("x-tc-region"):
            raise TkeError("MissingParameter", "the request is missing the Region parameter")
        content_type = request.header("content-type") or ""
        match = _AUTH.match(request.header("authorization") or "")
        if match is None or match["signed"] != "content-type;host":
            raise TkeError("AuthFailure.InvalidAuthorization", "Authorization header malformed")
        known = self._accounts.get(match["id"])
        if known is None:
            raise TkeError("AuthFailure.SecretIdNotFound", "The SecretId is not found")
        name, account = known
        timestamp = int(request.header("x-tc-timestamp") or 0)
        now = datetime.now(UTC).timestamp()
        if abs(now - timestamp) > self.max_clock_skew:
            raise TkeError("AuthFailure.SignatureExpire", "The signature has expired")
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        if match["date"] != date or match["service"] != SERVICE:
            raise TkeError("AuthFailure.SignatureFailure", "credential scope mismatch")
        canonical = "\n".join(
            (
                "POST",
                "/",
                "",
                f"content-type:{content_type}\nhost:{request.header('host')}\n",
                "content-type;host",
                hashlib.sha256(request.body).hexdigest(),
            )
        )
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        string_to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{SERVICE}/tc3_request\n{digest}"
        expected = _sign(account.access_key_secret, date, string_to_sign)
        if not hmac.compare_digest(expected, match["sig"]):
            raise TkeError(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. "
                "Please check your signature is correct.",
            )
        return name

    @staticmethod
    def _json_headers() -> dict[str, str]:
        return {"Content-Type": "application/json"}

    def _error(self, code: str, message: str) -> Response:
        body = {
            "Response": {
                "Error": {"Code": code, "Message": message},
                "RequestId": str(uuid.uuid4()),
            }
        }
        return Response(200, json.dumps(body).encode(), self._json_headers())

    def _cluster(self, account: str, region: str, body: dict[str, Any]) -> SimCluster:
        cluster_id = body.get("ClusterId")
        if not isinstance(cluster_id, str) or not cluster_id:
            raise TkeError("MissingParameter", "ClusterId is required")
        found = self.fleet.cluster("tke", cluster_id)
        if found is None or found.account != account or found.region != region:
            raise TkeError("ResourceNotFound.ClusterNotFound", f"cluster {cluster_id} not found")
        return found

    # -- actions -------------------------------------------------------------------------
    def _describe_clusters(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        wanted = body.get("ClusterIds") or None
        clusters = [
            c
            for c in self.fleet.of("tke", region)
            if c.account == account and (wanted is None or c.id in wanted)
        ]
        page = _page(clusters, body)
        return {
            "TotalCount": len(clusters),
            "Clusters": [
                {
                    "ClusterId": c.id,
                    "ClusterName": c.name,
                    "ClusterVersion": c.version,
                    "ClusterType": c.cluster_type,
                    "ClusterStatus": c.state,
                    "ClusterNodeNum": sum(p.node_count for p in c.node_pools),
                    "TagSpecification": [
                        {
                            "ResourceType": "cluster",
                            "Tags": [{"Key": k, "Value": v} for k, v in c.tags.items()],
                        }
                    ]
                    if c.tags
                    else None,
                }
                for c in page
            ],
        }

    def _describe_cluster_node_pools(
        self, account: str, region: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        cluster = self._cluster(account, region, body)
        return {
            "TotalCount": len(cluster.node_pools),
            "NodePoolSet": [
                {
                    "NodePoolId": p.id,
                    "Name": p.name,
                    "ClusterInstanceId": cluster.id,
                    "LifeState": "normal",
                    "NodeCountSummary": {
                        "ManuallyAdded": {"Joining": 0, "Initializing": 0, "Normal": 0, "Total": 0},
                        "AutoscalingAdded": {
                            "Joining": 0,
                            "Initializing": 0,
                            "Normal": p.node_count,
                            "Total": p.node_count,
                        },
                    },
                    "DesiredNodesNum": p.node_count,
                    "RuntimeConfig": {
                        "RuntimeType": p.runtime,
                        "RuntimeVersion": p.runtime_version,
                    },
                    "NodePoolOs": p.os_image,
                }
                for p in cluster.node_pools
            ],
        }

    def _describe_cluster_instances(
        self, account: str, region: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        cluster = self._cluster(account, region, body)
        nodes = [(p, i) for p in cluster.node_pools for i, _ in instance_ids(p)]
        page = _page(nodes, body)
        return {
            "TotalCount": len(nodes),
            "InstanceSet": [
                {
                    "InstanceId": instance,
                    "InstanceRole": "WORKER",
                    "InstanceState": "running",
                    "NodePoolId": pool.id,
                    "LanIP": f"10.0.{n // 250}.{n % 250 + 2}",
                }
                for n, (pool, instance) in enumerate(page)
            ],
        }

    def _check_instances_upgrade_able(
        self, account: str, region: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        cluster = self._cluster(account, region, body)
        behind = [
            (instance, version, pool)
            for pool in cluster.node_pools
            for instance, version in instance_ids(pool)
            if _behind(version, cluster.version)
        ]
        page = _page(behind, body)
        return {
            "ClusterVersion": cluster.version,
            "LatestVersion": cluster.version,
            "Total": len(behind),
            "UpgradeAbleInstances": [
                {
                    "InstanceId": instance,
                    "Version": version,
                    "LatestVersion": cluster.version,
                    "RuntimeVersion": pool.runtime_version,
                    "RuntimeLatestVersion": pool.runtime_version,
                }
                for instance, version, pool in page
            ],
        }

    def _describe_addon(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        cluster = self._cluster(account, region, body)
        name = body.get("AddonName")
        return {
            "Addons": [
                {"AddonName": a.name, "AddonVersion": a.version, "Phase": "Succeeded"}
                for a in cluster.addons
                if name in (None, "", a.name)
            ]
        }

    def _describe_available_cluster_version(
        self, account: str, region: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        offered = {v.version: v for v in self.fleet.offered("tke", region)}

        def upgradable(cluster: SimCluster) -> list[str]:
            current = offered.get(cluster.version)
            return list(current.upgradable_to) if current else []

        many = body.get("ClusterIds")
        if many:
            # Several clusters: one entry each; clusters the caller cannot see are left out.
            found = [self.fleet.cluster("tke", i) for i in many if isinstance(i, str)]
            mine = [c for c in found if c and c.account == account and c.region == region]
            return {
                "Versions": None,
                "Clusters": [{"ClusterId": c.id, "Versions": upgradable(c)} for c in mine],
            }
        cluster = self._cluster(account, region, body)
        versions = upgradable(cluster)
        return {"Versions": versions, "Clusters": [{"ClusterId": cluster.id, "Versions": versions}]}

    def _describe_versions(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        offered = [v for v in self.fleet.offered("tke", region) if v.creatable]
        return {
            "TotalCount": len(offered),
            "VersionInstanceSet": [
                {"Name": v.version, "Version": v.version, "Remark": ""} for v in offered
            ],
        }
