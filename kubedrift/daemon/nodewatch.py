"""The node-watch trigger: a kubelet version change re-collects that cluster.

For every source whose collector can watch nodes (kubeconfig and in-cluster: they offer
`node_watch`), `NodeWatchers` discovers the clusters once and runs one watch per cluster in
its own thread (`collectors.kube_watch.NodeWatch`: list, watch, 410 and reconnect
handling). Only the leader watches: on a follower the watches hold no connection and
wait, and a new leader starts each from a fresh list. A change calls `on_change(source,
cluster)`; the daemon passes it to the scheduler, which re-collects the cluster once,
`debounce` seconds after the first change, under the same rules as every job (a rolling
upgrade of many nodes is one re-collection, not one per node). A discovery that fails is
retried with a back-off; a context added to a kubeconfig later is watched after a restart
(the scheduled scans collect it meanwhile).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from kubedrift.collectors.runner import Source
from kubedrift.daemon.config import NodeWatchSettings
from kubedrift.model.inventory import ClusterRef

if TYPE_CHECKING:
    from kubedrift.daemon.scheduler import Scheduler

log = logging.getLogger(__name__)

_DISCOVERY_RETRY = (5.0, 300.0)  # seconds: first wait after a failed discovery, and the most


class Watch(Protocol):
    def run(self, active: Callable[[], bool] = ..., idle: float = ...) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


@runtime_checkable
class WatchesNodes(Protocol):
    """A collector that can watch its clusters' nodes (`collectors.kube`)."""

    def discover(self) -> list[ClusterRef]: ...
    def node_watch(
        self, cluster: ClusterRef, on_change: Callable[[str], None], *, watch_seconds: int = ...
    ) -> Watch: ...


def rescan_through(
    scheduler: Scheduler, scan_cluster: Callable[[str, ClusterRef], object], debounce: float
) -> Callable[[str, ClusterRef, str], None]:
    """`on_change` for `NodeWatchers`: one run of `scan_cluster` per cluster, `debounce` s
    after the first change (`Scheduler.run_once_later`: the scheduler's rules apply)."""

    def rescan(source: str, cluster: ClusterRef, what: str) -> None:
        job = f"cluster:{cluster.key}"
        if scheduler.run_once_later(job, lambda: scan_cluster(source, cluster), debounce):
            log.info(
                "re-collecting in %g s: %s",
                debounce,
                what,
                extra={"cluster": cluster.key, "source": source},
            )

    return rescan


def watchable(sources: Mapping[str, Source]) -> dict[str, Source]:
    return {n: s for n, s in sources.items() if isinstance(s.collector, WatchesNodes)}


class NodeWatchers:
    """The watches of every watchable source; `start()` and `stop()`."""

    def __init__(
        self,
        sources: Mapping[str, Source],
        settings: NodeWatchSettings,
        *,
        is_leader: Callable[[], bool],
        on_change: Callable[[str, ClusterRef, str], None],
    ) -> None:
        self.sources = watchable(sources) if settings.enabled else {}
        self.settings = settings
        self.is_leader = is_leader
        self.on_change = on_change
        self.watches: dict[str, Watch] = {}  # by cluster key
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        for name in self.sources:
            self._spawn(f"discover-{name}", self._discover_and_watch, name)

    def _spawn(self, label: str, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=label, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _discover_and_watch(self, name: str) -> None:
        source = self.sources[name]
        collector = source.collector
        assert isinstance(collector, WatchesNodes)
        delay, longest = _DISCOVERY_RETRY
        while not self._stopped.is_set():
            try:
                refs = [r for r in collector.discover() if source.config.wants(r)]
                break
            except Exception as exc:  # the per-source boundary, as in a scan
                log.warning(
                    "node watch: discovery failed (%s); retrying in %.0f s",
                    exc,
                    delay,
                    extra={"source": name},
                )
                self._stopped.wait(delay)
                delay = min(longest, delay * 2)
        else:
            return
        for ref in refs:
            try:
                watch = collector.node_watch(
                    ref,
                    self._told(name, ref),
                    watch_seconds=round(self.settings.watch_timeout),
                )
            except Exception as exc:  # an unusable context: the scans report it
                log.warning("node watch: cannot watch (%s)", exc, extra={"cluster": ref.key})
                continue
            with self._lock:
                if self._stopped.is_set():
                    watch.close()
                    return
                self.watches[ref.key] = watch
            self._spawn(f"watch-{ref.key}", self._run, watch)
        log.info("node watch started", extra={"source": name, "clusters": len(refs)})

    def _told(self, source: str, ref: ClusterRef) -> Callable[[str], None]:
        def changed(what: str) -> None:
            if self.is_leader():
                self.on_change(source, ref, what)

        return changed

    def _run(self, watch: Watch) -> None:
        try:
            watch.run(self.is_leader)
        finally:
            watch.close()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stopped.set()
            watches = list(self.watches.values())
            threads = list(self._threads)
        for watch in watches:
            watch.stop()
        for thread in threads:
            thread.join(timeout=timeout / max(1, len(threads)))
