"""Turn validated source settings into running collectors, and close them afterwards."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from kubedrift.collectors.base import CollectorConfig
from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.collectors.registry import COLLECTORS
from kubedrift.collectors.runner import Source


@contextmanager
def open_sources(
    configs: Sequence[CollectorConfig], environ: Mapping[str, str]
) -> Iterator[list[Source]]:
    """Construct one collector per source; collectors with a `close()` are closed on exit."""
    with ExitStack() as stack:
        sources = []
        for config in configs:
            factory: Any = COLLECTORS.get(config.type)
            gate = Gate(config.max_rps, RetryPolicy(retries=config.retries))
            collector = factory(config, gate, environ)
            close = getattr(collector, "close", None)
            if callable(close):
                stack.callback(close)
            sources.append(Source(config, collector))
        yield sources
