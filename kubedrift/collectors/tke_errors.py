"""TKE SDK exceptions -> `CollectError`, with every secret scrubbed from the message.

Reads the exception through its public getters only, so this module does not import the SDK.
"""

from __future__ import annotations

from typing import Protocol

import requests

from kubedrift.errors import CollectError

# Codes answered with HTTP 200 by the API; the SDK raises them with `.code` set.
# Client-side: the SDK wraps a body it could not decode under the exception's type name.
_MALFORMED_CODES = frozenset({"JSONDecodeError", "KeyError", "TypeError", "AttributeError"})
_AUTH_MARKERS = ("AuthFailure", "UnauthorizedOperation", "CamNoAuth", "NotAuthenticated")


class SdkError(Protocol):
    """What `TencentCloudSDKException` offers."""

    __context__: BaseException | None

    def get_code(self) -> object: ...

    def get_message(self) -> object: ...

    def get_request_id(self) -> object: ...


def classify(exc: SdkError, operation: str, secrets: tuple[str, ...]) -> CollectError:
    """The `CollectError` for an SDK exception, its message scrubbed of every secret."""
    code = str(exc.get_code() or "Unknown")
    detail = exc.get_message()
    detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    cause = exc.__context__
    reason: str
    retryable = False
    if code.startswith("RequestLimitExceeded"):
        reason, retryable = "throttled", True
    elif any(marker in code for marker in _AUTH_MARKERS) or code == "ClientSideError":
        reason = "auth"
    elif code.endswith("NotFound") or code.startswith("ResourceNotFound"):
        reason = "not_found"
    elif code == "ClientNetworkError" and (
        isinstance(cause, requests.Timeout) or "timed out" in detail
    ):
        reason, retryable = "timeout", True
    elif code.startswith(("InternalError", "ResourceUnavailable")) or code in {
        "ServerNetworkError",
        "ClientNetworkError",
    }:
        reason, retryable = "server", True
    elif code in _MALFORMED_CODES:
        reason = "malformed"
    elif code.startswith(("InvalidParameter", "MissingParameter", "UnsupportedRegion")):
        reason = "config"
    else:
        reason = "server"
    request_id = exc.get_request_id()
    message = f"{operation}: {code}: {detail[:300]}" + (
        f" (request {request_id})" if request_id else ""
    )
    for secret in secrets:
        message = message.replace(secret, "***")
    return CollectError(message, reason=reason, retryable=retryable)
