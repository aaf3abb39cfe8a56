"""The plan-file watch: content changes only, debounced, a broken plan never replaces a good one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubedrift.daemon.planwatch import PlanWatcher
from kubedrift.errors import PlanError
from tests.unit.daemon.fixtures import PLAN


class Ticks:
    def __init__(self) -> None:
        self.value = 100.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    file = tmp_path / "plan.yaml"
    file.write_text(PLAN)
    return file


def target(watcher: PlanWatcher) -> str:
    return str(watcher.current().groups[0].target.kubernetes)


def test_a_change_applies_once_it_has_been_stable_for_the_debounce(
    path: Path, ticks: Ticks
) -> None:
    watcher = PlanWatcher(path, debounce=2.0, clock=ticks)
    assert watcher.poll() is False
    path.write_text(PLAN.replace('"1.30"', '"1.31"'))
    assert watcher.poll() is False  # seen, not yet stable
    ticks.value += 1.0
    path.write_text(PLAN.replace('"1.30"', '"1.32"'))  # still being edited
    assert watcher.poll() is False
    ticks.value += 1.5
    assert watcher.poll() is False  # 1.5 s since the last change
    ticks.value += 0.5
    assert watcher.poll() is True
    assert "1.32" in target(watcher)
    assert watcher.poll() is False


def test_touching_the_file_without_changing_it_is_no_change(path: Path, ticks: Ticks) -> None:
    watcher = PlanWatcher(path, debounce=0.0, clock=ticks)
    os.utime(path, ns=(1, 1))
    assert watcher.poll() is False


def test_a_broken_plan_is_ignored_and_the_last_good_one_kept(path: Path, ticks: Ticks) -> None:
    watcher = PlanWatcher(path, debounce=0.0, clock=ticks)
    path.write_text("version: 1\ngroups: [{name: x}]\n")
    assert watcher.poll() is False
    assert "1.30" in target(watcher)
    assert watcher.poll() is False  # judged once, not re-parsed at every poll
    path.write_text(PLAN.replace('"1.30"', '"1.31"'))
    assert watcher.poll() is True
    assert "1.31" in target(watcher)


def test_a_missing_file_keeps_the_plan(path: Path, ticks: Ticks) -> None:
    watcher = PlanWatcher(path, debounce=0.0, clock=ticks)
    path.unlink()
    assert watcher.poll() is False
    assert "1.30" in target(watcher)


def test_a_broken_plan_at_start_stops_the_daemon_there(tmp_path: Path) -> None:
    broken = tmp_path / "plan.yaml"
    broken.write_text("version: 1\ngroups: [{name: x}]\n")
    with pytest.raises(PlanError):
        PlanWatcher(broken)
