"""Who a message `@`-mentions: the owners of the clusters with problems in it.

The settings' `routes.mentions` maps an owner (a plan group's `owner`) to the DingTalk
accounts that stand for it: mobile numbers and user ids the robot can `@`, or the whole
group. A message mentions the owners of the clusters it reports a problem for (an opening,
an escalation, an expiring waiver, a reminder) at or above the entry's `min_severity`;
good news (resolutions, recoveries, version changes) mentions nobody. Sinks that cannot
mention (Slack today) ignore `Message.mentions`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Severity
from kubedrift.notifiers.base import Mentions, event_severity
from kubedrift.notifiers.context import NotifyContext

# What a DingTalk mention can name: digits (a mobile, maybe with +country code) or an
# account id; whitespace would end the `@...` token in the text and break the mention.
_HANDLE = re.compile(r"^\+?[A-Za-z0-9_.-]{1,64}$")
_GOOD_NEWS = frozenset(
    {EventType.DRIFT_RESOLVED, EventType.SOURCE_RECOVERED, EventType.VERSION_CHANGED}
)


def _handle(value: str) -> str:
    if not _HANDLE.match(value):
        raise ValueError(
            "expected a mobile number or user id without spaces (like 13800000000 or "
            f"manager4711), found {value!r}"
        )
    return value


def _handles(value: object) -> object:
    # One handle or a list; a mobile written unquoted in YAML arrives as a number.
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]


Handle = Annotated[str, AfterValidator(_handle)]
Handles = Annotated[tuple[Handle, ...], BeforeValidator(_handles)]


class Mention(Frozen):
    """One `routes.mentions` entry: whom to `@` for an owner's problems."""

    mobiles: Handles = Field(default=(), description="DingTalk mobile numbers")
    user_ids: Handles = Field(default=(), description="DingTalk user ids")
    all: bool = Field(default=False, description="@ everyone in the group (isAtAll)")
    min_severity: Severity = Field(
        default=Severity.HIGH, description="mention for problems at or above this"
    )

    @model_validator(mode="after")
    def _someone(self) -> Mention:
        if not (self.mobiles or self.user_ids or self.all):
            raise ValueError("expected at least one of mobiles, user_ids or all: true")
        return self


def mentions_for(
    events: Iterable[DriftEvent], context: NotifyContext, table: Mapping[str, Mention]
) -> Mentions | None:
    """Whom a message telling `events` mentions; None when nobody."""
    if not table:
        return None
    worst: dict[str, Severity] = {}
    for event in events:
        if event.type in _GOOD_NEWS or event.cluster is None:
            continue
        owner = context.cluster(event.cluster).owner
        if owner is not None and owner in table:
            severity = event_severity(event)
            worst[owner] = max(worst.get(owner, severity), severity)
    mobiles: dict[str, None] = {}
    user_ids: dict[str, None] = {}
    everyone = False
    for owner in sorted(worst):
        entry = table[owner]
        if worst[owner] < entry.min_severity:
            continue
        mobiles.update(dict.fromkeys(entry.mobiles))
        user_ids.update(dict.fromkeys(entry.user_ids))
        everyone = everyone or entry.all
    if not (mobiles or user_ids or everyone):
        return None
    return Mentions(mobiles=tuple(mobiles), user_ids=tuple(user_ids), all=everyone)
