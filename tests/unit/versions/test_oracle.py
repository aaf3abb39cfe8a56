"""Our constraint engine against the Go Masterminds/semver v3.4.0 results in the oracle file.

The oracle was produced by tools/semver-oracle (see its README); every case must agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kubedrift.versions import InvalidConstraint, InvalidVersion, parse_constraint
from kubedrift.versions.semver import SemVer, parse_semver

ORACLE_PATH = Path(__file__).parents[1] / "data" / "masterminds_v3_4_0.json"
ORACLE: dict[str, Any] = json.loads(ORACLE_PATH.read_text(encoding="utf-8"))
VERSIONS: list[dict[str, Any]] = ORACLE["versions"]
CONSTRAINTS: list[dict[str, Any]] = ORACLE["constraints"]
VALID = [(entry["raw"], parse_semver(entry["raw"])) for entry in VERSIONS if entry["error"] is None]


def test_oracle_is_the_pinned_library_and_large() -> None:
    assert ORACLE["library"] == "github.com/Masterminds/semver/v3"
    assert ORACLE["tag"] == "v3.4.0"
    assert len(VERSIONS) >= 100
    assert len(CONSTRAINTS) >= 500
    assert sum(entry["error"] is None for entry in CONSTRAINTS) * len(VALID) >= 30_000


@pytest.mark.parametrize("entry", VERSIONS, ids=[repr(v["raw"]) for v in VERSIONS])
def test_new_version_agrees(entry: dict[str, Any]) -> None:
    if entry["error"] is not None:
        with pytest.raises(InvalidVersion, match="invalid version"):
            parse_semver(entry["raw"])
        return
    parsed = parse_semver(entry["raw"])
    got = (parsed.major, parsed.minor, parsed.patch, parsed.prerelease, parsed.metadata)
    expected = tuple(entry[k] for k in ("major", "minor", "patch", "prerelease", "metadata"))
    assert got == expected


def test_compare_agrees() -> None:
    ranks = {entry["raw"]: entry["rank"] for entry in VERSIONS if entry["error"] is None}
    disagreements = [
        (a_raw, b_raw, a.compare(b))
        for a_raw, a in VALID
        for b_raw, b in VALID
        if a.compare(b) != (ranks[a_raw] > ranks[b_raw]) - (ranks[a_raw] < ranks[b_raw])
    ]
    assert disagreements == []


def _matches(constraint_raw: str, versions: list[tuple[str, SemVer]]) -> list[str]:
    constraint = parse_constraint(constraint_raw)
    return [raw for raw, version in versions if constraint.matches(version)]


@pytest.mark.parametrize("entry", CONSTRAINTS, ids=[repr(c["raw"]) for c in CONSTRAINTS])
def test_constraint_agrees(entry: dict[str, Any]) -> None:
    if entry["error"] is not None:
        with pytest.raises(InvalidConstraint) as caught:
            parse_constraint(entry["raw"])
        assert repr(entry["raw"]) in str(caught.value)
        return
    assert str(parse_constraint(entry["raw"])) == entry["string"]
    got = _matches(entry["raw"], VALID)
    missing = sorted(set(entry["matches"]) - set(got))
    extra = sorted(set(got) - set(entry["matches"]))
    assert (missing, extra) == ([], []), "(matched by Go only, matched by us only)"
