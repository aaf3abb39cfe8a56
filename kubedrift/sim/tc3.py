"""Server-side check of Tencent Cloud's TC3-HMAC-SHA256 request signature, as TKE checks it.

The canonical request (method, path, empty query, the signed `content-type` and `host`
headers, the hex SHA-256 of the body) is hashed into a string to sign scoped by date and
service; the signature is an HMAC chain keyed with `"TC3" + secret`. The server recomputes
it from what it received and answers TKE's error codes for each way it can fail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from kubedrift.sim.server import Request

SERVICE = "tke"
_AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[^/]+)"
    r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)
SIGNATURE_FAILURE = (
    "The provided credentials could not be validated. Please check your signature is correct."
)


class TkeError(Exception):
    """A TKE error answer: its `Code` and `Message`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def secret_id(request: Request) -> str | None:
    """The SecretId a request is signed with, or None when its Authorization is malformed."""
    match = _AUTH.match(request.header("authorization") or "")
    return match["id"] if match else None


def _sign(secret: str, date: str, string_to_sign: str) -> str:
    key = hmac.new(("TC3" + secret).encode(), date.encode(), hashlib.sha256).digest()
    key = hmac.new(key, SERVICE.encode(), hashlib.sha256).digest()
    key = hmac.new(key, b"tc3_request", hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify(request: Request, secrets: Mapping[str, str], *, max_clock_skew: float) -> str:
    """The SecretId of a correctly signed, fresh request; raises `TkeError` otherwise."""
    match = _AUTH.match(request.header("authorization") or "")
    if match is None or match["signed"] != "content-type;host":
        raise TkeError("AuthFailure.InvalidAuthorization", "Authorization header malformed")
    secret = secrets.get(match["id"])
    if secret is None:
        raise TkeError("AuthFailure.SecretIdNotFound", "The SecretId is not found")
    timestamp = int(request.header("x-tc-timestamp") or 0)
    now = datetime.now(UTC).timestamp()
    if abs(now - timestamp) > max_clock_skew:
        raise TkeError("AuthFailure.SignatureExpire", "The signature has expired")
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    if match["date"] != date or match["service"] != SERVICE:
        raise TkeError("AuthFailure.SignatureFailure", "credential scope mismatch")
    content_type = request.header("content-type") or ""
    canonical = "\n".join(
        (
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{request.header('host')}\n",
            "content-type;host",
            hashlib.sha256(request.body).hexdigest(),
        )
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    string_to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{SERVICE}/tc3_request\n{digest}"
    if not hmac.compare_digest(_sign(secret, date, string_to_sign), match["sig"]):
        raise TkeError("AuthFailure.SignatureFailure", SIGNATURE_FAILURE)
    return match["id"]
