"""A watch on one cluster's nodes that says when a kubelet version changes, through the
`kubernetes` client's `watch.Watch`.

`NodeWatch.run()` lists the nodes (the baseline: node name -> kubelet version, and the
list's `resourceVersion`), then watches from that version with `timeoutSeconds` and
bookmarks, following each event's `resourceVersion`, and starts the next watch where the
last one ended. `on_change(reason)` is called when a node's kubelet version differs from
what was last seen, or a node comes or goes; heartbeats and other status updates say
nothing. A 410 Gone (the version was compacted away) lists again; any other failure (the
API server unreachable, 5xx, 401) is logged and retried after a back-off that doubles up to
`max_backoff`, and also lists again. A list after a gap compares with what was last seen,
so a change made while the watch was down is told then. `stop()` ends the watch under way
(its socket is shut) and `run()` returns.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import urllib3
from kubernetes import client, watch
from kubernetes.client.exceptions import ApiException

log = logging.getLogger(__name__)

Kubelets = dict[str, str]  # node name -> kubelet version


def _kubelet(node: Mapping[str, Any]) -> str:
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return str(info.get("kubeletVersion") or "")


def differences(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """What moved between two views of the nodes, as short phrases (empty: nothing)."""
    said = [f"node {n} added" for n in sorted(after.keys() - before.keys())]
    said += [f"node {n} removed" for n in sorted(before.keys() - after.keys())]
    said += [
        f"node {n} kubelet {before[n]} -> {after[n]}"
        for n in sorted(before.keys() & after.keys())
        if before[n] != after[n]
    ]
    return said


class NodeWatch:
    """Watches the nodes of the cluster `cluster` through clients `connect()` makes; see the
    module docstring. After a failure the client is dropped and the next attempt connects
    afresh, so credentials that rotate (a projected service-account token, a kubeconfig
    exec plugin) are read again."""

    def __init__(
        self,
        connect: Callable[[], client.ApiClient],
        cluster: str,
        on_change: Callable[[str], None],
        *,
        watch_seconds: int = 300,
        timeout: float = 10.0,
        page_size: int = 500,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
    ) -> None:
        self._connect, self.cluster, self.on_change = connect, cluster, on_change
        self._api: client.ApiClient | None = None
        self.watch_seconds = watch_seconds
        self.timeout, self.page_size = timeout, page_size
        self.min_backoff, self.max_backoff = min_backoff, max_backoff
        self._stopped = threading.Event()
        self._watch: watch.Watch | None = None
        self.kubelets: Kubelets | None = None  # as last seen; None before the first list
        self.lists = 0  # how many times the nodes were listed (first, after 410 or errors)

    @property
    def following(self) -> bool:
        """Whether a watch request is open."""
        return self._watch is not None

    def stop(self) -> None:
        self._stopped.set()
        current = self._watch
        if current is not None:
            # Shutting the watch's socket makes the blocked read return. Right after the
            # watch was created its request may not be open yet (and `stream()` clears a stop
            # asked before it starts): a helper waits for the response, briefly, then shuts.
            threading.Thread(target=self._shut, args=(current,), daemon=True).start()

    def _shut(self, current: watch.Watch, patience: float = 2.0) -> None:
        deadline = time.monotonic() + patience
        while getattr(current, "_resp", None) is None and self._watch is current:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        current.stop()  # type: ignore[no-untyped-call]

    @property
    def _core(self) -> client.CoreV1Api:
        if self._api is None:
            self._api = self._connect()
        return client.CoreV1Api(self._api)

    def close(self) -> None:
        api, self._api = self._api, None
        if api is not None:
            api.close()  # type: ignore[no-untyped-call]

    def run(self, active: Callable[[], bool] = lambda: True, idle: float = 1.0) -> None:
        """Watch until `stop()`; while `active()` is false, hold no connection and wait."""
        version: str | None = None
        delay = self.min_backoff
        while not self._stopped.is_set():
            if not active():
                version = None  # a new term starts from a fresh list
                self._stopped.wait(idle)
                continue
            try:
                if version is None:
                    version = self._list()
                version = self._follow(version, active)
                delay = self.min_backoff
            except ApiException as exc:
                version = None
                if exc.status == 410:
                    log.info("node watch expired; listing again", extra={"cluster": self.cluster})
                    continue
                delay = self._failed(f"HTTP {exc.status} {exc.reason}", delay)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                version = None
                delay = self._failed(type(exc).__name__, delay)
            except Exception as exc:  # the per-cluster boundary: the watch must go on
                log.exception("node watch crashed", extra={"cluster": self.cluster})
                version = None
                delay = self._failed(type(exc).__name__, delay)

    def _failed(self, why: str, delay: float) -> float:
        self.close()  # the next attempt connects afresh
        if not self._stopped.is_set():
            log.warning(
                "node watch failed (%s); retrying in %.0f s",
                why,
                delay,
                extra={"cluster": self.cluster},
            )
            self._stopped.wait(delay)
        return min(self.max_backoff, delay * 2)

    def _list(self) -> str:
        """List every node; tell what changed since last seen; the list's resourceVersion."""
        seen: Kubelets = {}
        token: str | None = None
        while True:
            page = self._core.list_node(
                limit=self.page_size,
                _continue=token,
                _request_timeout=(self.timeout, self.timeout),
                _preload_content=False,
            )
            body = _json(page)
            for node in body.get("items") or ():
                seen[node["metadata"]["name"]] = _kubelet(node)
            meta = body.get("metadata") or {}
            token = meta.get("continue") or None
            if token is None:
                break
        self.lists += 1
        self._see(seen)
        return str(meta.get("resourceVersion") or "")

    def _follow(self, version: str, active: Callable[[], bool]) -> str:
        """One watch from `version`, until its timeout, `stop()` or an event finding it no
        longer `active()`; the last version seen."""
        self._watch = current = watch.Watch()  # type: ignore[no-untyped-call]
        if self._stopped.is_set():  # stopped before `stop()` could see this watch
            self._watch = None
            return version
        try:
            core = self._core
            for event in current.stream(  # type: ignore[no-untyped-call]
                core.list_node,
                resource_version=version,
                timeout_seconds=self.watch_seconds,
                allow_watch_bookmarks=True,
                _request_timeout=(self.timeout, self.watch_seconds + self.timeout),
            ):
                # The dict as sent (`raw_object`): deserialize=False would be lighter, but
                # then the client fails on an ERROR event (it reads `raw_object`) instead of
                # raising the 410 as an ApiException.
                node = event.get("raw_object") or {}
                version = str((node.get("metadata") or {}).get("resourceVersion") or version)
                kind = event.get("type")
                if kind in ("ADDED", "MODIFIED", "DELETED") and self.kubelets is not None:
                    name = node["metadata"]["name"]
                    after = dict(self.kubelets)
                    if kind == "DELETED":
                        after.pop(name, None)
                    else:
                        after[name] = _kubelet(node)
                    self._see(after)
                if self._stopped.is_set() or not active():
                    break
        finally:
            self._watch = None
        return version

    def _see(self, kubelets: Kubelets) -> None:
        before, self.kubelets = self.kubelets, kubelets
        if before is None:
            return
        moved = differences(before, kubelets)
        if moved:
            log.info("nodes changed: %s", "; ".join(moved), extra={"cluster": self.cluster})
            self.on_change("; ".join(moved))


def _json(response: Any) -> dict[str, Any]:
    try:
        data = json.loads(response.data)
    finally:
        response.release_conn()
    if not isinstance(data, dict):
        raise ValueError("a node list that is not a JSON object")
    return data
