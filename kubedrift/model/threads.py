"""Where a chat message lives, so a later message can reply in its thread."""

from __future__ import annotations

from pydantic import Field

from kubedrift.model.base import Frozen


class ChatThread(Frozen):
    """A message's place in a chat: its channel (as the service names it) and timestamp
    (Slack's `ts`, the message id a reply names as `thread_ts`)."""

    channel: str = Field(min_length=1)
    ts: str = Field(min_length=1)
