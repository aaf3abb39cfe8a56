"""The node-watch trigger: a kubelet version change re-collects that cluster.

For every source whose collector can watch nodes (kubeconfig and in-cluster: they offer
`node_watch`), `NodeWatchers` discovers the clusters and runs one watch per cluster in
its own thread (`collectors.kube_watch.NodeWatch`: list, watch, 410 and reconnect
handling). Only the leader watches: on a follower the watches hold no connection and
wait, and a new leader starts each from a fresh list. A change calls `on_change(source,
cluster)`; the daemon passes it to the scheduler, which re-collects the cluster once,
`debounce` seconds after the first change, under the same rules as every job (a rolling
upgrade of many nodes is one re-collection, not one per node). After each scan cycle of a
source (`after_cycle`) its clusters are discovered again and the watches follow: a context
added to the kubeconfig is watched from then on, one removed stops being watched. A
discovery that fails is retried with a back-off and leaves the running watches alone.
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
    from kubedrift.daemon.cycle import CycleReport
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
    """The watches of every watchable source; `start()`, `after_cycle()` and `stop()`."""

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
        self._owners: dict[str, str] = {}  # cluster key -> the source watching it
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        # Set by a scan cycle of the source (or by `stop`): discover again and reconcile.
        self._rediscover = {name: threading.Event() for name in self.sources}

    def start(self) -> None:
        for name in self.sources:
            self._spawn(f"discover-{name}", self._keep_watching, name)

    def after_cycle(self, report: CycleReport) -> None:
        """A scan cycle ended: the sources it scanned discover again, and their watches
        follow (a context added to the kubeconfig is watched, a removed one is not)."""
        if report.kind != "scan" or report.skipped is not None:
            return
        for name in report.sources:
            if name in self._rediscover:
                self._rediscover[name].set()

    def watched(self) -> dict[str, str]:
        """The clusters watched now: cluster key -> source name."""
        with self._lock:
            return dict(self._owners)

    def _spawn(self, label: str, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=label, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def _keep_watching(self, name: str) -> None:
        """Discover, reconcile the watches, wait for the next scan; until `stop()`."""
        source = self.sources[name]
        collector = source.collector
        assert isinstance(collector, WatchesNodes)
        wake = self._rediscover[name]
        first, longest = _DISCOVERY_RETRY
        delay = first
        while not self._stopped.is_set():
            wake.clear()
            try:
                refs = [r for r in collector.discover() if source.config.wants(r)]
            except Exception as exc:  # the per-source boundary, as in a scan
                # The watches already running stay: a failed discovery says nothing of them.
                log.warning(
                    "node watch: discovery failed (%s); retrying in %.0f s",
                    exc,
                    delay,
                    extra={"source": name},
                )
                wake.wait(delay)
                delay = min(longest, delay * 2)
                continue
            delay = first
            self._reconcile(name, refs)
            wake.wait()

    def _reconcile(self, name: str, refs: list[ClusterRef]) -> None:
        wanted = {ref.key: ref for ref in refs}
        with self._lock:
            if self._stopped.is_set():
                return
            gone = [k for k, owner in self._owners.items() if owner == name and k not in wanted]
            stopping = [self.watches.pop(key) for key in gone]
            for key in gone:
                del self._owners[key]
            new = [ref for key, ref in wanted.items() if key not in self._owners]
        for watch in stopping:
            watch.stop()  # its thread returns and closes it
        for key in gone:
            log.info("node watch stopped: the cluster is gone", extra={"cluster": key})
        started = sum(self._watch(name, ref) for ref in new)
        if started or gone:
            log.info(
                "node watch reconciled",
                extra={"source": name, "clusters": len(wanted), "started": started,
                       "stopped": len(gone)},
            )  # fmt: skip

    def _watch(self, name: str, ref: ClusterRef) -> bool:
        source = self.sources[name].collector
        assert isinstance(source, WatchesNodes)
        try:
            watch = source.node_watch(
                ref, self._told(name, ref), watch_seconds=round(self.settings.watch_timeout)
            )
        except Exception as exc:  # an unusable context: the scans report it
            log.warning("node watch: cannot watch (%s)", exc, extra={"cluster": ref.key})
            return False
        with self._lock:
            if self._stopped.is_set():
                watch.close()
                return False
            self.watches[ref.key] = watch
            self._owners[ref.key] = name
        self._spawn(f"watch-{ref.key}", self._run, watch)
        return True

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
        for wake in self._rediscover.values():
            wake.set()
        for watch in watches:
            watch.stop()
        for thread in threads:
            thread.join(timeout=timeout / max(1, len(threads)))
