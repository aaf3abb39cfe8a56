"""The crash harness: `kubedrift daemon` killed with SIGKILL at random moments, restarted,
and what a fake Slack received compared with the events in the store.

The simulated fleet's fake cloud API and a fake Slack run in this process; the daemon runs
as a subprocess with short intervals (scan every second, drain every 0.2 s, a 1.5 s claim
lease) on a SQLite store. Before each trial the fleet changes (a GPU pool's version is
toggled), so every life of the daemon has events to save and messages to send. The fake
Slack answers `chat.postMessage` only `answer_delay` after accepting the message: a kill in
that gap is the case that matters (the message reached the chat, the outbox does not know),
and a real Slack's latency makes it just as real.

At the end the daemon runs until the outbox is empty, then the check: every stored event was
told in exactly one message the fake Slack accepted (by the event ids the messages carry as
metadata), no message key arrived twice, and no outbox row is dead. `tests/e2e` runs 8
trials, `tests/reliability` 20; `bench/crash.py` runs more and prints the figures.

A life is counted from the spawn of the process by default; with `after_start` it is counted
from the daemon's "daemon started" log line, so every kill lands in the running daemon
(scanning, saving, sending) rather than in the interpreter's start-up. With
`mid_send_every` every n-th life is killed instead just after the fake Slack accepted a
message, while it holds the answer back: the kill that matters, made on purpose rather than
by chance, which a restarted daemon must find already told and not send again.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubedrift.sim.daemon_setup import TOKEN, TOKEN_ENV, received, toggled_gpu_pool, write_settings
from kubedrift.sim.fleet import load_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.server import Request, Response
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.store import OutboxStatus, Store
from kubedrift.store.errors import SchemaOutdatedError

VERSIONS = ("1.28.9-aliyun.1", "1.30.1-aliyun.1")
STARTED = b'"message": "daemon started"'
CYCLE_DONE = b"cycle done"
RECALLED = re.compile(r"already delivered, not sent again: (\d+)")


class SlowAnswerSlack(SlackFakeServer):
    """A fake Slack that accepts a message at once and answers `answer_delay` s later."""

    def __init__(self, *, answer_delay: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answer_delay = answer_delay
        # Set when a message has been accepted and its answer is being held back.
        self.holding = threading.Event()

    def route(self, request: Request, operation: str) -> Response:
        response = super().route(request, operation)
        if operation == "chat.postMessage":
            self.holding.set()
            time.sleep(self.answer_delay)
        return response


@dataclass
class CrashReport:
    trials: int
    kills_after: list[float] = field(default_factory=list)  # seconds each life lasted
    kills_mid_send: int = 0  # lives killed while the fake Slack held a message's answer
    recalled: int = 0  # rows a restarted daemon found already told (logged), not sent again
    events: int = 0
    messages: int = 0
    lost: list[str] = field(default_factory=list)  # event ids never told
    doubled: dict[str, int] = field(default_factory=dict)  # event id -> times told
    repeated_keys: dict[str, int] = field(default_factory=dict)
    # The part of `doubled` told again as a thread reply (the recall reads those threads
    # too: kept apart so a regression there is told apart).
    doubled_in_threads: dict[str, int] = field(default_factory=dict)
    dead: int = 0
    pending: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.doubled or self.repeated_keys or self.dead or self.pending)


def _start(config: Path, environ: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        # This interpreter running kubedrift, an argument list, no shell.
        return subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "kubedrift", "daemon", "--config", str(config)],
            cwd=config.parent,
            env=environ,
            stdout=out,
            stderr=out,
        )


def _outbox(store: Store) -> dict[OutboxStatus, int]:
    counts: Counter[OutboxStatus] = Counter()
    for stat in store.outbox_stats():
        counts[stat.status] += stat.count
    return dict(counts)


def run(
    directory: Path,
    trials: int,
    *,
    seed: int = 0,
    life: tuple[float, float] = (0.8, 2.5),
    answer_delay: float = 0.15,
    settle_timeout: float = 30.0,
    after_start: bool = False,
    mid_send_every: int = 0,
) -> CrashReport:
    """`trials` lives killed by SIGKILL after a random `life` (every `mid_send_every`-th
    one just after a message was accepted instead), then one that drains."""
    started = time.monotonic()
    # A seeded PRNG: the same seed replays the same kill points.
    rng = random.Random(seed)  # nosec B311
    report = CrashReport(trials)
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "daemon.log"
    slack = SlowAnswerSlack(answer_delay=answer_delay)
    with SimulatedFleet(load_fleet()) as sim, slack.running():
        # The fake has no rate limit: let the collector go as fast as it can (short lives).
        config = write_settings(
            directory,
            sim,
            slack,
            f"sqlite:///{directory / 'kubedrift.sqlite'}",
            kinds=("ack",),
            max_rps=1000.0,
            send_timeout=5,
            schedule={"interval": 1, "jitter": 0, "misfire_grace": 5},
            dispatch={"interval": 0.2, "lease": 1.5, "base_delay": 0.5, "max_delay": 2},
            http={"listen": "127.0.0.1:0"},
        )
        environ = {**os.environ, **sim.environ, TOKEN_ENV: TOKEN}
        for trial in range(trials):
            sim.ack.fleet = toggled_gpu_pool(sim.ack.fleet, VERSIONS[trial % 2])
            started_before = _started(log)
            slack.holding.clear()
            process = _start(config, environ, log)
            born = time.monotonic()
            lived = rng.uniform(*life)
            if after_start:
                _wait_started(log, started_before + 1)
                born = time.monotonic()
            if mid_send_every and trial % mid_send_every == mid_send_every - 1:
                # Within the held answer: the chat has the message, the outbox does not know.
                # A life may have nothing to send (the last one died before its scan, and the
                # fleet toggled back): it is then killed after a longest random life.
                if slack.holding.wait(timeout=life[1]):
                    report.kills_mid_send += 1
                    time.sleep(rng.uniform(0, answer_delay / 2))
            else:
                time.sleep(lived)
            process.kill()  # SIGKILL: no handler, no drain, no release
            process.wait(timeout=10)
            report.kills_after.append(round(time.monotonic() - born, 3))
        started_before = _started(log)
        log_before = log.stat().st_size if log.exists() else 0
        process = _start(config, environ, log)
        try:
            # Every earlier life may have died before creating the store.
            _wait_started(log, started_before + 1, timeout=settle_timeout)
            _settle(directory, process, log, log_before, settle_timeout)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)
        with Store(f"sqlite:///{directory / 'kubedrift.sqlite'}") as store:
            events = {event.id for event in store.events(limit=100_000)}
            outbox = _outbox(store)
    told: Counter[str] = Counter()
    in_threads: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for body, payload in zip(slack.messages, received(slack), strict=True):
        keys[str(payload.get("key"))] += 1
        told.update(payload.get("events") or ())
        if "thread_ts" in body:
            in_threads.update(payload.get("events") or ())
    report.events, report.messages = len(events), len(slack.messages)
    text = log.read_text(errors="replace")
    report.recalled = sum(int(found) for found in RECALLED.findall(text))
    report.lost = sorted(events - set(told))
    report.doubled = {e: n for e, n in told.items() if n > 1}
    report.doubled_in_threads = {e: n for e, n in report.doubled.items() if in_threads[e]}
    report.repeated_keys = {k: n for k, n in keys.items() if n > 1}
    report.dead = outbox.get(OutboxStatus.DEAD, 0)
    report.pending = outbox.get(OutboxStatus.PENDING, 0)
    report.seconds = round(time.monotonic() - started, 1)
    return report


def _open_when_migrated(path: Path, deadline: float) -> Store:
    while True:
        try:
            return Store(f"sqlite:///{path}")
        except SchemaOutdatedError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def _started(log: Path) -> int:
    """How many lives have logged "daemon started" so far."""
    return log.read_bytes().count(STARTED) if log.exists() else 0


def _wait_started(log: Path, lives: int, timeout: float = 30.0) -> None:
    """Wait until `log` holds `lives` "daemon started" lines (this life has started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _started(log) >= lives:
            return
        time.sleep(0.02)
    raise TimeoutError(f"the daemon did not start within {timeout} s; see {log}")


def _settle(
    directory: Path, process: subprocess.Popen[bytes], log: Path, offset: int, timeout: float
) -> None:
    """Wait until the last life has finished a scan (its log past `offset` says "cycle done":
    the last fleet state is saved, no later scan has news) and the outbox has had nothing
    pending for 0.5 s (a few drain intervals)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    # Every killed life may have died before its migrations committed: the last daemon
    # creates the schema, which takes a while on a loaded machine.
    store = _open_when_migrated(directory / "kubedrift.sqlite", deadline)
    with store:
        while CYCLE_DONE not in log.read_bytes()[offset:]:
            if time.monotonic() >= deadline or process.poll() is not None:
                raise TimeoutError(f"the last life finished no scan in {timeout} s; see {log}")
            time.sleep(0.05)
        while time.monotonic() < deadline and process.poll() is None:
            pending = _outbox(store).get(OutboxStatus.PENDING, 0)
            now = time.monotonic()
            if pending:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= 0.5:
                return
            time.sleep(0.1)
