from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kubedrift import __version__
from kubedrift.cli import main

# Modules that must not load just to print help: the CLI has to start fast.
HEAVY = (
    "pydantic",
    "yaml",
    "alibabacloud_cs20151215",
    "tencentcloud",
    "kubernetes",
    "slack_sdk",
    "sqlalchemy",
    "prometheus_client",
    "apscheduler",
    "jinja2",
    "matplotlib",
)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"kubedrift {__version__}"


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "  2 usage or configuration error" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [[], ["no-such-command"], ["--no-such-flag"]])
def test_usage_errors_exit_2_with_one_clear_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "kubedrift: error: " in err
    assert "Traceback" not in err


def test_help_does_not_import_heavy_modules() -> None:
    probe = (
        "import sys, json\n"
        "from kubedrift.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    loaded = set(json.loads(done.stdout))
    assert [m for m in HEAVY if m in loaded] == []


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kubedrift", "--version"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"kubedrift {__version__}"
