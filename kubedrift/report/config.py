"""The settings file's `report:` block: when the daemon sends the weekly report, and where.

    report:
      schedule: "0 9 * * mon"        # crontab, read in `timezone`
      timezone: Asia/Shanghai
      locale: zh-CN                  # default for sinks that name none
      format: pdf                    # the attachment: pdf (falls back to html) or html
      public_url: https://kubedrift.example.com
      sinks:
        - {type: slack, name: ..., token_env: ..., channel: C0123456789}
        - {type: dingtalk, name: ..., access_token_env: ..., secret_env: ...}
        - {type: email, name: ..., host: ..., sender: ..., to: [...]}

Secrets never live here: sinks name the environment variables holding them (`*_env`).
`docs/report.md` ("Delivery") describes every key.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kubedrift.daemon.config import Seconds
from kubedrift.env_names import EnvName

Locale = Literal["en", "zh-CN"]
ReportFormat = Literal["pdf", "html"]
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Sink(_Model):
    name: str = Field(min_length=1, description="unique among the report's sinks")
    locale: Locale | None = Field(default=None, description="language (default: report.locale)")
    timeout: float = Field(default=30.0, gt=0, le=300, description="seconds for one call")


class SlackReportSink(_Sink):
    """Uploads the report file to a channel with a short summary (bot token only: an
    incoming webhook cannot upload files)."""

    type: Literal["slack"]
    token_env: EnvName = Field(min_length=1, description="variable holding the bot token")
    channel: str = Field(description="channel id (C…): file uploads do not take #names")
    base_url: str | None = Field(default=None, description="Web API base URL (tests, proxies)")

    @field_validator("channel")
    @classmethod
    def _channel_id(cls, value: str) -> str:
        if not _CHANNEL_ID.match(value):
            raise ValueError(
                f"expected a channel id like C0123456789 (files.completeUploadExternal takes "
                f"ids, not names), found {value!r}"
            )
        return value


class DingTalkReportSink(_Sink):
    """A markdown summary through a DingTalk custom robot, linking to the full report."""

    type: Literal["dingtalk"]
    access_token_env: EnvName = Field(
        min_length=1, description="variable holding the robot's access_token or webhook URL"
    )
    secret_env: EnvName | None = Field(default=None, description="variable holding the SEC secret")
    endpoint: str = Field(
        default="https://oapi.dingtalk.com/robot/send", description="robot send URL"
    )
    keyword: str | None = Field(default=None, description="a keyword the robot requires")


class EmailReportSink(_Sink):
    """An HTML email with the report attached, through an SMTP server."""

    type: Literal["email"]
    host: str = Field(min_length=1, description="the SMTP server")
    port: int = Field(default=587, ge=1, le=65535, description="587 (submission) by default")
    starttls: bool = Field(default=True, description="upgrade the connection with STARTTLS")
    ca_file: str | None = Field(
        default=None, description="PEM file of CAs to verify the server by (default: system's)"
    )
    username_env: EnvName | None = Field(default=None, description="variable holding the login")
    password_env: EnvName | None = Field(default=None, description="variable holding the password")
    sender: str = Field(description="the From: address")
    to: tuple[str, ...] = Field(min_length=1, description="recipients")

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _address(value)

    @field_validator("to")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_address(v) for v in value)

    @model_validator(mode="after")
    def _login_pair(self) -> EmailReportSink:
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("expected both username_env and password_env, or neither")
        return self


def _address(value: str) -> str:
    if not _ADDRESS.match(value.strip()):
        raise ValueError(f"expected an email address like ops@example.com, found {value!r}")
    return value.strip()


ReportSink = Annotated[
    SlackReportSink | DingTalkReportSink | EmailReportSink, Field(discriminator="type")
]


class ReportSettings(_Model):
    """`report:`: the daemon's weekly report job."""

    schedule: str = Field(
        default="0 9 * * mon",
        description="crontab (minute hour day month weekday) of the weekly send",
    )
    timezone: str = Field(default="UTC", description="IANA zone the schedule is read in")
    locale: Locale = Field(default="en", description="language of sinks that name none")
    format: ReportFormat = Field(
        default="pdf", description="attached file: pdf (html when weasyprint is missing) or html"
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="base URL where this daemon's HTTP API is reachable (links to the report)",
    )
    retry_interval: Seconds = Field(
        default=600.0, gt=0, description="how often failed sends are tried again"
    )
    give_up_after: Seconds = Field(
        default=86400.0, gt=0, description="a send still failing this long is marked dead"
    )
    sinks: tuple[ReportSink, ...] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA time zone like UTC or Asia/Shanghai, found {value!r}"
            ) from None
        return value

    @model_validator(mode="after")
    def _schedule_and_names(self) -> ReportSettings:
        # The one module importing APScheduler parses the crontab, exactly as it will run it.
        from kubedrift.daemon.scheduler import cron_trigger

        try:
            cron_trigger(self.schedule, self.timezone)
        except ValueError as exc:
            raise ValueError(
                f"schedule: expected a crontab like '0 9 * * mon', found {self.schedule!r} ({exc})"
            ) from None
        if self.public_url is None and any(s.type == "dingtalk" for s in self.sinks):
            raise ValueError("a dingtalk sink links to the full report: set public_url")
        names = [sink.name for sink in self.sinks]
        if repeated := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"sink names must be unique; repeated: {', '.join(repeated)}")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
