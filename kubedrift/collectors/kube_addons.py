"""Recognising add-ons and control-plane static pods in a cluster's system namespaces.

An add-on is a Deployment or DaemonSet whose name (or `k8s-app` / `app.kubernetes.io/name`
/ `app` label) is well known. It is reported under its workload name, with the **declared**
version (the tag of its pod template's main image) and the **running** version read from
the pods it selects. How the running version is derived (docs/collectors/kubeconfig.md):

- only containers whose image was pulled count (`imageID` set): a pod stuck in
  `ImagePullBackOff` on the new tag runs nothing yet;
- each pod runs the tag its own spec names (a pod keeps the template it was created from,
  so pods not yet replaced still show the old tag); when that spec names only a digest, the
  tag the runtime reports in `status.containerStatuses[].image`;
- pods that disagree mean a rollout in progress or stuck: the running version is the
  oldest version differing from the declared one, and `image_id` is that pod's image ID.
A version is never derived from a digest alone: without a tag it stays unknown (None).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kubedrift.collectors.kube_facts import PodFacts, WorkloadFacts, parse_image
from kubedrift.model.inventory import Addon, AddonKind, ComponentVersion
from kubedrift.versions import version_or_none


@dataclass(frozen=True)
class AddonSpec:
    kind: AddonKind
    names: tuple[str, ...]  # workload-name globs
    app_labels: tuple[str, ...] = ()  # values of the app labels below
    containers: tuple[str, ...] = ()  # the main container, first present wins


APP_LABELS = ("k8s-app", "app.kubernetes.io/name", "app")
_DNS, _PROXY, _CNI, _CSI = AddonKind.DNS, AddonKind.PROXY, AddonKind.CNI, AddonKind.CSI
KNOWN_ADDONS: tuple[AddonSpec, ...] = (
    AddonSpec(_DNS, ("coredns", "kube-dns"), ("kube-dns", "coredns"), ("coredns", "kubedns")),
    AddonSpec(_PROXY, ("kube-proxy", "kube-proxy-*"), ("kube-proxy",), ("kube-proxy",)),
    AddonSpec(AddonKind.METRICS, ("metrics-server",), ("metrics-server",), ("metrics-server",)),
    AddonSpec(
        _CNI,
        ("calico-node", "calico-kube-controllers", "calico-typha"),
        ("calico-node", "calico-kube-controllers", "calico-typha"),
        ("calico-node", "calico-kube-controllers", "calico-typha"),
    ),
    AddonSpec(
        _CNI, ("cilium", "cilium-operator"), ("cilium", "cilium-operator"), ("cilium-agent",)
    ),
    AddonSpec(
        _CNI, ("kube-flannel-ds*", "kube-flannel", "flannel"), ("flannel",), ("kube-flannel",)
    ),
    AddonSpec(_CNI, ("terway", "terway-*"), ("terway", "terway-eniip", "terway-eni"), ("terway",)),
    AddonSpec(_CNI, ("tke-*-agent",), (), ()),
    AddonSpec(
        AddonKind.INGRESS,
        ("ingress-nginx-controller", "nginx-ingress-controller", "ingress-nginx"),
        ("ingress-nginx",),
        ("controller", "nginx-ingress-controller"),
    ),
    AddonSpec(AddonKind.INGRESS, ("traefik",), ("traefik",), ("traefik",)),
    AddonSpec(_CSI, ("csi-*", "*-csi-*", "*-csi"), (), ("csi-plugin",)),
)
# CSI sidecars share their driver's pod; they are never the main container.
_SIDECARS = re.compile(
    r"(node-driver-registrar|liveness-?probe|csi-(provisioner|attacher|resizer|snapshotter))"
)
CONTROL_PLANE_COMPONENTS = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")


def recognise(workload: WorkloadFacts) -> AddonSpec | None:
    values = {workload.labels.get(k) for k in APP_LABELS} | {
        workload.pod_labels.get(k) for k in APP_LABELS
    }
    for spec in KNOWN_ADDONS:
        if any(fnmatch.fnmatchcase(workload.name, glob) for glob in spec.names):
            return spec
        if any(value in values for value in spec.app_labels):
            return spec
    return None


def main_container(workload: WorkloadFacts, spec: AddonSpec) -> str | None:
    names = [c.name for c in workload.containers]
    for wanted in (*spec.containers, workload.name):
        if wanted in names:
            return wanted
    rest = [n for n in names if not _SIDECARS.search(n)] or names
    return rest[0] if rest else None


def _loose_key(version: str) -> tuple[int, ...]:
    """Orders free-form add-on versions (`v1.11.3.2-f57ea7ed6-aliyun`) by their numbers."""
    head = version.lstrip("vV").split("-", 1)[0].split("+", 1)[0]
    return tuple(int(part) for part in re.findall(r"\d+", head))


def _pod_version(pod: PodFacts, container: str) -> tuple[str | None, str] | None:
    """(tag, image ID) the pod really runs in `container`; None when nothing runs yet."""
    status = pod.status_of(container)
    if status is None or not status.image_id:
        return None
    spec_image = pod.image_of(container)
    tag = parse_image(spec_image).tag if spec_image else None
    if tag is None:
        tag = parse_image(status.image).tag
    return tag, status.image_id


def running_version(
    declared: str | None, pods: Iterable[PodFacts], container: str
) -> tuple[str | None, str | None]:
    """(running version, image ID) over the pods of one workload; see the module docstring."""
    seen: dict[str | None, str] = {}
    for pod in sorted(pods, key=lambda p: p.name):
        found = _pod_version(pod, container)
        if found is not None:
            seen.setdefault(found[0], found[1])
    if not seen:
        return None, None
    if None in seen:
        # A pod running an untagged image: its version cannot be told, so neither can the
        # workload's (it might be the oldest).
        return None, seen[None]
    tags = [t for t in seen if t is not None]
    if len(tags) == 1:
        return tags[0], seen[tags[0]]
    differing = sorted((t for t in tags if t != declared), key=lambda t: (_loose_key(t), t))
    chosen = differing[0]
    return chosen, seen[chosen]


def addons(workloads: Sequence[WorkloadFacts], pods: Sequence[PodFacts]) -> tuple[Addon, ...]:
    """The recognised add-ons, sorted by name."""
    found: dict[str, Addon] = {}
    for workload in workloads:
        spec = recognise(workload)
        if spec is None or workload.name in found:
            continue
        container = main_container(workload, spec)
        image = next((c.image for c in workload.containers if c.name == container), None)
        declared = parse_image(image).tag if image else None
        selected = [p for p in pods if workload.selects(p)]
        running, image_id = (
            running_version(declared, selected, container) if container else (None, None)
        )
        found[workload.name] = Addon(
            name=workload.name,
            kind=spec.kind,
            version=declared,
            running_version=running,
            image_id=image_id,
        )
    return tuple(found[name] for name in sorted(found))


def proxy_versions(workloads: Sequence[WorkloadFacts], pods: Sequence[PodFacts]) -> dict[str, str]:
    """Node name -> tag of the kube-proxy pod running there (kube-proxy DaemonSets only)."""
    result: dict[str, str] = {}
    for workload in workloads:
        spec = recognise(workload)
        if spec is None or spec.kind is not AddonKind.PROXY:
            continue
        container = main_container(workload, spec)
        for pod in pods:
            if container and pod.node_name and workload.selects(pod):
                found = _pod_version(pod, container)
                if found is not None and found[0] is not None:
                    result[pod.node_name] = found[0]
    return result


def control_plane_components(pods: Sequence[PodFacts]) -> tuple[ComponentVersion, ...]:
    """kubeadm-style static pods (`component: kube-apiserver`, ...) as component versions.

    Visible on self-managed control planes only; managed ones (ACK, TKE, EKS...) and k3s
    run these outside the cluster, and the control plane is then `/version` alone.
    """
    found: list[ComponentVersion] = []
    for pod in pods:
        component = pod.labels.get("component")
        if component not in CONTROL_PLANE_COMPONENTS:
            continue
        running = _pod_version(pod, component)
        spec_image = pod.image_of(component) or next(
            (c.image for c in pod.containers if c.image), None
        )
        tag = running[0] if running else (parse_image(spec_image).tag if spec_image else None)
        version = version_or_none(tag or None)
        found.append(
            ComponentVersion(
                component=component, version=version, instance=pod.node_name or pod.name
            )
        )
    return tuple(sorted(found, key=lambda c: (c.component, c.instance or "")))
