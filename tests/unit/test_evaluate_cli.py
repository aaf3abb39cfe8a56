from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kubedrift.cli import main
from kubedrift.outputs.table_words import columns, wrap

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "examples" / "plan.yaml"
INVENTORY = ROOT / "tests" / "unit" / "policies" / "fixtures" / "fleet_inventory.json"
NOW = "2026-11-26T09:00:00Z"
FIELDS = {
    "cluster",
    "rule",
    "component",
    "severity",
    "summary",
    "observed",
    "expected",
    "remedy",
    "waived_by",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(
        ["evaluate", "--plan", str(PLAN), "--inventory", str(INVENTORY), "--now", NOW, *args]
    )
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("fail_on", "code"), [("none", 0), ("critical", 1), ("high", 1), ("info", 1)]
)
def test_exit_codes(capsys: pytest.CaptureFixture[str], fail_on: str, code: int) -> None:
    assert run(capsys, "--fail-on", fail_on)[0] == code


def test_table_grouped_by_cluster_within_100_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "idc-bj-1  kubeconfig/idc-bj-1  (group idc-selfhosted)" in out
    assert "edge-sh-k3s  kubeconfig/edge-sh-k3s  (no plan group)" in out
    assert "waived by idc-calico-pin" in out
    assert "add-on REQUIRED" in out  # the planner's add-on classes, per step
    # Every waiver of the example plan names a real rule.
    assert "matches no rule" not in err


def test_chinese_table_within_100_terminal_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--locale", "zh-CN", "--fail-on", "high")
    assert code == 1
    assert max(columns(line) for line in out.splitlines()) <= 100  # CJK counts two
    assert "idc-bj-1  kubeconfig/idc-bj-1  （分组 idc-selfhosted）" in out
    assert "控制面小版本落后于目标" in out  # the rule's Chinese title, not the English summary
    assert "升级步骤（到 " in out and "组件 必须 " in out
    assert "high：未通过（" in " ".join(out.split())
    # Never a line that starts with closing punctuation.
    assert not any(line.strip()[:1] in "，。；：、）" for line in out.splitlines() if line.strip())
    # The English sentences the forms know are gone: a step reason, a remedy.
    assert "the control plane moves one minor at a time" not in out
    assert "upgrade the control plane to" not in out


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("控制面每次升级一个小版本", 14, ["控制面每次升级", "一个小版本"]),  # CJK counts two
        ("abc defgh ij", 5, ["abc", "defgh", "ij"]),
        ("版本一致，期望", 8, ["版本一", "致，期望"]),  # "，" never starts a line
        ("abcdefghijklmnopq", 14, ["abcdefghijklmn", "opq"]),  # longer than a line: cut
    ],
)
def test_wrapping_by_display_columns(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width, "", "") == lines


def test_a_waiver_of_no_rule_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        PLAN.read_text().replace("rule: control-plane-minor-lag", "rule: control-plane-behind")
    )
    code = main(["evaluate", "--plan", str(plan), "--inventory", str(INVENTORY), "--now", NOW])
    assert code == 0
    assert "'control-plane-behind', which matches no rule" in capsys.readouterr().err


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json")
    document = json.loads(out)
    assert code == 0 and set(document) == {"findings", "summary"}
    findings = document["findings"]
    assert findings and all(set(f) == FIELDS for f in findings)
    summary = document["summary"]
    assert summary["findings"] == len(findings)
    assert summary["waived"] == sum(1 for f in findings if f["waived_by"])
    steps = [s for f in findings if f["remedy"] for s in f["remedy"]["steps"]]
    classes = {a["need"] for s in steps for a in s["addons"]}
    assert classes == {"required", "optional", "not_needed"}
    assert all(
        {"name", "need", "to_version", "reason"} <= set(a) for s in steps for a in s["addons"]
    )


def test_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "sarif")
    document = json.loads(out)
    assert document["version"] == "2.1.0"
    [run_] = document["runs"]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert "skew-kubelet" in rules
    results = run_["results"]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert all(r["level"] in {"error", "warning", "note"} for r in results)
    waived = [r for r in results if "suppressions" in r]
    assert waived and waived[0]["suppressions"][0]["kind"] == "external"
    fingerprints = [r["partialFingerprints"]["kubedriftFindingKey/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_junit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "junit", "--fail-on", "critical")
    root = ET.fromstring(out.split("\n", 1)[1])
    suites = root.findall("testsuite")
    assert len(suites) == 11  # every cluster, with or without findings
    failures = root.findall(".//failure")
    assert code == 1 and len(failures) == int(root.get("failures", "-1"))
    assert {f.get("type") for f in failures} == {"critical"}
    assert root.findall(".//skipped")


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "--format", "json", "--output", str(target))
    assert code == 0
    assert out == "" and json.loads(target.read_text())["findings"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "inventory.json:1:2: not valid JSON"),
        (
            '{"collected_at": "2026-11-26T08:00:00Z", "clusters": [{"provider": "ack"}]}',
            "clusters[0].source: required field missing",
        ),
        (
            '{"collected_at": "2026-11-26T08:00:00Z", "clusters": [{"provider": "ack", '
            '"source": "s", "id": "c", "name": "c", "collected_at": "2026-11-26T08:00:00Z", '
            '"control_plane": {"version": "one.two"}}]}',
            "clusters[0].control_plane.version: ",
        ),
    ],
)
def test_broken_inventory_exits_2_naming_the_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    code = main(["evaluate", "--plan", str(PLAN), "--inventory", str(path), "--now", NOW])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert str(path) in err


def test_missing_inventory_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    code = main(["evaluate", "--plan", str(PLAN), "--inventory", str(missing)])
    assert code == 2 and "no such file" in capsys.readouterr().err


def test_only_waived_findings_do_not_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\n"
        "groups:\n  - name: all\n    target: {kubernetes: '1.35'}\n"
        "waivers:\n  - id: all-of-it\n    rule: '*'\n    selector: {group: all}\n"
        "    reason: test\n    owner: me\n    expires: 2027-12-31\n",
        encoding="utf-8",
    )
    document = json.loads(INVENTORY.read_text())
    document["clusters"] = document["clusters"][:1]
    inventory = _write(tmp_path, json.dumps(document))
    args = ["evaluate", "--plan", str(plan), "--inventory", str(inventory), "--now", NOW]
    assert main([*args, "--fail-on", "info", "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings and all(f["waived_by"] == "all-of-it" for f in findings)


def test_bad_now_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["evaluate", "--plan", str(PLAN), "--inventory", str(INVENTORY), "--now", "soon"])
    assert exited.value.code == 2
    assert "expected an ISO 8601 time" in capsys.readouterr().err


def test_rules_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--format", "json"]) == 0
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)]
    assert "end-of-support" in ids and "waiver-expiring" in ids and ids == sorted(ids)
