"""`kubedrift plan validate` and `kubedrift plan schema` through the real CLI entry point."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from kubedrift.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "plan.yaml"

VALID = """\
version: 1
groups:
  - name: prod
    target: {kubernetes: "1.31"}
    wave: production
  - name: prod-hz
    selector: {region: cn-hangzhou}
    target: {kubernetes: "1.31"}
waves:
  - name: production
  - name: unused
waivers:
  - rule: control-plane-behind
    selector: {group: prod}
    reason: legacy
    owner: alice
    expires: 2026-06-30
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_example_plan_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "validate", str(EXAMPLE), "--today", "2026-11-26"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out == f"{EXAMPLE}: ok: 7 groups, 3 waves, 2 waivers\n"


def test_warnings_do_not_fail_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = write(tmp_path, "plan.yaml", VALID)
    assert main(["plan", "validate", plan, "--today", "2026-07-01"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{plan}: ok: 2 groups, 2 waves, 1 waiver, 3 warnings\n"
    assert err.splitlines() == [
        f"kubedrift: warning: {plan}:6:5: groups[1]: group 'prod-hz' can never match: "
        "groups[0] 'prod' comes first and selects every cluster it would (the first match wins)",
        f"kubedrift: warning: {plan}:11:5: waves[1]: no group is in wave 'unused'",
        f"kubedrift: warning: {plan}:17:14: waivers[0].expires: waiver 'control-plane-behind' "
        "(owner: alice) expired on 2026-06-30: the findings it covered are reported again; "
        "renew it or remove it",
    ]
    assert main(["plan", "validate", "--strict", plan, "--today", "2026-07-01"]) == 2


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-06-30", "expires in 0 day(s), on 2026-06-30"),
        ("2026-06-16", "expires in 14 day(s), on 2026-06-30"),
        ("2026-06-15", None),
        ("2026-07-01", "expired on 2026-06-30"),
    ],
)
def test_waiver_expiry_warning_uses_the_injected_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], today: str, expected: str | None
) -> None:
    plan = write(tmp_path, "plan.yaml", VALID)
    main(["plan", "validate", plan, "--today", today])
    waiver_lines = [line for line in capsys.readouterr().err.splitlines() if "waivers[0]" in line]
    if expected is None:
        assert waiver_lines == []
    else:
        assert len(waiver_lines) == 1
        assert expected in waiver_lines[0]


def test_several_files_exit_2_when_any_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(
        tmp_path,
        "good.yaml",
        'version: 1\ngroups:\n  - name: a\n    target: {kubernetes: "1.31"}\n',
    )
    bad = write(
        tmp_path, "bad.yaml", "version: 1\ngroups:\n  - name: a\n    target: {kubernetes: 1.30}\n"
    )
    missing = str(tmp_path / "missing.yaml")
    assert main(["plan", "validate", good, bad, missing]) == 2
    out, err = capsys.readouterr()
    assert out == f"{good}: ok: 1 group, 0 waves, 0 waivers\n"
    assert err.splitlines() == [
        f"kubedrift: error: {bad}:4:26: groups[0].target.kubernetes: expected a string, found "
        'the number 1.30 (YAML reads it as 1.3): write it as a string: "1.30"',
        f"kubedrift: error: {missing}: cannot read: No such file or directory",
    ]


def test_not_utf8_is_a_problem_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"version: 1\ngroups: \xff\n")
    assert main(["plan", "validate", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"kubedrift: error: {path}: not UTF-8 text: byte 0xff at offset 19\n"
    )


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "validate", str(EXAMPLE), "--today", "26/11/2026"])
    assert exit_.value.code == 2
    assert "expected a date as YYYY-MM-DD, found '26/11/2026'" in capsys.readouterr().err


def _json_ready(value: object) -> object:
    """What an editor's YAML 1.2 parser sees: dates stay text."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def schema(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["plan", "schema"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_schema_is_draft_2020_12_and_accepts_the_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = schema(capsys)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    example = _json_ready(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(document).validate(example)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"kubernetes": 1.3}, "1.3 is not valid under any of the given schemas"),
        ({"docker_engine": 29}, "29 is not valid under any of the given schemas"),
        ({"kubernetes": "1.31", "alowed_lag": {}}, "Additional properties"),
        ({"kubernetes": "1.31", "allowed_lag": {"minors": -1}}, "less than the minimum"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    capsys: pytest.CaptureFixture[str], change: dict[str, object], complaint: str
) -> None:
    plan = {"version": 1, "groups": [{"name": "a", "target": change}]}
    errors = list(jsonschema.Draft202012Validator(schema(capsys)).iter_errors(plan))
    assert any(complaint in error.message for error in errors)


def test_schema_carries_help_for_editors(capsys: pytest.CaptureFixture[str]) -> None:
    defs = schema(capsys)["$defs"]
    assert isinstance(defs, dict)
    assert "expires" in defs["Waiver"]["required"]
    assert defs["Waiver"]["properties"]["expires"]["description"].startswith("Last day")
    assert defs["RolloutWave"]["properties"]["soak"]["anyOf"][0]["pattern"]


def test_committed_schema_file_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    committed = json.loads((ROOT / "docs" / "plan.schema.json").read_text(encoding="utf-8"))
    assert committed == schema(capsys), "regenerate: kubedrift plan schema > docs/plan.schema.json"
