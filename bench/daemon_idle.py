"""The daemon at rest: CPU and RSS of `kubedrift daemon` watching 1,000 simulated clusters.

Usage: .venv/bin/python bench/daemon_idle.py [--clusters 1000] [--minutes 10]
                                             [--interval 600] [--sample 5] [--dir DIR]

The fake ACK and TKE servers (50 ms per call, 20 calls/s per account and region) and a fake
Slack run in a child process; `kubedrift daemon` runs as its own process on a SQLite store
with the scan interval `interval` (600 s: one scan at start, the next one after the window)
and the default outbox drain. Every `sample` seconds the daemon's CPU time and RSS are read
from /proc. Prints the first scan's cost, then the rest of the window after the first scan's
cycles are logged (the outbox still sends their backlog), then the quiet part, after the
last drain that sent anything: CPU as a share of one core, RSS at its start and end and
the peak (goals: quiet CPU < 1% of a core, RSS < 300 MB, no growth while quiet).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path

import yaml

from kubedrift.sim.fleet import generate_fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.slack import SlackFakeServer

PLAN = Path(__file__).resolve().parents[1] / "kubedrift" / "sim" / "data" / "plan.yaml"
TOKEN_ENV, TOKEN = "SLACK_BOT_TOKEN", "xoxb-bench"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the daemon started
    cpu: float  # user + system seconds so far
    rss: int  # bytes


def serve(clusters: int, pipe: Connection) -> None:
    """Child process: the fakes a cloud and a chat would be; runs until told to stop."""
    slack = SlackFakeServer(tokens=frozenset({TOKEN}))
    fleet = generate_fleet(clusters, accounts=3)
    with SimulatedFleet(fleet, latency=0.05, rate_limit=20) as sim, slack.running():
        pipe.send((sim.endpoints, slack.url))
        pipe.recv()
        pipe.send(len(slack.messages))


def read_proc(pid: int, started: float) -> Sample:
    stat = Path(f"/proc/{pid}/stat").read_text()
    # Fields after the command name (which may hold spaces) start at the closing parenthesis.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return Sample(time.monotonic() - started, (utime + stime) / TICKS, rss_pages * PAGE)


def write_settings(directory: Path, endpoints: object, slack_url: str, interval: float) -> Path:
    configs = endpoints.configs("bench", max_rps=19.0, max_concurrency=64)  # type: ignore[attr-defined]
    # One source per provider and account, each with its own name and schedule.
    configs = [c.model_copy(update={"name": f"bench-{n}"}) for n, c in enumerate(configs)]
    (directory / "plan.yaml").write_text(PLAN.read_text())
    settings = {
        "sources": [c.model_dump(mode="json", exclude_none=True) for c in configs],
        "plan": "plan.yaml",
        "store": {"url": f"sqlite:///{directory / 'kubedrift.sqlite'}"},
        "schedule": {"interval": interval, "jitter": 0},
        "http": {"listen": "127.0.0.1:0"},
        "notifiers": [
            {
                "name": "slack-ops",
                "type": "slack",
                "token_env": TOKEN_ENV,
                "channel": "#k8s-upgrades",
                "base_url": f"{slack_url}/api/",
                "timeout": 5,
            }
        ],
    }
    path = directory / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def first_scans_done(log: Path, sources: int) -> bool:
    text = log.read_text(errors="replace") if log.exists() else ""
    return text.count("scan cycle done") >= sources


def last_send(log: Path, started_wall: float) -> float | None:
    """Seconds from the daemon's start to its last drain that sent something."""
    last = None
    for line in log.read_text(errors="replace").splitlines():
        if '"outbox drained' not in line:
            continue
        at = datetime.fromisoformat(json.loads(line)["time"]).timestamp() - started_wall
        last = at if last is None else max(last, at)
    return last


def mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--interval", type=float, default=600.0)
    parser.add_argument("--sample", type=float, default=5.0)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="kubedrift-idle-"))
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "daemon.log"

    parent, child = multiprocessing.Pipe()
    fakes = multiprocessing.Process(target=serve, args=(args.clusters, child), daemon=True)
    fakes.start()
    endpoints, slack_url = parent.recv()
    config = write_settings(directory, endpoints, slack_url, args.interval)
    sources = len(yaml.safe_load(config.read_text())["sources"])
    environ = {**os.environ, **endpoints.environ, TOKEN_ENV: TOKEN}
    samples: list[Sample] = []
    idle_from: Sample | None = None
    with log.open("ab") as out:
        started, started_wall = time.monotonic(), time.time()
        # This interpreter running kubedrift, an argument list, no shell.
        daemon = subprocess.Popen(  # nosec B603
            [sys.executable, "-m", "kubedrift", "daemon", "--config", str(config)],
            cwd=directory,
            env=environ,
            stdout=out,
            stderr=out,
        )
    try:
        while time.monotonic() - started < args.minutes * 60:
            if daemon.poll() is not None:
                print(f"the daemon exited with {daemon.returncode}; see {log}")
                return 1
            samples.append(read_proc(daemon.pid, started))
            if idle_from is None and first_scans_done(log, sources):
                idle_from = samples[-1]
            time.sleep(args.sample)
        samples.append(read_proc(daemon.pid, started))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        parent.send("done")
        messages = parent.recv()
        fakes.join(timeout=10)
    last = samples[-1]
    print(f"clusters {args.clusters} in {sources} sources, scan interval {args.interval:.0f} s")
    print(f"window                 {last.at:.0f} s, sampled every {args.sample:.0f} s")
    print(f"messages to the chat   {messages}")
    print(f"CPU over the window    {last.cpu:.1f} s ({100 * last.cpu / last.at:.2f}% of a core)")
    print(f"peak RSS               {mb(max(s.rss for s in samples))}")
    if idle_from is None:
        print("the first scan did not finish inside the window")
        return 1
    idle_seconds = last.at - idle_from.at
    idle_cpu = last.cpu - idle_from.cpu
    share = 100 * idle_cpu / idle_seconds
    idle = [s for s in samples if s.at >= idle_from.at]
    growth = last.rss - idle_from.rss
    print(f"first scan             done by {idle_from.at:.0f} s, {idle_from.cpu:.1f} s CPU")
    print(
        f"after the first scan   {idle_cpu:.2f} s CPU over {idle_seconds:.0f} s = {share:.3f}% "
        "of a core"
    )
    print(
        f"RSS after the scan     {mb(idle_from.rss)} -> {mb(last.rss)} "
        f"(peak {mb(max(s.rss for s in idle))}, growth {growth / 2**20:+.1f} MB; goal < 300 MB)"
    )
    sent_until = last_send(log, started_wall)
    quiet_from = next((s for s in samples if sent_until is None or s.at > sent_until), None)
    if quiet_from is not None and last.at - quiet_from.at > 0:
        quiet_seconds = last.at - quiet_from.at
        quiet_cpu = last.cpu - quiet_from.cpu
        print(
            f"quiet (outbox empty)   from {quiet_from.at:.0f} s: {quiet_cpu:.2f} s CPU over "
            f"{quiet_seconds:.0f} s = {100 * quiet_cpu / quiet_seconds:.3f}% of a core "
            f"(goal < 1%); RSS {mb(quiet_from.rss)} -> {mb(last.rss)}"
        )
    else:
        print("quiet (outbox empty)   never inside the window")
    print(f"logs                   {directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
