"""Docker SDK and transport exceptions -> `CollectError`.

Reads `docker.errors.APIError` through the attributes it offers (`status_code`,
`explanation`), so this module does not import the SDK; transport failures arrive as
`requests` exceptions (the SDK is built on requests).
"""

from __future__ import annotations

import json
from typing import Protocol

import requests

from kubedrift.errors import CollectError, tls_failure_in

NOT_A_MANAGER = "not a swarm manager"


class ApiErrorLike(Protocol):
    """What `docker.errors.APIError` offers."""

    @property
    def status_code(self) -> int | None: ...

    explanation: str | bytes | None


def from_api_error(exc: ApiErrorLike, operation: str) -> CollectError:
    """The `CollectError` for an error answer of the Engine API."""
    status = exc.status_code or 0
    detail = exc.explanation
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail or "")
    message = f"{operation}: HTTP {status}: {text[:300]}"
    if NOT_A_MANAGER in text:
        return CollectError(
            f"{message} (point `host` at a manager of the swarm)", reason="config", retryable=False
        )
    if status == 400:
        # The API version asked for is outside what the daemon speaks, or a bad request.
        return CollectError(message, reason="config", retryable=False)
    return CollectError.for_status(message, status)


def from_transport(exc: BaseException, operation: str, host: str) -> CollectError | None:
    """The `CollectError` for a failure to reach or talk to the daemon; None if not one."""
    if isinstance(exc, requests.exceptions.SSLError) or tls_failure_in(exc):
        return CollectError(
            f"{operation}: TLS handshake with {host} failed (check tls_ca_cert and the client "
            f"certificate): {_short(exc)}",
            reason="auth",
            retryable=False,
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return CollectError(f"{operation}: {host} timed out", reason="timeout", retryable=True)
    if isinstance(exc, requests.exceptions.ConnectionError | ConnectionError):
        return CollectError(
            f"{operation}: cannot reach {host}: {_short(exc)}", reason="server", retryable=True
        )
    if isinstance(exc, json.JSONDecodeError | requests.exceptions.JSONDecodeError):
        return CollectError(
            f"{operation}: the answer is not JSON: {exc}", reason="malformed", retryable=False
        )
    return None


def _short(exc: BaseException) -> str:
    return str(exc)[:300]
