"""Run every source's collector with bounded concurrency; turn every outcome into data.

Sources run side by side; inside a source at most `max_concurrency` clusters are read at
once. Whatever happens, each cluster ends as `Collected` or `CollectionFailed`, and a source
whose discovery fails ends as one `CollectionFailed` with `cluster=None`. Nothing raises:
a failing cloud never stops the others, and a failure is never mistaken for an empty fleet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from kubedrift.collectors.base import Collector, CollectorConfig
from kubedrift.errors import CollectError
from kubedrift.model.inventory import (
    ClusterRef,
    Collected,
    CollectionFailed,
    FailureReason,
)

log = logging.getLogger(__name__)

Result = Collected | CollectionFailed
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Source:
    """A configured source and the collector that reads it."""

    config: CollectorConfig
    collector: Collector


def _reason(exc: CollectError) -> FailureReason:
    try:
        return FailureReason(exc.reason)
    except ValueError:
        return FailureReason.INTERNAL


def _failed(
    source: str, cluster: ClusterRef | None, exc: BaseException, clock: Clock
) -> CollectionFailed:
    if isinstance(exc, CollectError):
        reason, message = _reason(exc), str(exc)
    else:
        reason, message = FailureReason.INTERNAL, f"unexpected {type(exc).__name__}: {exc}"
    return CollectionFailed(
        source=source, cluster=cluster, reason=reason, message=message, at=clock()
    )


def _collect_one(source: Source, ref: ClusterRef, clock: Clock) -> Result:
    try:
        return Collected(inventory=source.collector.collect(ref))
    except CollectError as exc:
        log.warning(
            "collection failed",
            extra={"source": source.config.name, "cluster": ref.key, "reason": exc.reason},
        )
        return _failed(source.config.name, ref, exc, clock)
    except Exception as exc:  # the per-cluster boundary: one bug must not stop the fleet
        log.exception(
            "collection crashed", extra={"source": source.config.name, "cluster": ref.key}
        )
        return _failed(source.config.name, ref, exc, clock)


def collect_cluster(source: Source, ref: ClusterRef, *, clock: Clock = utc_now) -> Result:
    """Collect one known cluster of `source` (no discovery); never raises."""
    return _collect_one(source, ref, clock)


def collect_source(
    source: Source,
    *,
    clock: Clock = utc_now,
    on_result: Callable[[Result], None] | None = None,
    on_discovered: Callable[[int], None] | None = None,
) -> list[Result]:
    """Discover and collect one source; never raises."""
    try:
        refs = [ref for ref in source.collector.discover() if source.config.wants(ref)]
    except Exception as exc:  # the per-source boundary
        if not isinstance(exc, CollectError):
            log.exception("discovery crashed", extra={"source": source.config.name})
        failure = _failed(source.config.name, None, exc, clock)
        if on_result:
            on_result(failure)
        return [failure]
    if on_discovered:
        on_discovered(len(refs))
    results: list[Result] = []
    workers = max(1, min(source.config.max_concurrency, len(refs)))
    with ThreadPoolExecutor(workers, thread_name_prefix=f"collect-{source.config.name}") as pool:
        for result in pool.map(lambda ref: _collect_one(source, ref, clock), refs):
            results.append(result)
            if on_result:
                on_result(result)
    return results


def collect_all(
    sources: Sequence[Source],
    *,
    clock: Clock = utc_now,
    on_result: Callable[[Result], None] | None = None,
    on_discovered: Callable[[int], None] | None = None,
) -> list[Result]:
    """Collect every source concurrently; results keep the sources' order."""
    if not sources:
        return []
    with ThreadPoolExecutor(len(sources), thread_name_prefix="source") as pool:
        futures = [
            pool.submit(
                collect_source, s, clock=clock, on_result=on_result, on_discovered=on_discovered
            )
            for s in sources
        ]
        return [result for future in futures for result in future.result()]
