"""A `Message` as Slack Block Kit: a header, a context line, the lines in sections of at most
3000 characters (Slack's limit) in Slack's mrkdwn, and the link. Pure: no slack-sdk here."""

from __future__ import annotations

import re
from typing import Any

from kubedrift.notifiers.base import Message

SECTION_LIMIT = 3000  # characters in one section block
_HEADER_LIMIT = 150


def _mrkdwn(text: str) -> str:
    # Slack's mrkdwn: escape its three control characters, then **bold** -> *bold*.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", escaped)


def blocks(message: Message) -> list[dict[str, Any]]:
    """Header, context, the lines in sections of at most 3000 characters, the link."""
    title = message.title
    if len(title) > _HEADER_LIMIT:
        title = title[: _HEADER_LIMIT - 1] + "…"
    out: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    if message.context:
        out.append(_context(_mrkdwn(message.context)))
    chunk = ""
    for line in message.lines:
        # A remedy line sits under its item; em spaces survive Slack's whitespace trimming.
        text = f"\u2003\u2003{_mrkdwn(line)}" if line.startswith("↳") else f"• {_mrkdwn(line)}"
        if chunk and len(chunk) + len(text) + 1 > SECTION_LIMIT:
            out.append(_section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{text}" if chunk else text[:SECTION_LIMIT]
    if chunk:
        out.append(_section(chunk))
    if message.link:
        out.append(_context(f"<{message.link}|{_mrkdwn(message.link_label or message.link)}>"))
    return out


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
