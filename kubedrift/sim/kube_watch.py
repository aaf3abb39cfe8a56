"""The fake Kubernetes API's node history and `GET /api/v1/nodes?watch=true`.

A `NodeLog` holds one simulated cluster's nodes (the very list `list_nodes` answers from)
and every change made to them, each with its own `resourceVersion`, as an API server's
watch cache does. A watch from `resourceVersion=N` is a 200 whose chunked body is one JSON
event a line (`{"type": "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR", "object":
...}`): every change after N, then each new one as it happens, until `timeoutSeconds`.
A version older than the history kept (`compact()`) gets an `ERROR` event carrying a 410
`Expired` Status, as etcd compaction produces; the client then lists again.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

FIRST_VERSION = 1000


@dataclass(frozen=True)
class NodeEvent:
    version: int
    type: str
    node: dict[str, Any]


def _line(kind: str, obj: dict[str, Any]) -> bytes:
    return json.dumps({"type": kind, "object": obj}).encode() + b"\n"


def _expired(version: int) -> bytes:
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f"too old resource version: {version}",
        "reason": "Expired",
        "code": 410,
    }
    return _line("ERROR", status)


class NodeLog:
    """One cluster's nodes and their change history; thread-safe."""

    def __init__(self, nodes: list[dict[str, Any]], closing: threading.Event) -> None:
        self.nodes = nodes
        self.version = FIRST_VERSION
        self.oldest = FIRST_VERSION  # a watch from before this is 410 Gone
        self.events: list[NodeEvent] = []
        self._closing = closing
        self._changed = threading.Condition()
        for node in nodes:
            node["metadata"]["resourceVersion"] = str(FIRST_VERSION)

    def _record(self, kind: str, node: dict[str, Any]) -> None:
        # Under self._changed.
        self.version += 1
        node["metadata"]["resourceVersion"] = str(self.version)
        self.events.append(NodeEvent(self.version, kind, copy.deepcopy(node)))
        self._changed.notify_all()

    def _find(self, name: str) -> dict[str, Any]:
        for node in self.nodes:
            if node["metadata"]["name"] == name:
                return node
        raise KeyError(f"no node named {name!r}")

    def set_kubelet(self, name: str, version: str) -> None:
        """The node's kubelet (and the kube-proxy it reports) now runs `version`."""
        with self._changed:
            node = self._find(name)
            info = node["status"]["nodeInfo"]
            info["kubeletVersion"] = info["kubeProxyVersion"] = version
            self._record("MODIFIED", node)

    def touch(self, name: str) -> None:
        """A status update that changes no version (heartbeats, conditions)."""
        with self._changed:
            self._record("MODIFIED", self._find(name))

    def add(self, node: dict[str, Any]) -> None:
        with self._changed:
            self.nodes.append(node)
            self._record("ADDED", node)

    def remove(self, name: str) -> None:
        with self._changed:
            node = self._find(name)
            self.nodes.remove(node)
            self._record("DELETED", node)

    def compact(self) -> None:
        """Forget the history: a watch from any version given out so far is 410 Gone (the
        store's revision moved on, as other objects' writes move etcd's)."""
        with self._changed:
            self.version += 1
            self.oldest = self.version
            self.events.clear()

    def wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def watch(self, since: str | None, timeout: float, bookmarks: bool) -> Iterator[bytes]:
        """The event lines of a watch from `since` (None: the current nodes as ADDED)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            if since in (None, "", "0"):
                position = self.version
                backlog = [_line("ADDED", copy.deepcopy(node)) for node in self.nodes]
            else:
                position = int(since or 0)
                if position < self.oldest:
                    backlog = [_expired(position)]
                    deadline = 0.0  # the watch ends with the error
                else:
                    backlog = []
        yield from backlog
        while True:
            with self._changed:
                pending = [e for e in self.events if e.version > position]
                if not pending:
                    left = deadline - time.monotonic()
                    if left <= 0 or self._closing.is_set():
                        break
                    self._changed.wait(min(left, 0.2))
                    continue
            for event in pending:
                position = event.version
                yield _line(event.type, event.node)
        if bookmarks and deadline > 0:
            marker: dict[str, Any] = {"kind": "Node", "apiVersion": "v1"}
            marker["metadata"] = {"resourceVersion": str(position)}
            yield _line("BOOKMARK", marker)
