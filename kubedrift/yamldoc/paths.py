"""Paths to a value in a YAML document: `("groups", 2, "target")`, written `groups[2].target`
in messages (odd keys as `labels["app.io/x"]`), and read back from that text."""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PATH_PART = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z_][A-Za-z0-9_-]*)')


def parse_path(text: str) -> Path:
    """The inverse of `format_path`, for the paths it writes: `groups[2].target` -> parts."""
    parts: list[str | int] = []
    for index, quoted, plain in _PATH_PART.findall(text):
        parts.append(int(index) if index else quoted or plain)
    return tuple(parts)


def format_path(path: Path) -> str:
    """`("groups", 2, "target")` -> `groups[2].target`; odd keys as `labels["app.io/x"]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]".replace("'", '"')
    return out
