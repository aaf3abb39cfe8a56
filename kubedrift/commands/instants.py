"""The instant arguments several commands take (`--now`, `--since`, `--until`), as an argparse
type: an ISO 8601 time, or a date meaning its 00:00 UTC; a time without a zone is UTC."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime


def instant(text: str) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO 8601 time like 2026-11-26T09:00:00Z or a date, found {text!r}"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
