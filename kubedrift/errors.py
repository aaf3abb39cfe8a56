"""The error tree every kubedrift module raises from, and the exit code each maps to.

A `KubedriftError` is an expected failure with a message fit for one line on stderr.
Anything else that escapes is a bug and is reported as a runtime failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the CLI, stable for CI gates."""

    OK = 0
    POLICY_FAILURE = 1
    USAGE = 2
    RUNTIME = 3
    # The command ran, but some sources or clusters could not be read: its output is partial.
    INCOMPLETE = 4


class KubedriftError(Exception):
    """Base of every error kubedrift raises on purpose."""

    exit_code: ExitCode = ExitCode.RUNTIME


class ConfigurationError(KubedriftError):
    """A file or argument the user gave is wrong; fixing the input fixes it."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an input file, located as precisely as the parser allows.

    `line` and `column` are 1-based; `path` is a dotted/indexed path into the document
    such as ``groups[2].target.kubernetes`` (empty for the document root).
    """

    file: str
    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class InvalidFileError(ConfigurationError):
    """One or more problems found in an input file; all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidFileError needs at least one problem")
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class PlanError(InvalidFileError):
    """The version plan is invalid."""


class SettingsError(InvalidFileError):
    """The settings file (kubedrift.yaml) is invalid."""


class CollectError(KubedriftError):
    """A collector could not read a cluster or a provider API.

    `reason` is one of the `kubedrift.model.inventory.FailureReason` values (auth,
    throttled, timeout, server, malformed, not_found, config). `retryable` says whether
    trying again soon may succeed (throttling, timeouts, 5xx) or not (bad credentials,
    permission denied, a cluster that no longer exists); `retry_after` is the delay in
    seconds the provider asked for, when it said. The message never contains a secret.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        retryable: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after

    @classmethod
    def for_status(cls, message: str, status: int) -> CollectError:
        """An HTTP error status read the usual way: 429 throttled and 5xx server (both worth
        retrying), 401 / 403 auth, 404 not found, any other status a refusal not retried."""
        if status == 429:
            return cls(message, reason="throttled", retryable=True)
        if status in (401, 403):
            return cls(message, reason="auth", retryable=False)
        if status == 404:
            return cls(message, reason="not_found", retryable=False)
        return cls(message, reason="server", retryable=status >= 500)


class DeliveryError(KubedriftError):
    """A notifier or enforcer could not deliver; `retryable` as for CollectError.

    `retry_after` is the delay in seconds the service asked for (Slack's `Retry-After`,
    DingTalk's minute window), when it said; the outbox waits at least that long.
    """

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


def tls_failure_in(exc: BaseException) -> bool:
    """Whether an `ssl.SSLError` is among the first causes of `exc` (a transport error
    wrapping a refused certificate): a setting to fix, not a blip to retry."""
    import ssl  # here, not at the top: the CLI imports this module at start

    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
