"""Plan and settings fuzzing, longer: many mutated files through the real parsers.

Usage: PYTHONPATH=. .venv/bin/python bench/fuzz.py [--files 10000] [--seed 0]

Each example file (examples/plan.yaml, examples/kubedrift.yaml, examples/simulated.yaml)
is mutated `files / 3` times (tests/reliability/fuzzing.py: lines deleted, doubled, swapped
or re-indented, odd values and keys, stray characters, truncation). Prints, per file, how
many mutations parsed, how many were refused with every problem naming the file and the
line, and the bugs: a refusal without a line, or any other exception (goal: none).
"""

from __future__ import annotations

import argparse
import time
import traceback
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from tests.reliability.fuzzing import SEEDS, check, mutated

FILE = "/etc/kubedrift/fuzzed.yaml"


def fuzz(name: str, files: int, seed: int) -> tuple[Counter[str], dict[str, str]]:
    outcomes: Counter[str] = Counter()
    bugs: dict[str, str] = {}

    @hypothesis_seed(seed)
    @settings(
        max_examples=files,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=mutated(name))
    def run(text: str) -> None:
        try:
            refused = check(name, text, FILE)
        except AssertionError as exc:
            outcomes["refused without a line"] += 1
            bugs.setdefault(str(exc)[:200], text)
            return
        except Exception as exc:
            outcomes["traceback"] += 1
            bugs.setdefault("".join(traceback.format_exception_only(exc))[:200], text)
            return
        outcomes["refused, file and line named" if refused else "parsed"] += 1

    run()
    return outcomes, bugs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    total: Counter[str] = Counter()
    found: dict[str, str] = {}
    for name in sorted(SEEDS):
        outcomes, bugs = fuzz(name, -(-args.files // len(SEEDS)), args.seed)
        total.update(outcomes)
        found.update(bugs)
        print(f"{name:20} " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    print(f"mutated files          {sum(total.values())}")
    print(f"bugs                   {total['traceback'] + total['refused without a line']}")
    print(f"wall time              {time.perf_counter() - started:.1f} s")
    for message, text in found.items():
        print(f"\n{message}\n  from: {text[:300]!r}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
