"""The crash harness, longer: SIGKILL the daemon at random moments, restart, compare.

Usage: .venv/bin/python bench/crash.py [--trials 100] [--seed 1] [--min-life 0.8]
                                       [--max-life 2.5] [--answer-delay 0.15] [--dir DIR]
                                       [--after-start] [--mid-send-every N]

Each trial changes the simulated fleet, starts `kubedrift daemon` (scan every second, drain
every 0.2 s) with a fake Slack that answers 0.15 s after accepting a message, and kills it
with SIGKILL after a random life (from the spawn, or with --after-start from the daemon's
"daemon started" line, so that no kill is spent on start-up; with --mid-send-every N every
N-th life is killed just after the fake Slack accepted a message instead). A last life drains
the outbox. Prints the trials, the events stored, the messages received, and what was lost,
doubled or dead (goal: nothing),
plus how many rows a restarted daemon found already told (in the channel) and did not send
again.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kubedrift.sim.crash import run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-life", type=float, default=0.8)
    parser.add_argument("--max-life", type=float, default=2.5)
    parser.add_argument("--answer-delay", type=float, default=0.15)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--after-start", action="store_true")
    parser.add_argument("--mid-send-every", type=int, default=0)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="kubedrift-crash-"))
    report = run(
        directory,
        args.trials,
        seed=args.seed,
        life=(args.min_life, args.max_life),
        answer_delay=args.answer_delay,
        settle_timeout=60.0,
        after_start=args.after_start,
        mid_send_every=args.mid_send_every,
    )
    lives = sorted(report.kills_after)
    print(f"trials (SIGKILL)       {report.trials}")
    print(f"life before the kill   {lives[0]:.2f}-{lives[-1]:.2f} s")
    print(f"killed mid-send        {report.kills_mid_send}")
    print(f"events stored          {report.events}")
    print(f"messages received      {report.messages}")
    print(f"rows found already told {report.recalled} (a kill between a send and its record)")
    print(f"lost events            {len(report.lost)}")
    print(
        f"doubled events         {len(report.doubled)} "
        f"({len(report.doubled_in_threads)} of them told again as a thread reply)"
    )
    print(f"repeated message keys  {len(report.repeated_keys)}")
    print(f"dead / pending rows    {report.dead} / {report.pending}")
    print(f"wall time              {report.seconds} s")
    print(f"result                 {'OK' if report.ok else 'FAILED'}  (logs: {directory})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
