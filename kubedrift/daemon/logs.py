"""JSON logs, one object per line, with the structured fields kubedrift attaches.

Every `logging` call's `extra` fields (`cluster`, `source`, `rule`, `event`, ...) become keys
of the line, so a log pipeline can filter on them. A `Redactor` replaces every known secret
value (source credentials, the trigger token) wherever it would appear, message and fields
alike: secrets are never written to a log, even when an SDK puts one in an exception.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

# LogRecord's own attributes: anything else on a record came from `extra`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with terminal colours
}
_MASK = "***"
# A secret shorter than this would mask ordinary words; such a value is no secret anyway.
_MIN_SECRET = 4


class Redactor(logging.Filter):
    """Masks the given secret values in a record's message, arguments and extra fields."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        known = set(self.secrets) | {s for s in secrets if len(s) >= _MIN_SECRET}
        # Longest first, so a secret containing another is masked whole.
        self.secrets = tuple(sorted(known, key=len, reverse=True))

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, _MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self.mask(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, masked, and drop the live exception.
            record.exc_text = self.mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, self.mask(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the extra fields, error."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and value is not None and not name.startswith("_"):
                line[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def configure(
    *, level: int = logging.INFO, stream: TextIO | None = None, secrets: Iterable[str] = ()
) -> Redactor:
    """Route every logger (uvicorn's and APScheduler's too) to JSON lines on `stream`.

    Returns the redactor, so secrets learnt later (a token read at start) can be added.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    redactor = Redactor(secrets)
    # On the handler, not a logger: handler filters see records of every logger.
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # APScheduler logs every run at INFO ("Running job ..."): our cycle logs say more.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    return redactor
