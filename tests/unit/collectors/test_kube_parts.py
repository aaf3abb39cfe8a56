"""The pure parts of the kube collector: image references, running versions, pools, metrics."""

from __future__ import annotations

import pytest

from kubedrift.collectors.kube_addons import addons, control_plane_components, running_version
from kubedrift.collectors.kube_facts import (
    Container,
    ContainerStatus,
    ImageRef,
    NodeFacts,
    PodFacts,
    WorkloadFacts,
    parse_image,
)
from kubedrift.collectors.kube_metrics import MetricsFormatError, deprecated_apis
from kubedrift.collectors.kube_pools import group_pools
from kubedrift.model.inventory import AddonKind

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (
            "registry.k8s.io/coredns/coredns:v1.11.1",
            ImageRef("registry.k8s.io/coredns/coredns", "v1.11.1"),
        ),
        ("localhost:5000/app", ImageRef("localhost:5000/app")),
        ("localhost:5000/app:2.0", ImageRef("localhost:5000/app", "2.0")),
        (f"calico/node:v3.26.1@{DIGEST}", ImageRef("calico/node", "v3.26.1", DIGEST)),
        (f"docker-pullable://calico/node@{DIGEST}", ImageRef("calico/node", None, DIGEST)),
        (DIGEST, ImageRef("", None, DIGEST)),
    ],
)
def test_parse_image(reference: str, expected: ImageRef) -> None:
    assert parse_image(reference) == expected


def _pod(
    name: str, spec_image: str, status_image: str, image_id: str, node: str | None = None
) -> PodFacts:
    return PodFacts(
        name=name,
        namespace="kube-system",
        labels={"k8s-app": "x"},
        node_name=node,
        containers=(Container("x", spec_image),),
        statuses=(ContainerStatus("x", status_image, image_id),),
    )


def test_running_version_prefers_the_pods_own_tag_and_skips_unpulled_pods() -> None:
    old = _pod("a", "x:v1.0", "x:v1.0", f"x@{DIGEST}")
    stuck = _pod("b", "x:v2.0", "x:v2.0", "")
    assert running_version("v2.0", [old, stuck], "x") == ("v1.0", f"x@{DIGEST}")
    # The runtime may name another tag of the same image: the pod's spec tag wins.
    aliased = _pod("c", "x:v1.0", "x:latest", f"x@{DIGEST}")
    assert running_version("v1.0", [aliased], "x")[0] == "v1.0"


def test_running_version_of_a_rollout_is_the_oldest_differing_and_digests_stay_unknown() -> None:
    pods = [
        _pod("a", "x:v1.10.0", "", "i1"),
        _pod("b", "x:v1.9.0", "", "i2"),
        _pod("c", "x:v1.11.0", "", "i3"),
    ]
    assert running_version("v1.11.0", pods, "x") == ("v1.9.0", "i2")
    by_digest = _pod("d", f"x@{DIGEST}", f"x@{DIGEST}", "i4")
    assert running_version("v1.0", [by_digest], "x") == (None, "i4")
    assert running_version("v1.0", [], "x") == (None, None)


def test_addons_are_recognised_by_name_or_label_and_sidecars_skipped() -> None:
    csi = WorkloadFacts(
        kind="DaemonSet",
        name="ebs-csi-node",
        namespace="kube-system",
        labels={},
        selector={"app": "ebs"},
        containers=(
            Container("node-driver-registrar", "r:v2.9"),
            Container("ebs-plugin", "e:v1.28.0"),
        ),
    )
    dns = WorkloadFacts(
        kind="Deployment",
        name="dns-autoscaled",
        namespace="kube-system",
        labels={"k8s-app": "kube-dns"},
        selector={"k8s-app": "kube-dns"},
        containers=(Container("coredns", "coredns:1.11.1"),),
    )
    other = WorkloadFacts(
        "Deployment", "my-app", "kube-system", {}, {"a": "b"}, (Container("a", "a:1"),)
    )
    found = {a.name: a for a in addons([csi, dns, other], [])}
    assert set(found) == {"ebs-csi-node", "dns-autoscaled"}
    assert (found["ebs-csi-node"].kind, found["ebs-csi-node"].version) == (AddonKind.CSI, "v1.28.0")
    assert found["dns-autoscaled"].kind is AddonKind.DNS
    assert found["dns-autoscaled"].running_version is None  # no pods: not known


def test_static_pods_become_components_with_unparseable_versions_unknown() -> None:
    def static(component: str, tag: str, node: str) -> PodFacts:
        image = f"registry.k8s.io/{component}:{tag}"
        return PodFacts(
            name=f"{component}-{node}",
            namespace="kube-system",
            labels={"component": component, "tier": "control-plane"},
            node_name=node,
            containers=(Container(component, image),),
        )

    found = control_plane_components(
        [static("kube-apiserver", "v1.30.2", "m1"), static("kube-scheduler", "latest", "m1")]
    )
    assert [(c.component, c.version and c.version.raw, c.instance) for c in found] == [
        ("kube-apiserver", "v1.30.2", "m1"),
        ("kube-scheduler", None, "m1"),
    ]


def _node(name: str, kubelet: str, **labels: str) -> NodeFacts:
    return NodeFacts(name, labels, kubelet, "containerd://1.7.15", "Ubuntu", "6.1")


def test_pools_oldest_version_control_plane_and_unparseable_kubelets() -> None:
    nodes = [
        _node("a", "v1.30.2", **{"eks.amazonaws.com/nodegroup": "ng"}),
        _node("b", "v1.29.9", **{"eks.amazonaws.com/nodegroup": "ng"}),
        _node("m", "v1.30.2", **{"node-role.kubernetes.io/control-plane": ""}),
        _node("w", "garbage"),
    ]
    pools = {p.id: p for p in group_pools(nodes, proxy_versions={"a": "v1.30.2", "b": "v1.29.0"})}
    assert set(pools) == {"ng", "control-plane", "kubelet-garbage"}
    assert pools["ng"].kubelet_version is not None and pools["ng"].kubelet_version.raw == "v1.29.9"
    assert (
        pools["ng"].kube_proxy_version is not None
        and pools["ng"].kube_proxy_version.raw == "v1.29.0"
    )
    assert pools["control-plane"].role == "manager"
    assert pools["kubelet-garbage"].kubelet_version is None
    assert pools["kubelet-garbage"].versions_seen == {"garbage": 1}


def test_deprecated_api_metric_parsing() -> None:
    text = (
        "# TYPE apiserver_requested_deprecated_apis gauge\n"
        'apiserver_requested_deprecated_apis{group="batch",removed_release="1.25",'
        'resource="cronjobs",subresource="status",version="v1beta1"} 1\n'
        'apiserver_requested_deprecated_apis{group="",removed_release="",'
        'resource="componentstatuses",subresource="",version="v1"} 1\n'
        'apiserver_request_total{code="200"} 3\n'
    )
    found = deprecated_apis(text)
    assert [(d.group, d.version, d.resource, d.removed_release) for d in found] == [
        ("", "v1", "componentstatuses", None),
        ("batch", "v1beta1", "cronjobs/status", "1.25"),
    ]
    assert deprecated_apis("") == ()
    with pytest.raises(MetricsFormatError):
        deprecated_apis('{"kind": "Status"}')
