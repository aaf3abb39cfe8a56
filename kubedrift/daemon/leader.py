"""Leader election: which replica collects, dispatches and enforces. Every replica serves HTTP.

One small protocol, `Leader` (`start`, `is_leader`, `stop`), three implementations:

- `AlwaysLeader`: a single SQLite daemon (a SQLite file has one writer anyway);
- `PostgresLeader`: `pg_try_advisory_lock` on a dedicated connection
  (`kubedrift.store.advisory`), the default with a PostgreSQL store outside Kubernetes;
- `LeaseLeader` (`kubedrift.daemon.lease`): a `coordination.k8s.io/v1` Lease, the default in
  a cluster.

Both elections run `ElectionLoop`: a thread that tries to take or renew every
`retry_period`. `is_leader()` is true only while the last successful renewal is younger than
`renew_deadline`, so a replica whose renewals stall (network gone, database gone) stops
acting *before* `lease_duration` lets another one take over. Leadership is an optimisation
of who works, not the safety net: outbox rows are claimed with a lease and fenced by their
attempt count, and cycle saves are idempotent, so a short overlap of two leaders costs at
most a redundant collection, never a doubled message.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from kubedrift.daemon.config import LeaderSettings
from kubedrift.errors import Problem, SettingsError
from kubedrift.store.advisory import AdvisoryLock

log = logging.getLogger(__name__)


class Leader(Protocol):
    """Who leads; `is_leader` is asked before every cycle, drain and send."""

    kind: str

    def start(self) -> None: ...
    def is_leader(self) -> bool: ...
    def stop(self) -> None:
        """Stop campaigning and give leadership up at once (no wait for an expiry)."""


class AlwaysLeader:
    """The only replica: always the leader."""

    kind = "none"

    def start(self) -> None:
        pass

    def is_leader(self) -> bool:
        return True

    def stop(self) -> None:
        pass


class ElectionLoop:
    """Try/renew every `retry_period` on a thread; subclasses give `_attempt` and `_release`."""

    kind = "loop"

    def __init__(
        self,
        *,
        renew_deadline: float,
        retry_period: float,
        monotonic: Callable[[], float] = time.monotonic,
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        self.renew_deadline, self.retry_period = renew_deadline, retry_period
        self._monotonic, self._on_change = monotonic, on_change
        self._valid_until: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._leading = False

    def _attempt(self) -> bool:
        """Take or renew leadership; True when this replica holds it now. May raise."""
        raise NotImplementedError

    def _release(self) -> None:
        """Give leadership up (called when stopping while holding it)."""

    def is_leader(self) -> bool:
        with self._lock:
            return self._valid_until is not None and self._monotonic() < self._valid_until

    def step(self) -> bool:
        """One round of the loop (the thread calls it; tests call it directly)."""
        started = self._monotonic()
        try:
            held = self._attempt()
        except Exception as exc:  # the election's boundary: try again next round
            log.warning("leader election round failed: %s", exc, extra={"kind": self.kind})
            held = False
        with self._lock:
            self._valid_until = started + self.renew_deadline if held else None
        if held != self._leading:
            self._leading = held
            log.info("leadership %s", "acquired" if held else "lost", extra={"kind": self.kind})
            if self._on_change is not None:
                self._on_change(held)
        return held

    def start(self) -> None:
        if self._thread is not None:
            return
        self.step()  # a replica that can lead does so before its first cycle
        self._thread = threading.Thread(target=self._run, name="leader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.retry_period):
            self.step()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(1.0, self.retry_period * 2))
        with self._lock:
            was, self._valid_until = self._leading, None
        self._leading = False
        if was:
            try:
                self._release()
                log.info("leadership released", extra={"kind": self.kind})
            except Exception as exc:  # the successor then waits for the expiry
                log.warning("could not release leadership: %s", exc, extra={"kind": self.kind})


class PostgresLeader(ElectionLoop):
    """The holder of PostgreSQL advisory lock `key`; see `kubedrift.store.advisory`."""

    kind = "postgres"

    def __init__(
        self,
        url: str,
        key: int,
        *,
        renew_deadline: float,
        retry_period: float,
        monotonic: Callable[[], float] = time.monotonic,
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(
            renew_deadline=renew_deadline,
            retry_period=retry_period,
            monotonic=monotonic,
            on_change=on_change,
        )
        self.lock = AdvisoryLock(url, key)
        self._holding = False

    def _attempt(self) -> bool:
        if self._holding and self.lock.alive():
            return True
        # Not holding, or the session died (and the server freed the lock with it).
        self._holding = self.lock.try_acquire()
        return self._holding

    def _release(self) -> None:
        self._holding = False
        self.lock.release()

    def stop(self) -> None:
        super().stop()
        self.lock.close()


class Predicate:
    """A leader given as a plain predicate (tests, embedding)."""

    kind = "predicate"

    def __init__(self, predicate: Callable[[], bool]) -> None:
        self.predicate = predicate

    def start(self) -> None:
        pass

    def is_leader(self) -> bool:
        return self.predicate()

    def stop(self) -> None:
        pass


_NAMESPACE_FILE = Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace")


def make_leader(settings: LeaderSettings, store_url: str, environ: Mapping[str, str]) -> Leader:
    """The election `leader:` asks for; `auto`: a Lease in a cluster, the advisory lock with
    a PostgreSQL store, otherwise none (one SQLite daemon)."""
    in_cluster = bool(environ.get("KUBERNETES_SERVICE_HOST"))
    postgres = store_url.startswith(("postgresql", "postgres:"))
    mode = settings.mode
    if mode == "auto":
        mode = "kubernetes" if in_cluster else "postgres" if postgres else "none"
    if mode == "none":
        return AlwaysLeader()
    if mode == "postgres":
        if not postgres:
            message = "leader.mode postgres needs a postgresql:// store url"
            raise SettingsError([Problem("settings", "leader.mode", message)])
        return PostgresLeader(
            store_url,
            settings.lock_key,
            renew_deadline=settings.renew_deadline,
            retry_period=settings.retry_period,
        )
    from kubedrift.daemon.lease import LeaseLeader, api_client

    service_account = in_cluster and settings.kubeconfig is None
    api = api_client(settings.kubeconfig, environ, in_cluster=service_account)
    namespace = settings.namespace or (
        _NAMESPACE_FILE.read_text().strip() if _NAMESPACE_FILE.exists() else "default"
    )
    # The pod name: stable across a container restart, so a restarted leader resumes.
    identity = (
        settings.identity
        or environ.get("POD_NAME")
        or environ.get("HOSTNAME")
        or socket.gethostname()
    )
    return LeaseLeader(
        api,
        name=settings.lease_name,
        namespace=namespace,
        identity=identity,
        lease_duration=settings.lease_duration,
        renew_deadline=settings.renew_deadline,
        retry_period=settings.retry_period,
    )
