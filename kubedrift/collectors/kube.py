"""Collectors for any conformant cluster: kubeconfig contexts and the in-cluster service account.

Each chosen kubeconfig context is one cluster (`kubeconfig/<context>`); the in-cluster
collector reads the cluster it runs in. Per cluster: `/version`, the nodes grouped into
pools, the add-ons and control-plane static pods of the system namespaces, and the
deprecated APIs the API server saw requested. Every request runs under the source's gate,
with the context name as the rate-limit bucket (each context is its own API server).

A 403 on a list or on `/metrics` is RBAC narrowing what we may read: that part is named in
`ClusterInventory.unknown` and the rest is reported. A 401, a 403 on `/version`, or any
other failure that outlives the gate's retries fails the cluster (`CollectError`).
See docs/collectors/kubeconfig.md.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from kubedrift.collectors.base import ApiGate, CollectorConfig
from kubedrift.collectors.kube_pools import POOL_LABELS
from kubedrift.errors import CollectError
from kubedrift.model.inventory import ClusterInventory, ClusterRef

if TYPE_CHECKING:
    from kubernetes.client import Configuration

    from kubedrift.collectors.kube_api import KubeApi
    from kubedrift.collectors.kube_watch import NodeWatch

# The client is imported inside the methods that use it, so that validating a settings
# file (which loads these Config classes) does not pay for importing it.
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class KubeSettings(CollectorConfig):
    namespaces: tuple[str, ...] = Field(
        default=("kube-system",), min_length=1, description="namespaces searched for add-ons"
    )
    pool_labels: tuple[str, ...] = Field(
        default=POOL_LABELS, description="node labels naming a node's pool, first match wins"
    )
    page_size: int = Field(default=500, ge=1, le=5000, description="items per list request")
    read_metrics: bool = Field(
        default=True, description="read deprecated-API use from the API server's /metrics"
    )


class KubeconfigConfig(KubeSettings):
    path_fields: ClassVar[tuple[str, ...]] = ("kubeconfig",)

    type: Literal["kubeconfig"] = "kubeconfig"
    kubeconfig: str | None = Field(
        default=None,
        description="kubeconfig path(s), ':'-separated; default $KUBECONFIG or ~/.kube/config",
    )
    contexts: tuple[str, ...] = Field(
        default=("*",), min_length=1, description="context names or globs to read"
    )
    context_labels: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="labels per context name or glob (a kubeconfig has no tags); every "
        "matching entry applies, in file order, and the source's `labels` go on top",
    )

    def labels_for(self, context: str) -> dict[str, str]:
        labels: dict[str, str] = {}
        for pattern, extra in self.context_labels.items():
            if fnmatch.fnmatchcase(context, pattern):
                labels.update(extra)
        return {**labels, **self.labels}


class InClusterConfig(KubeSettings):
    type: Literal["incluster"] = "incluster"
    cluster_name: str = Field(min_length=1, description="the name this cluster is reported as")
    token_file: str = Field(default=f"{SA_DIR}/token", description="service-account token")
    ca_file: str = Field(default=f"{SA_DIR}/ca.crt", description="API server CA bundle")


class _KubeCollector:
    """What both collectors share: reading one cluster through one `KubeApi`."""

    Config: ClassVar[type[CollectorConfig]]
    provider: ClassVar[str]

    def __init__(
        self,
        config: CollectorConfig,
        gate: ApiGate,
        environ: Mapping[str, str],
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not isinstance(config, KubeSettings):
            raise TypeError(f"{type(self).__name__} needs a {self.Config.__name__}")
        self._settings: KubeSettings = config
        self._gate = gate
        self._environ = environ
        self._clock = clock or (lambda: datetime.now(UTC))

    def _ref(self, name: str) -> ClusterRef:
        return ClusterRef(
            provider=self.provider,
            source=self._settings.name,
            id=name,
            name=name,
            labels=(
                self._settings.labels_for(name)
                if isinstance(self._settings, KubeconfigConfig)
                else dict(self._settings.labels)
            ),
        )

    def _configuration(self, ref: ClusterRef) -> Configuration:
        raise NotImplementedError

    def _open(self, ref: ClusterRef) -> KubeApi:
        return _api(self._configuration(ref), self._settings)

    def node_watch(
        self, cluster: ClusterRef, on_change: Callable[[str], None], *, watch_seconds: int = 300
    ) -> NodeWatch:
        """A watch on `cluster`'s nodes calling `on_change(what)` when a kubelet version
        changes or a node comes or goes (`kube_watch.NodeWatch`; the daemon's trigger)."""
        from kubernetes import client

        from kubedrift.collectors.kube_watch import NodeWatch

        def connect() -> client.ApiClient:
            # A new configuration each time: tokens and kubeconfigs are read again.
            cfg = self._configuration(cluster)
            cfg.retries = False  # the watch has its own back-off
            return client.ApiClient(cfg)

        return NodeWatch(
            connect,
            cluster.key,
            on_change,
            watch_seconds=watch_seconds,
            timeout=self._settings.timeout,
            page_size=self._settings.page_size,
        )

    def collect(self, cluster: ClusterRef) -> ClusterInventory:
        from kubedrift.collectors.kube_read import ClusterReader

        api = self._open(cluster)
        try:
            return ClusterReader(api, self._gate, self._settings, cluster).read(self._clock())
        finally:
            api.close()


class KubeconfigCollector(_KubeCollector):
    """Every chosen context of a kubeconfig file is a cluster."""

    Config: ClassVar[type[CollectorConfig]] = KubeconfigConfig
    provider: ClassVar[str] = "kubeconfig"

    @property
    def path(self) -> str:
        settings = self._settings
        assert isinstance(settings, KubeconfigConfig)
        if settings.kubeconfig:
            return settings.kubeconfig
        if self._environ.get("KUBECONFIG"):
            return self._environ["KUBECONFIG"]
        home = self._environ.get("HOME") or str(Path.home())
        return str(Path(home) / ".kube" / "config")

    def discover(self) -> list[ClusterRef]:
        from kubernetes import config

        settings = self._settings
        assert isinstance(settings, KubeconfigConfig)
        try:
            contexts, _current = config.list_kube_config_contexts(  # type: ignore[no-untyped-call]
                config_file=self.path
            )
        except Exception as exc:
            raise CollectError(
                f"kubeconfig {self.path}: cannot read contexts ({type(exc).__name__})",
                reason="config",
                retryable=False,
            ) from exc
        names = [str(c["name"]) for c in contexts]
        for pattern in settings.contexts:
            if not any(ch in pattern for ch in "*?[") and pattern not in names:
                raise CollectError(
                    f"kubeconfig {self.path}: no context named {pattern!r}",
                    reason="config",
                    retryable=False,
                )
        chosen = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in settings.contexts)]
        refs = [self._ref(name) for name in chosen]
        return [r for r in refs if settings.wants(r)]

    def _configuration(self, ref: ClusterRef) -> Configuration:
        from kubernetes import client, config

        cfg = client.Configuration()
        try:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=self.path,
                context=ref.id,
                client_configuration=cfg,
                persist_config=False,
            )
        except Exception as exc:
            raise CollectError(
                f"kubeconfig {self.path}: context {ref.id!r} unusable ({type(exc).__name__})",
                reason="config",
                retryable=False,
            ) from exc
        return cfg


class InClusterCollector(_KubeCollector):
    """The cluster this process runs in, through its service account."""

    Config: ClassVar[type[CollectorConfig]] = InClusterConfig
    provider: ClassVar[str] = "incluster"

    def discover(self) -> list[ClusterRef]:
        settings = self._settings
        assert isinstance(settings, InClusterConfig)
        ref = self._ref(settings.cluster_name)
        return [ref] if settings.wants(ref) else []

    def _configuration(self, ref: ClusterRef) -> Configuration:
        from kubernetes import client
        from kubernetes.config.incluster_config import InClusterConfigLoader

        settings = self._settings
        assert isinstance(settings, InClusterConfig)
        cfg = client.Configuration()
        try:
            # The loader reads KUBERNETES_SERVICE_HOST/PORT from the environ we were given.
            # Its refresh hook would reset `host` on every call (undoing `endpoint`); a new
            # loader per collect re-reads the rotating projected token anyway.
            InClusterConfigLoader(  # type: ignore[no-untyped-call]
                token_filename=settings.token_file,
                cert_filename=settings.ca_file,
                try_refresh_token=False,
                environ=self._environ,
            ).load_and_set(cfg)
        except Exception as exc:
            raise CollectError(
                f"in-cluster credentials unusable ({type(exc).__name__})",
                reason="config",
                retryable=False,
            ) from exc
        if settings.endpoint:
            cfg.host = settings.endpoint.rstrip("/")
        return cfg


def _api(cfg: Configuration, settings: KubeSettings) -> KubeApi:
    from kubernetes import client

    from kubedrift.collectors.kube_api import KubeApi

    cfg.retries = False  # the gate retries; urllib3 would retry reads three times more
    token = cfg.api_key.get("BearerToken") or ""
    secrets = [token, token.split(" ", 1)[-1]]
    return KubeApi(
        client.ApiClient(cfg),
        timeout=settings.timeout,
        page_size=settings.page_size,
        secrets=secrets,
    )
