"""Plan and settings fuzzing: mutated files parse, or fail with every problem naming the
file and the line (tests/reliability/fuzzing.py). The normal tier runs 150 files, the slow
tier 1,500 (a settings parse costs tens of milliseconds); `bench/fuzz.py --files 10000` is
the long run whose figure docs/benchmarks.md gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.reliability.fuzzing import SEEDS, check, mutated

FILE = "/etc/kubedrift/fuzzed.yaml"
SLOW_EACH = 500
QUICK_EACH = 50
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large]


def _fuzz(seed: str, examples: int) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=SUPPRESSED,
    )
    @given(text=mutated(seed))
    def parse_it(text: str) -> None:
        check(seed, text, FILE)

    parse_it()


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_mutated_files_fail_naming_file_and_line(seed: str) -> None:
    _fuzz(seed, QUICK_EACH)


@pytest.mark.slow
@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_more_mutated_files_fail_naming_file_and_line(seed: str) -> None:
    _fuzz(seed, SLOW_EACH)
