"""The notifier plugin contract: the `Message` every notifier sends and its settings base.

A notifier is built from its validated `Config` and the process environment (secrets are
read from the variables the config names, never from the settings file). `send` delivers
one message or raises `DeliveryError`: `retryable` says whether the outbox should try
again, `retry_after` how long the service asked it to wait. Notifiers never retry on their
own: the outbox owns retries, so a message is attempted exactly as often as it records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import ClassVar, Literal, Protocol, runtime_checkable

from pydantic import Field

from kubedrift.errors import DeliveryError
from kubedrift.model.base import Frozen
from kubedrift.model.events import DriftEvent, EventType
from kubedrift.model.findings import Severity
from kubedrift.model.threads import ChatThread

Locale = Literal["en", "zh-CN"]
LOCALES: tuple[Locale, ...] = ("en", "zh-CN")

# cluster: one cluster's events of a cycle; digest: many clusters in one message;
# source: collection sources failing or recovering (they have no cluster).
MessageKind = Literal["cluster", "digest", "source"]


class Mentions(Frozen):
    """Whom a message `@`-mentions (chat accounts, resolved from the owners it concerns)."""

    mobiles: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()
    all: bool = False


class Message(Frozen):
    """One chat message, rendered for one locale, independent of the chat service.

    `lines` are list items in a small markdown subset both services render: `**bold**` and
    plain text; a line starting with `↳ ` belongs to the item before it (its remedy).
    `key` is stable for the same events, kind and locale: the outbox records it so a message
    delivered once is not sent again after a crash between send and commit.
    """

    key: str = Field(min_length=1)
    kind: MessageKind
    locale: Locale
    severity: Severity
    title: str = Field(min_length=1)
    context: str | None = None
    lines: tuple[str, ...] = ()
    link: str | None = None
    link_label: str | None = None
    clusters: tuple[str, ...] = ()
    owner: str | None = None
    mentions: Mentions | None = None
    # A follow-up (an escalation, a resolution) of the message in this thread: sinks that
    # can thread reply there, `broadcast` also showing the reply in the channel.
    reply_to: ChatThread | None = None
    broadcast: bool = False
    event_ids: tuple[str, ...] = Field(min_length=1)

    def text(self) -> str:
        """Plain-text form: Slack's notification fallback, logs of what was sent."""
        parts = [self.title]
        if self.context:
            parts.append(self.context)
        parts.extend(line.replace("**", "") for line in self.lines)
        if self.link:
            colon = "：" if self.locale == "zh-CN" else ": "
            parts.append(f"{self.link_label or 'Link'}{colon}{self.link}")
        return "\n".join(parts)


def message_key(kind: str, locale: str, event_ids: Iterable[str]) -> str:
    """The idempotency key of a message: its kind, locale and the (sorted) events it tells."""
    digest = hashlib.sha256("\x1f".join([kind, locale, *sorted(event_ids)]).encode())
    return digest.hexdigest()[:32]


# Events without a finding have no severity of their own: a failing source hides the state
# of all its clusters (high); a recovery or a version change is news, not a problem (info).
_IMPLIED = {EventType.SOURCE_FAILED: Severity.HIGH}


def event_severity(event: DriftEvent) -> Severity:
    """The severity routes and messages use for an event."""
    if event.severity is not None:
        return event.severity
    return _IMPLIED.get(event.type, Severity.INFO)


class NotifierConfig(Frozen):
    """Settings shared by every notifier (a "sink"); each type extends it with its own."""

    name: str = Field(min_length=1, description="unique name routes use to pick this sink")
    type: str = Field(description="notifier type: slack, dingtalk")
    locale: Locale | None = Field(
        default=None, description="language of messages sent here, unless the route says"
    )
    timeout: float = Field(default=10.0, gt=0, le=120, description="seconds for one HTTP call")

    @property
    def default_locale(self) -> Locale:
        return self.locale or "en"


class Notifier(Protocol):
    Config: ClassVar[type[NotifierConfig]]

    def send(self, message: Message) -> None:
        """Deliver one message; raise DeliveryError(retryable=..., retry_after=...)."""


@runtime_checkable
class Threading(Protocol):
    """A notifier whose messages have a place replies can name (Slack by bot token)."""

    def post(self, message: Message) -> ChatThread | None:
        """Deliver like `send`; return the thread later follow-ups reply in (the message's
        own place, or for a reply the thread it went to), None when it has none."""


class NotifierFactory(Protocol):
    Config: ClassVar[type[NotifierConfig]]

    def __call__(self, config: NotifierConfig, environ: Mapping[str, str]) -> Notifier: ...


def required_env(environ: Mapping[str, str], variable: str, what: str, sink: str) -> str:
    """The value of `variable`, or a non-retryable error naming the variable (not its value)."""
    value = environ.get(variable, "").strip()
    if not value:
        raise DeliveryError(
            f"notifier {sink}: environment variable {variable} ({what}) is not set",
            retryable=False,
        )
    return value
