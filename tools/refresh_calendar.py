#!/usr/bin/env python3
"""Compare kubedrift's calendar data with the public sources and print what changed.

A helper for maintainers, never used at runtime. It only reads and reports: a person edits
kubedrift/calendar/data/*.yaml with the source and the date read (docs/calendar.md).

    python tools/refresh_calendar.py upstream                 # endoflife.date + kubernetes/website
    python tools/refresh_calendar.py upstream --eold products/kubernetes.md --eol-yaml eol.yaml
    python tools/refresh_calendar.py tke-estimate 1.36        # a TKE block derived from the rule
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kubedrift.calendar import load_calendar
from kubedrift.calendar.estimates import TKE_RULE_TEXT, tke_estimate

EOLD_API = "https://endoflife.date/api/kubernetes.json"
EOL_YAML = "https://raw.githubusercontent.com/kubernetes/website/main/data/releases/eol.yaml"
SCHEDULE_YAML = (
    "https://raw.githubusercontent.com/kubernetes/website/main/data/releases/schedule.yaml"
)


def read(location: str) -> str:
    if location.startswith("https://"):
        with urllib.request.urlopen(location, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    return Path(location).read_text(encoding="utf-8")


def eold_rows(text: str) -> dict[str, dict[str, Any]]:
    """endoflife.date rows by minor, from its API JSON or its products/kubernetes.md."""
    if text.lstrip().startswith("["):
        rows = json.loads(text)
        return {
            r["cycle"]: {
                "released": r.get("releaseDate"),
                "end_of_support": r.get("eoas"),
                "end_of_maintenance": r.get("eol"),
                "latest": r.get("latest"),
            }
            for r in rows
        }
    front = yaml.safe_load(text.split("---")[1])
    return {
        r["releaseCycle"]: {
            "released": r.get("releaseDate"),
            "end_of_support": r.get("eoas"),
            "end_of_maintenance": r.get("eol"),
            "latest": r.get("latest"),
        }
        for r in front["releases"]
    }


def official_rows(eol_text: str, schedule_text: str) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for b in yaml.safe_load(eol_text).get("branches", []):
        rows.setdefault(str(b["release"]), {})["end_of_maintenance"] = b["endOfLifeDate"]
        rows[str(b["release"])]["latest"] = b.get("finalPatchRelease")
    for s in yaml.safe_load(schedule_text).get("schedules", []):
        row = rows.setdefault(str(s["release"]), {})
        row.update(
            released=s.get("releaseDate"),
            end_of_support=s.get("maintenanceModeStartDate"),
            end_of_maintenance=s.get("endOfLifeDate"),
        )
    return rows


def as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def compare(label: str, rows: dict[str, dict[str, Any]]) -> int:
    cal = load_calendar()
    differences = 0
    for minor in sorted(rows, key=lambda m: tuple(int(p) for p in m.split("."))):
        if tuple(int(p) for p in minor.split(".")) < (1, 19):
            continue
        window = cal.window("upstream", minor)
        if window is None:
            print(f"{label}: {minor} is new: {rows[minor]}")
            differences += 1
            continue
        for field in ("released", "end_of_support", "end_of_maintenance"):
            theirs = as_date(rows[minor].get(field))
            ours = getattr(window, field)
            readings = {o.value for o in ours.other_readings} if ours else set()
            if theirs and ours and theirs != ours.value and theirs not in readings:
                print(
                    f"{label}: {minor} {field}: ours {ours.value} ({ours.source.id}), "
                    f"theirs {theirs}"
                )
                differences += 1
        latest = rows[minor].get("latest")
        if latest and window.latest_patch and latest != window.latest_patch.version:
            print(
                f"{label}: {minor} latest patch: ours {window.latest_patch.version}, "
                f"theirs {latest}"
            )
            differences += 1
    return differences


def upstream(args: argparse.Namespace) -> int:
    found = compare("endoflife.date", eold_rows(read(args.eold)))
    found += compare(
        "kubernetes/website", official_rows(read(args.eol_yaml), read(args.schedule_yaml))
    )
    print(f"{found} difference(s); record each change with its source and today's date")
    return 0


def tke_block(args: argparse.Namespace) -> int:
    window = load_calendar().window("upstream", args.minor)
    if window is None or window.released.value is None:
        print(f"no upstream release date for {args.minor} in the calendar", file=sys.stderr)
        return 2
    base = window.released.value
    print(f'  - minor: "{args.minor}"')
    for field, rule in TKE_RULE_TEXT.items():
        print(
            f"    {field}:\n      date: {tke_estimate(base, field).isoformat()}\n"
            f"      source: tke-policy-en\n      estimated: true\n"
            f'      rule: "{rule} (upstream {args.minor} released {base.isoformat()})"\n'
            f"      note: {args.minor} date not published in any copy of TKE's calendar "
            "we could read"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(required=True)
    up = sub.add_parser("upstream", help="compare upstream data with the public sources")
    up.add_argument("--eold", default=EOLD_API, help="endoflife.date API URL or a local copy")
    up.add_argument("--eol-yaml", default=EOL_YAML)
    up.add_argument("--schedule-yaml", default=SCHEDULE_YAML)
    up.set_defaults(run=upstream)
    tke = sub.add_parser("tke-estimate", help="print a TKE entry estimated from TKE's rule")
    tke.add_argument("minor")
    tke.set_defaults(run=tke_block)
    args = parser.parse_args()
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
