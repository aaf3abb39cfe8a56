"""`kubedrift calendar` through the real CLI entry point."""

from __future__ import annotations

import json

import pytest

from kubedrift.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["calendar", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_table_of_every_provider(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--today", "2026-11-26")
    assert code == 0
    assert "upstream (as of 2026-11-26)" in out and "ack (as of" in out and "tke (as of" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line[:2] == "1."}
    assert "PAST END OF SUPPORT" in lines["1.19"]
    assert "unknown" in lines["1.36"]  # ACK 1.36: no published dates
    assert "(est.)" in out


@pytest.mark.parametrize(
    ("provider", "row", "expected"),
    [
        ("upstream", "1.35", "supported (32d left)"),
        ("upstream", "1.34", "PAST END OF SUPPORT"),
        ("ack", "1.35", "supported (94d left)"),
        ("ack", "1.26", "2025-04"),
        ("tke", "1.30", "unknown"),
    ],
)
def test_one_provider_rows(
    capsys: pytest.CaptureFixture[str], provider: str, row: str, expected: str
) -> None:
    code, out, _ = run(capsys, "--provider", provider, "--today", "2026-11-26")
    assert code == 0
    (line,) = [line for line in out.splitlines() if line.startswith(row + " ")]
    assert expected in line


def test_sources_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--provider", "upstream", "--today", "2026-11-26", "--sources")
    assert code == 0
    assert "SOURCES" in out.splitlines()[1]
    assert "k8s-page-1.37" in out


def test_estimates_flag_changes_tke_status(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--provider", "tke", "--today", "2026-11-26", "--estimates")
    (line,) = [line for line in out.splitlines() if line.startswith("1.34 ")]
    assert "supported" in line


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "--today", "2026-11-26")
    assert code == 0
    doc = json.loads(out)
    assert doc["today"] == "2026-11-26"
    rows = {r["minor"]: r for r in doc["providers"]["upstream"]}
    assert rows["1.35"]["is_supported"] is True
    assert rows["1.35"]["days_until_end_of_support"] == 32
    assert rows["1.35"]["end_of_support"]["source"]["url"].startswith("https://kubernetes.io/")
    assert {r["minor"]: r["is_supported"] for r in doc["providers"]["ack"]}["1.36"] is None


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["calendar", "--today", "26/11/2026"])
    assert info.value.code == 2
    assert "expected a date YYYY-MM-DD, found '26/11/2026'" in capsys.readouterr().err
