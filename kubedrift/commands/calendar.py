"""`kubedrift calendar`: print the release calendar (upstream, ACK, TKE; or the Docker Engine /
Mesos release lines with `--platform`) as a table or JSON."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from typing import Any

PROVIDERS = ("upstream", "ack", "tke")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, found {text!r}") from None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calendar",
        help="print Kubernetes release and end-of-support dates (upstream, ACK, TKE)",
        description=(
            "Print the release calendar kubedrift checks clusters against. Every date has a "
            "source (--sources); 'unknown' means no source we read publishes it; '~... (est.)' "
            "is derived from a provider's published rule and only counts with --estimates. "
            "Other providers (eks, gke, k3s, selfhosted) are checked against upstream."
        ),
    )
    parser.add_argument("--provider", choices=PROVIDERS, help="one provider (default: all)")
    parser.add_argument(
        "--platform",
        choices=("swarm", "mesos"),
        help="print the Docker Engine (swarm) or Apache Mesos release lines instead",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument(
        "--today", type=_day, help="the date to judge support on (default: today, local time)"
    )
    parser.add_argument("--sources", action="store_true", help="show the source of each row")
    parser.add_argument(
        "--estimates", action="store_true", help="let estimated dates decide the status"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from kubedrift.calendar import load_calendar
    from kubedrift.calendar.render import as_json, table

    today: date = args.today or datetime.now(UTC).astimezone().date()
    if args.platform:
        return _platform(args)
    calendar = load_calendar()
    providers = [args.provider] if args.provider else list(PROVIDERS)
    if args.format == "json":
        doc: dict[str, Any] = {"today": today.isoformat(), "providers": {}}
        for provider in providers:
            windows = calendar.windows(provider)
            doc["providers"][provider] = as_json(calendar, windows, today, args.estimates)
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    blocks = []
    for provider in providers:
        windows = calendar.windows(provider)
        blocks.append(
            f"{provider} (as of {today.isoformat()})\n"
            + table(calendar, windows, today, sources=args.sources, use_estimates=args.estimates)
        )
    print("\n\n".join(blocks))
    return 0


def _platform(args: argparse.Namespace) -> int:
    import json

    from kubedrift.calendar.platforms import platform_calendar, platform_rows, platform_table

    found = platform_calendar(args.platform)
    if found is None:  # argparse limits the choices to calendars that exist
        raise SystemExit(f"no calendar for {args.platform}")
    if args.format == "json":
        doc = {"platform": args.platform, "product": found.product, "policy": found.policy,
               "lines": platform_rows(found)}  # fmt: skip
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    print(f"{found.product} ({args.platform})\n" + platform_table(found, sources=args.sources))
    return 0
