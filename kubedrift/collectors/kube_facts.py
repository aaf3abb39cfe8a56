"""Plain facts read from a Kubernetes API server, and container image references.

`kube_api` turns the client's models into these small frozen records so that pool grouping,
add-on recognition and the rest stay pure functions, testable without the client and with
no client import (the client is imported only by `kube_api` and `kube`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Runtimes prefix image IDs with a scheme (`docker-pullable://`, `docker://`); strip it.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class ImageRef:
    """`repository[:tag][@digest]`, split; a registry port is part of the repository."""

    repository: str
    tag: str | None = None
    digest: str | None = None


def parse_image(reference: str) -> ImageRef:
    """Split an image reference or an image ID (`repo@sha256:...`, bare `sha256:...`)."""
    text = _SCHEME.sub("", reference.strip())
    if _DIGEST.match(text):
        return ImageRef(repository="", digest=text)
    name, _, digest = text.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag: str | None = None
    # A colon before the last slash belongs to a registry port (`registry:5000/app`).
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return ImageRef(repository=name, tag=tag or None, digest=digest or None)


@dataclass(frozen=True)
class NodeFacts:
    name: str
    labels: dict[str, str]
    kubelet_version: str
    container_runtime_version: str
    os_image: str
    kernel_version: str


@dataclass(frozen=True)
class Container:
    name: str
    image: str | None


@dataclass(frozen=True)
class ContainerStatus:
    """`status.containerStatuses[]`: `image_id` is empty until the image has been pulled."""

    name: str
    image: str
    image_id: str


@dataclass(frozen=True)
class PodFacts:
    name: str
    namespace: str
    labels: dict[str, str]
    node_name: str | None
    containers: tuple[Container, ...]
    statuses: tuple[ContainerStatus, ...] = ()

    def status_of(self, container: str) -> ContainerStatus | None:
        return next((s for s in self.statuses if s.name == container), None)

    def image_of(self, container: str) -> str | None:
        return next((c.image for c in self.containers if c.name == container), None)


@dataclass(frozen=True)
class WorkloadFacts:
    """A Deployment or DaemonSet: its pod selector (`matchLabels`) and pod template."""

    kind: str
    name: str
    namespace: str
    labels: dict[str, str]
    selector: dict[str, str]
    containers: tuple[Container, ...]
    pod_labels: dict[str, str] = field(default_factory=dict)

    def selects(self, pod: PodFacts) -> bool:
        # An empty matchLabels (selector by expressions only) selects nothing here: the
        # running version then stays unknown rather than being read from unrelated pods.
        if not self.selector or pod.namespace != self.namespace:
            return False
        return all(pod.labels.get(k) == v for k, v in self.selector.items())
