"""The calls kubedrift makes to one Kubernetes API server, through the `kubernetes` client.

One `KubeApi` wraps one `ApiClient` (one kubeconfig context, or the service account). Each
method is exactly one HTTP request, so the collector can run each under the gate; each
turns the client's exceptions into `CollectError` and its models into `kube_facts` records.
Messages carry the operation, the HTTP status and the API server's own `Status.message`,
never a header, and any credential is scrubbed from them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import urllib3
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from kubedrift.collectors.kube_facts import (
    Container,
    ContainerStatus,
    NodeFacts,
    PodFacts,
    WorkloadFacts,
)
from kubedrift.errors import CollectError


class ForbiddenError(CollectError):
    """403: the credentials are valid but RBAC does not allow this read."""


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _status_message(exc: ApiException) -> str:
    """The `message` of a Kubernetes `Status` body, if the body is one."""
    try:
        body = json.loads(exc.body or "")
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return str(message)[:200] if message else ""


def _retry_after(exc: ApiException) -> float | None:
    headers = exc.headers or {}
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None  # an HTTP date: rare from API servers, the gate's back-off applies


def translate(exc: Exception, operation: str, secrets: Sequence[str]) -> CollectError:
    """The `CollectError` for a client failure; the caller chains `exc` as its cause."""
    if isinstance(exc, ApiException):
        status = int(exc.status or 0)
        detail = _status_message(exc)
        text = f"{operation}: HTTP {status} {exc.reason or ''}".rstrip()
        message = _scrub(f"{text}: {detail}" if detail else text, secrets)
        if status == 401:
            return CollectError(message, reason="auth", retryable=False)
        if status == 403:
            return ForbiddenError(message, reason="auth", retryable=False)
        if status == 404:
            return CollectError(message, reason="not_found", retryable=False)
        if status == 429:
            return CollectError(
                message, reason="throttled", retryable=True, retry_after=_retry_after(exc)
            )
        if status >= 500:
            return CollectError(
                message, reason="server", retryable=True, retry_after=_retry_after(exc)
            )
        if status == 0:
            # The client's own failures: an unsupported content type or a TLS error.
            first = str(exc.reason or "").splitlines()[:1]
            if first and first[0].startswith("SSL"):
                return CollectError(f"{operation}: TLS error", reason="config", retryable=False)
            return CollectError(
                f"{operation}: unreadable answer", reason="malformed", retryable=False
            )
        return CollectError(message, reason="server", retryable=False)
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return CollectError(f"{operation}: cannot connect", reason="server", retryable=True)
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return CollectError(f"{operation}: timed out", reason="timeout", retryable=True)
    if isinstance(exc, (urllib3.exceptions.HTTPError, OSError)):
        kind = type(exc).__name__
        return CollectError(
            f"{operation}: connection failed ({kind})", reason="server", retryable=True
        )
    if isinstance(exc, ValueError):  # JSON decoding and pydantic validation of the models
        return CollectError(
            f"{operation}: malformed response ({type(exc).__name__})",
            reason="malformed",
            retryable=False,
        )
    raise exc


def _containers(items: Sequence[client.V1Container] | None) -> tuple[Container, ...]:
    return tuple(Container(name=c.name, image=c.image) for c in items or ())


def _node(node: client.V1Node) -> NodeFacts:
    meta = node.metadata or client.V1ObjectMeta()
    info = node.status.node_info if node.status else None
    return NodeFacts(
        name=meta.name or "",
        labels=dict(meta.labels or {}),
        kubelet_version=info.kubelet_version if info else "",
        container_runtime_version=info.container_runtime_version if info else "",
        os_image=info.os_image if info else "",
        kernel_version=info.kernel_version if info else "",
    )


def _pod(pod: client.V1Pod) -> PodFacts:
    meta = pod.metadata or client.V1ObjectMeta()
    statuses = (pod.status.container_statuses if pod.status else None) or []
    return PodFacts(
        name=meta.name or "",
        namespace=meta.namespace or "",
        labels=dict(meta.labels or {}),
        node_name=pod.spec.node_name if pod.spec else None,
        containers=_containers(pod.spec.containers if pod.spec else None),
        statuses=tuple(
            ContainerStatus(name=s.name, image=s.image, image_id=s.image_id) for s in statuses
        ),
    )


def _workload(kind: str, namespace: str, obj: Any) -> WorkloadFacts:
    # V1Deployment and V1DaemonSet share metadata / spec.selector / spec.template.
    meta = obj.metadata or client.V1ObjectMeta()
    template = obj.spec.template if obj.spec else None
    tmeta = template.metadata if template and template.metadata else client.V1ObjectMeta()
    return WorkloadFacts(
        kind=kind,
        name=meta.name or "",
        namespace=meta.namespace or namespace,
        labels=dict(meta.labels or {}),
        selector=dict((obj.spec.selector.match_labels if obj.spec else None) or {}),
        containers=_containers(template.spec.containers if template and template.spec else None),
        pod_labels=dict(tmeta.labels or {}),
    )


Page = tuple[list[Any], str | None]


class KubeApi:
    """One API server. `timeout` bounds connect and read of every call."""

    def __init__(
        self, api: client.ApiClient, *, timeout: float, page_size: int, secrets: Sequence[str]
    ) -> None:
        self._api = api
        self._timeout = (timeout, timeout)
        self._limit = page_size
        self._secrets = tuple(secrets)
        self._core = client.CoreV1Api(api)
        self._apps = client.AppsV1Api(api)

    def close(self) -> None:
        self._api.close()  # type: ignore[no-untyped-call]

    def _fail(self, exc: Exception, operation: str) -> CollectError:
        return translate(exc, operation, self._secrets)

    def version(self) -> str:
        try:
            return client.VersionApi(self._api).get_code(_request_timeout=self._timeout).git_version
        except Exception as exc:
            raise self._fail(exc, "GET /version") from exc

    @staticmethod
    def _next(meta: client.V1ListMeta | None) -> str | None:
        return (meta.var_continue if meta else None) or None

    def nodes(self, token: str | None) -> tuple[list[NodeFacts], str | None]:
        try:
            listed = self._core.list_node(
                limit=self._limit, _continue=token, _request_timeout=self._timeout
            )
        except Exception as exc:
            raise self._fail(exc, "GET /api/v1/nodes") from exc
        return [_node(n) for n in listed.items], self._next(listed.metadata)

    def pods(self, namespace: str, token: str | None) -> tuple[list[PodFacts], str | None]:
        try:
            listed = self._core.list_namespaced_pod(
                namespace, limit=self._limit, _continue=token, _request_timeout=self._timeout
            )
        except Exception as exc:
            raise self._fail(exc, f"GET /api/v1/namespaces/{namespace}/pods") from exc
        return [_pod(p) for p in listed.items], self._next(listed.metadata)

    def deployments(
        self, namespace: str, token: str | None
    ) -> tuple[list[WorkloadFacts], str | None]:
        try:
            listed = self._apps.list_namespaced_deployment(
                namespace, limit=self._limit, _continue=token, _request_timeout=self._timeout
            )
        except Exception as exc:
            raise self._fail(exc, f"GET /apis/apps/v1/namespaces/{namespace}/deployments") from exc
        found = [_workload("Deployment", namespace, d) for d in listed.items]
        return found, self._next(listed.metadata)

    def daemonsets(
        self, namespace: str, token: str | None
    ) -> tuple[list[WorkloadFacts], str | None]:
        try:
            listed = self._apps.list_namespaced_daemon_set(
                namespace, limit=self._limit, _continue=token, _request_timeout=self._timeout
            )
        except Exception as exc:
            raise self._fail(exc, f"GET /apis/apps/v1/namespaces/{namespace}/daemonsets") from exc
        found = [_workload("DaemonSet", namespace, d) for d in listed.items]
        return found, self._next(listed.metadata)

    def metrics(self) -> str:
        """The API server's `/metrics` text; no generated method exists for it."""
        operation = "GET /metrics"
        try:
            request = self._api.param_serialize(
                method="GET",
                resource_path="/metrics",
                header_params={"Accept": "text/plain"},
                auth_settings=["BearerToken"],
            )
            response = self._api.call_api(*request, _request_timeout=self._timeout)
            body = response.read()  # type: ignore[no-untyped-call]
            if not 200 <= response.status <= 299:
                raise ApiException(http_resp=response, body=body.decode("utf-8", "replace"))
            return bytes(body).decode("utf-8")
        except Exception as exc:
            raise self._fail(exc, operation) from exc
