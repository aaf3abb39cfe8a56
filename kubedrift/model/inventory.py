"""What a collector saw in one cluster: control plane, node pools, add-ons.

The same shapes describe Kubernetes, Docker Swarm and Apache Mesos clusters: `platform`
says which, the control plane holds the API servers / managers / masters, and node pools
hold the worker groups. Versions are kept as reported (`KubeVersion` keeps the raw string);
`None` always means "could not be determined", never "fine".
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field, computed_field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.model.support import SupportWindow
from kubedrift.versions import KubeVersion

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"expected a lowercase name of letters, digits, '.', '_' or '-', found {value!r}"
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]


class Platform(StrEnum):
    """The orchestrator a cluster runs."""

    KUBERNETES = "kubernetes"
    SWARM = "swarm"
    MESOS = "mesos"


class ClusterRef(Frozen):
    """Identifies one cluster across the fleet.

    `provider` is where it runs (`ack`, `tke`, `kubeconfig`, `incluster`, `eks`, ...),
    `source` the settings-file source that found it. `key` is written out with the other
    fields for readers of the JSON; on input it is optional and, when given, must agree.
    """

    provider: Slug
    source: str = Field(min_length=1)
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    region: str | None = None
    platform: Platform = Platform.KUBERNETES
    labels: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _drop_written_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "key" in data:
            data = dict(data)
            written = data.pop("key")
            expected = _key(data.get("provider"), data.get("region"), data.get("id"))
            if written != expected:
                raise ValueError(
                    f"key {written!r} does not match provider/region/id (expected {expected!r})"
                )
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str:
        """Stable fleet-wide key: `tke/ap-shanghai/cls-abc`, or `kubeconfig/<context>`."""
        return _key(self.provider, self.region, self.id)

    @property
    def ref(self) -> ClusterRef:
        """The identity alone (for an inventory, without what was collected)."""
        return ClusterRef(
            provider=self.provider,
            source=self.source,
            id=self.id,
            name=self.name,
            region=self.region,
            platform=self.platform,
            labels=self.labels,
        )


def _key(provider: object, region: object, cluster_id: object) -> str:
    if region:
        return f"{provider}/{region}/{cluster_id}"
    return f"{provider}/{cluster_id}"


class ComponentVersion(Frozen):
    """A control-plane component instance (one API server of an HA set, a scheduler, a Swarm
    manager, a Mesos master). `leader` is set where the platform elects one (Swarm raft leader,
    leading Mesos master); None when it has no leader or it is not known."""

    component: str = Field(min_length=1)
    version: KubeVersion | None
    instance: str | None = None
    leader: bool | None = None


class ControlPlane(Frozen):
    """The API servers (or Swarm managers / Mesos masters) and what the provider offers next.

    `version` is the version the provider or `/version` reports for the cluster;
    `components` lists individual instances when they are visible (HA API servers at mixed
    versions, controller-manager, scheduler).
    """

    version: KubeVersion | None
    components: tuple[ComponentVersion, ...] = ()
    available_versions: tuple[KubeVersion, ...] = ()
    upgradable_versions: tuple[KubeVersion, ...] = ()
    support: SupportWindow | None = None

    def apiserver_versions(self) -> tuple[KubeVersion, ...]:
        """Every known API server version; the cluster version when instances are not visible."""
        found = tuple(
            c.version
            for c in self.components
            if c.component == "kube-apiserver" and c.version is not None
        )
        if found:
            return found
        return (self.version,) if self.version is not None else ()


class NodePool(Frozen):
    """A group of worker nodes that is upgraded together.

    `kubelet_version` is the pool's version: the oldest seen when nodes differ;
    `versions_seen` counts nodes per raw kubelet version.
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    role: Literal["worker", "manager", "agent"] = "worker"
    kubelet_version: KubeVersion | None
    kube_proxy_version: KubeVersion | None = None
    runtime: str | None = None
    runtime_version: str | None = None
    os_image: str | None = None
    kernel_version: str | None = None
    node_count: int | None = Field(default=None, ge=0)
    versions_seen: dict[str, int] = Field(default_factory=dict)

    @property
    def mixed_versions(self) -> bool:
        return len(self.versions_seen) > 1


class AddonKind(StrEnum):
    DNS = "dns"
    PROXY = "proxy"
    CNI = "cni"
    CSI = "csi"
    INGRESS = "ingress"
    METRICS = "metrics"
    OTHER = "other"


class Addon(Frozen):
    """A cluster add-on: what is declared, what really runs, and what the provider offers.

    Add-on versions are free-form (`v1.11.1`, `1.9.3.10-7dfca203-aliyun`), so they stay
    strings; policies parse what they can and report the rest as undetermined.
    """

    name: str = Field(min_length=1)
    kind: AddonKind = AddonKind.OTHER
    version: str | None = None
    running_version: str | None = None
    image_id: str | None = None
    available_versions: tuple[str, ...] = ()
    upgradable: bool | None = None

    @property
    def pending(self) -> bool:
        """Declared at one version but running another (upgrade pending or stuck)."""
        return (
            self.version is not None
            and self.running_version is not None
            and self.version != self.running_version
        )


class DeprecatedApiUse(Frozen):
    """A deprecated API the API server saw requested (`apiserver_requested_deprecated_apis`)."""

    group: str
    version: str
    resource: str
    removed_release: str | None = None


class ClusterInventory(ClusterRef):
    """Everything collected about one cluster at one moment: its identity, flat, then what
    was seen.

    `unknown` names the parts that could not be read (`node_pools`, `addons`, ...), so an
    unreadable part is reported as such instead of looking empty. Collectors may pass the
    identity as `ref=ClusterRef(...)`; it is spread into the identity fields.
    """

    collected_at: AwareDatetime
    control_plane: ControlPlane
    node_pools: tuple[NodePool, ...] = ()
    addons: tuple[Addon, ...] = ()
    deprecated_apis: tuple[DeprecatedApiUse, ...] | None = None
    unknown: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _spread_ref(cls, data: Any) -> Any:
        if isinstance(data, dict) and "ref" in data:
            data = dict(data)
            ref = data.pop("ref")
            identity = ref.model_dump() if isinstance(ref, ClusterRef) else ref
            if not isinstance(identity, dict):
                raise ValueError("expected 'ref' to be a cluster reference")
            identity.pop("key", None)
            clashing = sorted(k for k in identity if k in data)
            if clashing:
                raise ValueError(f"identity given twice: {', '.join(clashing)}")
            data.update(identity)
        return data


class FailureReason(StrEnum):
    """Why a collection failed; drives retries and alert wording."""

    AUTH = "auth"
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    SERVER = "server"
    MALFORMED = "malformed"
    NOT_FOUND = "not_found"
    CONFIG = "config"
    # Neither the provider nor the user: an unexpected error in kubedrift or an SDK.
    INTERNAL = "internal"


class Collected(Frozen):
    outcome: Literal["collected"] = "collected"
    inventory: ClusterInventory


class CollectionFailed(Frozen):
    """A source or one cluster could not be read. `cluster` is None for a source-wide failure."""

    outcome: Literal["failed"] = "failed"
    source: str
    cluster: ClusterRef | None
    reason: FailureReason
    message: str
    at: AwareDatetime


CollectionResult = Annotated[Collected | CollectionFailed, Field(discriminator="outcome")]


class InventoryDocument(Frozen):
    """The document `kubedrift scan` writes and `kubedrift evaluate` reads."""

    collected_at: AwareDatetime
    clusters: tuple[ClusterInventory, ...] = ()
    failures: tuple[CollectionFailed, ...] = ()

    def by_key(self) -> dict[str, ClusterInventory]:
        return {c.key: c for c in self.clusters}
