"""The objects one simulated kubeconfig cluster lists, built from its `SimCluster`.

One node per kubelet version count, kubeadm static pods for `apiserver_versions`, and per
add-on a workload whose pod template names the declared tag while its pods run
`running_version` (old pods not yet replaced, plus one new pod stuck pulling the declared
image) so declared-versus-running drift is visible. Also `/version` and the API server's
`/metrics` text (deprecated APIs requested).
"""

from __future__ import annotations

import hashlib
from typing import Any

from kubedrift.sim.fleet import SimAddon, SimCluster
from kubedrift.sim.server import Response, json_response

POOL_LABEL = "kubedrift.io/node-pool"
DAEMONSETS = {
    "kube-proxy",
    "calico-node",
    "cilium",
    "kube-flannel-ds",
    "terway-eniip",
    "csi-plugin",
}


def failure_status(code: int, reason: str, message: str) -> Response:
    """A refused call's answer: a `Status` object, as the API server writes one."""
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}}
    body |= {"status": "Failure", "message": message, "reason": reason, "code": code}
    return json_response(code, body)


def _digest(image: str) -> str:
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def _meta(name: str, labels: dict[str, str] | None = None, ns: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name,
        "uid": hashlib.md5(name.encode(), usedforsecurity=False).hexdigest(),
    }
    if ns:
        meta["namespace"] = ns
    if labels:
        meta["labels"] = labels
    return meta


def _container_status(name: str, image: str, pulled: bool) -> dict[str, Any]:
    state = {"running": {}} if pulled else {"waiting": {"reason": "ImagePullBackOff"}}
    return {
        "name": name,
        "image": image,
        "imageID": f"{image.rsplit(':', 1)[0]}@{_digest(image)}" if pulled else "",
        "ready": pulled,
        "restartCount": 0,
        "state": state,
    }


def _pod(
    name: str, labels: dict[str, str], container: str, image: str, **kw: Any
) -> dict[str, Any]:
    pulled = kw.get("pulled", True)
    return {
        "metadata": _meta(name, labels, "kube-system"),
        "spec": {"nodeName": kw.get("node"), "containers": [{"name": container, "image": image}]},
        "status": {"containerStatuses": [_container_status(container, image, pulled)]},
    }


class KubeCluster:
    """The objects of one simulated cluster, as the API server would list them."""

    def __init__(self, cluster: SimCluster) -> None:
        self.cluster = cluster
        self.nodes: list[dict[str, Any]] = []
        self.pods: list[dict[str, Any]] = []
        self.deployments: list[dict[str, Any]] = []
        self.daemonsets: list[dict[str, Any]] = []
        pool_of: dict[str, list[str]] = {}
        for pool in cluster.node_pools:
            labels = pool.node_labels if pool.node_labels is not None else {POOL_LABEL: pool.id}
            runtime = pool.runtime_version
            if "://" not in runtime:
                runtime = f"{pool.runtime}://{runtime}"
            index = 0
            for kubelet, count in pool.kubelet_versions.items():
                for _ in range(count):
                    name = f"{pool.id}-{index}"
                    index += 1
                    pool_of.setdefault(pool.id, []).append(name)
                    info = {
                        "architecture": "amd64",
                        "bootID": _digest(name)[7:43],
                        "containerRuntimeVersion": runtime,
                        "kernelVersion": pool.kernel_version,
                        # The kubelet reports itself here, not kube-proxy (KEP-4004).
                        "kubeProxyVersion": kubelet,
                        "kubeletVersion": kubelet,
                        "machineID": _digest(name)[7:39],
                        "operatingSystem": "linux",
                        "osImage": pool.os_image,
                        "systemUUID": _digest(name)[7:43],
                    }
                    node_labels = {"kubernetes.io/hostname": name, **labels}
                    self.nodes.append(
                        {"metadata": _meta(name, node_labels), "status": {"nodeInfo": info}}
                    )
        for i, version in enumerate(cluster.apiserver_versions):
            image = f"registry.k8s.io/kube-apiserver:{version}"
            labels = {"component": "kube-apiserver", "tier": "control-plane"}
            self.pods.append(
                _pod(
                    f"kube-apiserver-master-{i}",
                    labels,
                    "kube-apiserver",
                    image,
                    node=f"master-{i}",
                )
            )
        for addon in cluster.addons:
            self._addon(addon, pool_of)

    def _addon(self, addon: SimAddon, pool_of: dict[str, list[str]]) -> None:
        repo = addon.image or f"registry.example.com/{addon.name}"
        declared = f"{repo}:{addon.version}"
        selector = {"k8s-app": addon.name}
        container = addon.name
        kind = "DaemonSet" if addon.name in DAEMONSETS else "Deployment"
        workload = {
            "metadata": _meta(addon.name, selector, "kube-system"),
            "spec": {
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": selector},
                    "spec": {"containers": [{"name": container, "image": declared}]},
                },
            },
        }
        (self.daemonsets if kind == "DaemonSet" else self.deployments).append(workload)
        pods_on: list[tuple[str | None, str]] = []
        if addon.name == "kube-proxy":
            for pool in self.cluster.node_pools:
                version = pool.kube_proxy_version or addon.running
                pods_on += [(node, version) for node in pool_of.get(pool.id, [])]
        else:
            pods_on = [(None, addon.running), (None, addon.running)]
        for i, (node, version) in enumerate(pods_on):
            name = f"{addon.name}-{i}"
            self.pods.append(_pod(name, selector, container, f"{repo}:{version}", node=node))
        if addon.running != addon.version:
            # The rollout is stuck: the replacement pod cannot pull the declared image.
            stuck = f"{addon.name}-new"
            self.pods.append(_pod(stuck, selector, container, declared, pulled=False))

    def version(self) -> dict[str, str]:
        raw = self.cluster.version
        parts = raw.lstrip("v").split(".")
        return {
            "major": parts[0],
            "minor": parts[1] if len(parts) > 1 else "",
            "gitVersion": raw,
            "gitCommit": "0" * 40,
            "gitTreeState": "clean",
            "buildDate": "2024-04-16T00:00:00Z",
            "goVersion": "go1.22.2",
            "compiler": "gc",
            "platform": "linux/amd64",
        }

    def metrics(self) -> str:
        lines = [
            "# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs",
            "# TYPE apiserver_requested_deprecated_apis gauge",
        ]
        for api in self.cluster.deprecated_apis:
            labels = (
                f'group="{api.group}",removed_release="{api.removed_release or ""}",'
                f'resource="{api.resource}",subresource="",version="{api.version}"'
            )
            lines.append(f"apiserver_requested_deprecated_apis{{{labels}}} 1")
        lines.append('apiserver_request_total{code="200",verb="GET"} 42')
        return "\n".join(lines) + "\n"
