"""A progress bar on stderr for long collections; silent when not on a terminal."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any


class Progress:
    """Counts clusters as sources discover them and as results arrive (thread-safe)."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._bar: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        if self._enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=0, unit="cluster", desc="collecting", leave=False)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()

    def add_total(self, clusters: int) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.total += clusters
                self._bar.refresh()

    def advance(self, _result: object) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.update(1)
