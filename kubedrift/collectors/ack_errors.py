"""Map what the ACK SDK raises onto `CollectError` reasons.

The SDK (Tea/Darabonba) raises a `ClientException` (4xx), `ServerException` (5xx) or
`ThrottlingException` (any error carrying `x-acs-retry-after`) with `.code` and
`.status_code`; transport failures and bodies that are not JSON come wrapped in an
`UnretryableException` whose `inner_exception` holds a `RetryError` chained to the
requests/urllib3 error. This module reads those by attribute, so the SDK itself is
imported only by `kubedrift.collectors.ack_api`.

The provider's code decides first (ACK answers an unknown AccessKey with HTTP 404
`InvalidAccessKeyId.NotFound`, which is an auth failure, not a missing cluster), then the
HTTP status. Messages are ours, with the provider's code and message; any secret the
collector holds is scrubbed from them before they leave.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from kubedrift.errors import CollectError
from kubedrift.model.inventory import FailureReason

_AUTH_PREFIXES = (
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidSecurityToken",
    "Forbidden",
    "NoPermission",
    "AccessDenied",
    "InvalidCredentials",
    "InvalidTimeStamp",
    "SignatureNonceUsed",
)
_NOT_FOUND = ("ErrorClusterNotFound", "ClusterNotFound", "ErrorNodePoolNotFound", "NotFound")
_MAX_MESSAGE = 300


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (`inner_exception`), and their causes and contexts."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = getattr(current, "inner_exception", None)
        wrapped = inner if isinstance(inner, BaseException) else None
        todo.extend((wrapped, current.__cause__, current.__context__))


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 3] + "..."
    return text


def _provider_message(exc: BaseException) -> str:
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        message = data.get("message") or data.get("Message")
        if isinstance(message, str):
            return message
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) else ""


def _classify_code(code: str, status: int | None) -> tuple[FailureReason, bool]:
    if code.startswith("Throttling") or status == 429:
        return FailureReason.THROTTLED, True
    if code.startswith(_AUTH_PREFIXES) or status in (401, 403):
        return FailureReason.AUTH, False
    if code in _NOT_FOUND or status == 404:
        return FailureReason.NOT_FOUND, False
    if status is not None and status >= 500:
        return FailureReason.SERVER, True
    # Any other 4xx: our request or the configuration is wrong; trying again will not help.
    return FailureReason.CONFIG, False


def translate(exc: BaseException, operation: str, secrets: Iterable[str] = ()) -> CollectError:
    """The `CollectError` for an exception raised by an SDK call (chain it with `from`)."""
    secrets = tuple(secrets)
    for link in _chain(exc):
        code = getattr(link, "code", None)
        status = getattr(link, "status_code", None) or getattr(link, "statusCode", None)
        if isinstance(code, str) and code and code != "None" and isinstance(status, int):
            reason, retryable = _classify_code(code, status)
            retry_after_ms = getattr(link, "retry_after", None)
            # The SDK reads x-acs-retry-after as milliseconds (it sleeps value / 1000).
            retry_after = (
                retry_after_ms / 1000.0
                if isinstance(retry_after_ms, int | float) and retry_after_ms > 0
                else None
            )
            detail = _scrub(_provider_message(link), secrets)
            return CollectError(
                f"{operation}: {code} (HTTP {status}): {detail}",
                reason=reason.value,
                retryable=retryable,
                retry_after=retry_after,
            )
        if isinstance(status, int) and status >= 500:
            return CollectError(
                f"{operation}: HTTP {status} from ACK",
                reason=FailureReason.SERVER.value,
                retryable=True,
            )
    links = list(_chain(exc))
    if any(isinstance(e, TimeoutError) or "Timeout" in type(e).__name__ for e in links):
        return CollectError(
            f"{operation}: no answer from ACK within the timeout",
            reason=FailureReason.TIMEOUT.value,
            retryable=True,
        )
    if any(isinstance(e, json.JSONDecodeError | UnicodeDecodeError) for e in links):
        return CollectError(
            f"{operation}: ACK answered with a body that is not JSON",
            reason=FailureReason.MALFORMED.value,
            retryable=False,
        )
    if any(type(e).__name__ == "CredentialException" for e in links):
        return CollectError(
            f"{operation}: no usable Alibaba Cloud credentials ({_scrub(str(links[-1]), secrets)})",
            reason=FailureReason.AUTH.value,
            retryable=False,
        )
    if any(isinstance(e, ConnectionError) or "ConnectionError" in type(e).__name__ for e in links):
        return CollectError(
            f"{operation}: could not connect to ACK ({type(links[-1]).__name__})",
            reason=FailureReason.SERVER.value,
            retryable=True,
        )
    if any(isinstance(e, TypeError | AttributeError | KeyError | ValueError) for e in links):
        # The SDK's models failed to map the body: its shape is not the documented one.
        return CollectError(
            f"{operation}: ACK answered with an unexpected body ({type(exc).__name__})",
            reason=FailureReason.MALFORMED.value,
            retryable=False,
        )
    return CollectError(
        f"{operation}: {type(exc).__name__}: {_scrub(str(exc), secrets)}",
        reason=FailureReason.SERVER.value,
        retryable=True,
    )
