"""Leader election by a Kubernetes `coordination.k8s.io/v1` Lease: our own small loop.

Why not the client's `kubernetes.leaderelection.LeaseLock` (new in kubernetes 37): it builds
its `CoordinationV1Api` from the process-wide default configuration (we would have to
`Configuration.set_default`, changing every other client in the process, the collectors'
included); `electionconfig.Config` calls `sys.exit()` on bad parameters (a daemon must not
die inside a library); its `run()` never returns while leading and has no stop handle; and
it never releases the Lease, so every rolling update would leave the new pod idle for a
whole `lease_duration`. The loop below is the same algorithm as client-go's, in 80 lines,
with an `ApiClient` we pass in, errors we own, and a release on stop.

One round (`ElectionLoop` runs it every `retry_period`):
- no Lease: create it, holding it (a 409 means another replica was quicker);
- held by us, or by nobody, or its record has not changed for `lease_duration` *as we
  observed it* (our monotonic clock, never the holder's `renewTime`: clocks between nodes
  disagree): update it to us. The update carries the `resourceVersion` we read, so of two
  replicas racing, the API server lets one win and answers 409 to the other;
- otherwise someone else leads.
Stopping while leading writes an empty holder with a 1 s duration, as client-go's
`ReleaseOnCancel` does, so a successor takes over at its next round.
RBAC: get, create and update on `leases` in the namespace.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from kubedrift.daemon.leader import ElectionLoop

_TIMEOUT = 5.0  # seconds for one API call: a round must end well within renew_deadline


def api_client(
    kubeconfig: str | None, environ: Mapping[str, str], *, in_cluster: bool
) -> client.ApiClient:
    """The client the Lease is kept through: the pod's service account `in_cluster`, else
    `kubeconfig` (default `$KUBECONFIG`). Our own `Configuration`: the process-wide default
    stays untouched."""
    configuration = client.Configuration()
    if in_cluster:
        config.load_incluster_config(  # type: ignore[no-untyped-call]
            client_configuration=configuration
        )
    else:
        config.load_kube_config(  # type: ignore[no-untyped-call]
            config_file=kubeconfig or environ.get("KUBECONFIG"),
            client_configuration=configuration,
            persist_config=False,
        )
    return client.ApiClient(configuration)


def utc_now() -> datetime:
    return datetime.now(UTC)


class LeaseLeader(ElectionLoop):
    """The holder of Lease `namespace/name`; see the module docstring."""

    kind = "kubernetes"

    def __init__(
        self,
        api: client.ApiClient,
        *,
        name: str,
        namespace: str,
        identity: str,
        lease_duration: float,
        renew_deadline: float,
        retry_period: float,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(
            renew_deadline=renew_deadline,
            retry_period=retry_period,
            monotonic=monotonic,
            on_change=on_change,
        )
        self.api = client.CoordinationV1Api(api)
        self.name, self.namespace, self.identity = name, namespace, identity
        self.lease_duration = max(1, round(lease_duration))
        self._clock = clock
        # The other holder's record as last seen, and when (our monotonic clock).
        self._observed: tuple[str | None, str | None] | None = None
        self._observed_at = 0.0

    def _attempt(self) -> bool:
        now = self._clock()
        try:
            lease = self.api.read_namespaced_lease(
                self.name, self.namespace, _request_timeout=_TIMEOUT
            )
        except ApiException as exc:
            if exc.status != 404:
                raise
            return self._create(now)
        spec = lease.spec or client.V1LeaseSpec()
        holder = spec.holder_identity or None
        record = (holder, lease.metadata.resource_version if lease.metadata else None)
        if record != self._observed:
            self._observed, self._observed_at = record, self._monotonic()
        duration = spec.lease_duration_seconds or self.lease_duration
        expired = self._monotonic() - self._observed_at > duration
        if holder not in (None, self.identity) and not expired:
            return False
        taking_over = holder != self.identity
        lease.spec = client.V1LeaseSpec(
            holder_identity=self.identity,
            lease_duration_seconds=self.lease_duration,
            acquire_time=now if taking_over else spec.acquire_time,
            renew_time=now,
            lease_transitions=(spec.lease_transitions or 0) + (1 if taking_over else 0),
        )
        try:
            self.api.replace_namespaced_lease(
                self.name, self.namespace, lease, _request_timeout=_TIMEOUT
            )
        except ApiException as exc:
            if exc.status == 409:  # someone else wrote it since we read it
                return False
            raise
        return True

    def _create(self, now: datetime) -> bool:
        lease = client.V1Lease(
            metadata=client.V1ObjectMeta(name=self.name, namespace=self.namespace),
            spec=client.V1LeaseSpec(
                holder_identity=self.identity,
                lease_duration_seconds=self.lease_duration,
                acquire_time=now,
                renew_time=now,
                lease_transitions=0,
            ),
        )
        try:
            self.api.create_namespaced_lease(self.namespace, lease, _request_timeout=_TIMEOUT)
        except ApiException as exc:
            if exc.status == 409:
                return False
            raise
        return True

    def _release(self) -> None:
        lease = self.api.read_namespaced_lease(self.name, self.namespace, _request_timeout=_TIMEOUT)
        spec = lease.spec or client.V1LeaseSpec()
        if spec.holder_identity != self.identity:
            return
        lease.spec = client.V1LeaseSpec(
            holder_identity=None,
            lease_duration_seconds=1,
            acquire_time=spec.acquire_time,
            renew_time=self._clock(),
            lease_transitions=spec.lease_transitions,
        )
        self.api.replace_namespaced_lease(
            self.name, self.namespace, lease, _request_timeout=_TIMEOUT
        )
