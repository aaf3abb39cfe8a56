"""Suite-wide hooks for running on every core (`scripts/test`: pytest-xdist).

Collection order: modules with a slow test run first, so that a multi-minute test does not
start last and run alone while the other workers sit idle. Whole modules move, in their own
order, so module-scoped fixtures are still set up once per module and worker.

A hung test on a worker: pytest-timeout's thread method prints the stacks to the worker's
stdout, which xdist discards, then ends the worker ("worker crashed"). Just before that, the
stacks of every thread go to stderr, which reaches the console.
"""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Iterator

import pytest

STACKS_FD = pytest.StashKey[int]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker; capture is suspended here
        config.stash[STACKS_FD] = os.dup(2)


def pytest_unconfigure(config: pytest.Config) -> None:
    if STACKS_FD in config.stash:
        os.close(config.stash[STACKS_FD])


def _timeout(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None and (marker.args or "timeout" in marker.kwargs):
        return float(marker.args[0] if marker.args else marker.kwargs["timeout"])
    return float(item.config.getoption("timeout", None) or item.config.getini("timeout") or 0)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    seconds = _timeout(item)
    if STACKS_FD not in item.config.stash or seconds <= 1:
        return (yield)
    faulthandler.dump_traceback_later(seconds - 1, file=item.config.stash[STACKS_FD])
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()
