"""Throughput of kubedrift.versions: version parses/s and constraint checks/s.

Run: .venv/bin/python bench/versions_bench.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kubedrift.versions import parse_constraint, parse_version, satisfies
from kubedrift.versions.semver import parse_semver

VERSIONS = [
    "v1.30.2",
    "1.30.1-aliyun.1",
    "1.30.0-tke.8",
    "v1.29.3-eks-adc7111",
    "1.29.4-gke.1043002",
    "v1.28.2+k3s1",
    "1.31.0-rc.1",
    "1.30",
]
CONSTRAINTS = [">=1.28.0-0 <1.31.0-0", "~1.29 || ~1.30", "^1.20.0-0", "1.28 - 1.30", "*"]


def rate(label: str, operations: int, run: Callable[[], None]) -> None:
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {operations / elapsed:>12,.0f} /s")


def main() -> None:
    rounds = 20_000
    n_versions = rounds * len(VERSIONS)
    rate(
        "parse_version",
        n_versions,
        lambda: [parse_version(v) for _ in range(rounds) for v in VERSIONS],
    )
    rate(
        "parse_constraint",
        rounds * len(CONSTRAINTS),
        lambda: [parse_constraint(c) for _ in range(rounds) for c in CONSTRAINTS],
    )
    parsed = [parse_constraint(c) for c in CONSTRAINTS]
    semvers = [parse_semver(v) for v in VERSIONS]
    pairs = rounds * len(parsed) * len(semvers) // 10
    rate(
        "Constraint.matches (both pre-parsed)",
        pairs,
        lambda: [c.matches(v) for _ in range(rounds // 10) for c in parsed for v in semvers],
    )
    rate(
        "Constraint.check (parses the version)",
        pairs,
        lambda: [c.check(v) for _ in range(rounds // 10) for c in parsed for v in VERSIONS],
    )
    rate(
        "satisfies (parses both strings)",
        pairs,
        lambda: [
            satisfies(c, v) for _ in range(rounds // 10) for c in CONSTRAINTS for v in VERSIONS
        ],
    )


if __name__ == "__main__":
    main()
