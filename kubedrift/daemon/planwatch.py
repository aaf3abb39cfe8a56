"""The version plan the daemon evaluates, and the watch on its file.

`PlanWatcher` loads the plan at start (a broken plan stops the daemon there) and `poll()`
checks the file: the size and mtime first (cheap), then a hash of the content, because
editors and ConfigMap updates touch files without changing them and an mtime can move
backwards. A change applies once the content has stayed the same for `debounce` seconds, so
a file written in several steps is read once, whole. A new plan that does not parse is
logged and ignored: the daemon keeps evaluating the last good one.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kubedrift.errors import PlanError
from kubedrift.model.plan import VersionPlan
from kubedrift.policies.planfile import load_plan, parse_plan

log = logging.getLogger(__name__)


class PlanWatcher:
    """The current plan of one file; `poll()` says when a new one was loaded."""

    def __init__(
        self, path: Path, *, debounce: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.path = path
        self.debounce = debounce
        self._clock = clock
        data = path.read_bytes()
        self._plan = load_plan(path)
        self._digest = hashlib.sha256(data).hexdigest()
        self._signature = self._stat()
        self._pending: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def current(self) -> VersionPlan:
        return self._plan

    def _stat(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def poll(self) -> bool:
        """Look at the file; True when a changed, valid plan has just become current."""
        with self._lock:
            signature = self._stat()
            if signature is None:
                log.warning("plan file unreadable; keeping the current plan")
                return False
            if signature == self._signature and self._pending is None:
                return False
            self._signature = signature
            try:
                data = self.path.read_bytes()
            except OSError:
                return False
            digest = hashlib.sha256(data).hexdigest()
            if digest == self._digest:
                self._pending = None
                return False
            now = self._clock()
            if self._pending is None or self._pending[0] != digest:
                self._pending = (digest, now)
            if now - self._pending[1] < self.debounce:
                return False
            self._pending = None
            # Whatever the outcome, this content has been judged: do not re-parse it.
            self._digest = digest
            try:
                plan = parse_plan(data.decode("utf-8", errors="replace"), str(self.path))
            except PlanError as exc:
                log.error("the changed plan is invalid; keeping the current plan: %s", exc)
                return False
            self._plan = plan
            log.info("plan changed", extra={"plan": str(self.path), "sha256": digest[:12]})
            return True
