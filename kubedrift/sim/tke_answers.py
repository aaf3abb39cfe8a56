"""What the fake TKE API answers to each action, read from a `Fleet`.

Each answer is a function of the fleet, the calling account, the region and the JSON body,
returning the `Response` object without its `RequestId`; `ACTIONS` maps an action name to
it. Bad parameters raise `TkeError` with the code TKE uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubedrift.sim.fleet import Fleet, SimCluster, SimNodePool
from kubedrift.sim.tc3 import TkeError
from kubedrift.versions import InvalidVersion, parse_version

MAX_LIMIT = 100

Answer = Callable[[Fleet, str, str, dict[str, Any]], dict[str, Any]]


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


def _page(items: list[Any], body: dict[str, Any]) -> list[Any]:
    offset, limit = body.get("Offset", 0), body.get("Limit", 20)
    if not isinstance(offset, int) or offset < 0:
        raise TkeError("InvalidParameterValue", f"Offset must be a non-negative integer: {offset}")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise TkeError("InvalidParameterValue", f"Limit must be between 1 and {MAX_LIMIT}")
    return items[offset : offset + limit]


def _cluster(fleet: Fleet, account: str, region: str, body: dict[str, Any]) -> SimCluster:
    cluster_id = body.get("ClusterId")
    if not isinstance(cluster_id, str) or not cluster_id:
        raise TkeError("MissingParameter", "ClusterId is required")
    found = fleet.cluster("tke", cluster_id)
    if found is None or found.account != account or found.region != region:
        raise TkeError("ResourceNotFound.ClusterNotFound", f"cluster {cluster_id} not found")
    return found


def describe_clusters(
    fleet: Fleet, account: str, region: str, body: dict[str, Any]
) -> dict[str, Any]:
    wanted = body.get("ClusterIds") or None
    clusters = [
        c
        for c in fleet.of("tke", region)
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


def describe_cluster_node_pools(
    fleet: Fleet, account: str, region: str, body: dict[str, Any]
) -> dict[str, Any]:
    cluster = _cluster(fleet, account, region, body)
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


def describe_cluster_instances(
    fleet: Fleet, account: str, region: str, body: dict[str, Any]
) -> dict[str, Any]:
    cluster = _cluster(fleet, account, region, body)
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


def check_instances_upgrade_able(
    fleet: Fleet, account: str, region: str, body: dict[str, Any]
) -> dict[str, Any]:
    cluster = _cluster(fleet, account, region, body)
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


def describe_addon(fleet: Fleet, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    cluster = _cluster(fleet, account, region, body)
    name = body.get("AddonName")
    return {
        "Addons": [
            {"AddonName": a.name, "AddonVersion": a.version, "Phase": "Succeeded"}
            for a in cluster.addons
            if name in (None, "", a.name)
        ]
    }


def describe_available_cluster_version(
    fleet: Fleet, account: str, region: str, body: dict[str, Any]
) -> dict[str, Any]:
    offered = {v.version: v for v in fleet.offered("tke", region)}

    def upgradable(cluster: SimCluster) -> list[str]:
        current = offered.get(cluster.version)
        return list(current.upgradable_to) if current else []

    many = body.get("ClusterIds")
    if many:
        # Several clusters: one entry each; clusters the caller cannot see are left out.
        found = [fleet.cluster("tke", i) for i in many if isinstance(i, str)]
        mine = [c for c in found if c and c.account == account and c.region == region]
        return {
            "Versions": None,
            "Clusters": [{"ClusterId": c.id, "Versions": upgradable(c)} for c in mine],
        }
    cluster = _cluster(fleet, account, region, body)
    versions = upgradable(cluster)
    return {"Versions": versions, "Clusters": [{"ClusterId": cluster.id, "Versions": versions}]}


def describe_versions(
    fleet: Fleet, account: str, region: str, body: dict[str, Any]
) -> dict[str, Any]:
    offered = [v for v in fleet.offered("tke", region) if v.creatable]
    return {
        "TotalCount": len(offered),
        "VersionInstanceSet": [
            {"Name": v.version, "Version": v.version, "Remark": ""} for v in offered
        ],
    }


ACTIONS: dict[str, Answer] = {
    "DescribeClusters": describe_clusters,
    "DescribeClusterNodePools": describe_cluster_node_pools,
    "DescribeClusterInstances": describe_cluster_instances,
    "CheckInstancesUpgradeAble": check_instances_upgrade_able,
    "DescribeAddon": describe_addon,
    "DescribeAvailableClusterVersion": describe_available_cluster_version,
    "DescribeVersions": describe_versions,
}
