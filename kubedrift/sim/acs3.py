"""Server-side check of Alibaba Cloud's ACS3-HMAC-SHA256 request signature (V3 signing).

Written from the published algorithm: a canonical request (method, path, sorted
percent-encoded query, the signed headers as `name:value` lines, the signed header names,
the hex SHA-256 of the body) is hashed; the string to sign is the algorithm name and that
hash; the signature is the hex HMAC-SHA256 of it keyed with the AccessKey secret. The
server recomputes it from what it received, as ACK's gateway does.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from kubedrift.sim.server import Request

ALGORITHM = "ACS3-HMAC-SHA256"
_AUTH = re.compile(
    rf"^{ALGORITHM} Credential=(?P<key>[^,]+),SignedHeaders=(?P<headers>[^,]+),"
    r"Signature=(?P<signature>[0-9a-f]+)$"
)
_REQUIRED = ("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce")
_SKEW = timedelta(minutes=15)
_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class AuthError(Exception):
    """What the provider answers to a request it cannot authenticate."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_request(request: Request, signed: list[str]) -> str:
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(request.query.items()))
    headers = "".join(f"{name}:{(request.header(name) or '').strip()}\n" for name in signed)
    payload = request.header("x-acs-content-sha256") or ""
    return "\n".join(
        (request.method, request.path or "/", query, headers, ";".join(signed), payload)
    )


def signature(secret: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(secret.encode(), f"{ALGORITHM}\n{digest}".encode(), hashlib.sha256).hexdigest()


def verify(request: Request, secrets: Mapping[str, str], *, now: datetime | None = None) -> str:
    """The AccessKey ID that signed `request`; raises `AuthError` as ACK would."""
    match = _AUTH.match(request.header("authorization") or "")
    if match is None:
        raise AuthError(400, "IncompleteSignature", "The request signature is malformed.")
    key_id = match["key"]
    if key_id not in secrets:
        raise AuthError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
    signed = match["headers"].split(";")
    if signed != sorted(signed) or any(h not in signed for h in _REQUIRED):
        raise AuthError(400, "IncompleteSignature", "Required headers are not signed.")
    body_hash = hashlib.sha256(request.body).hexdigest()
    if request.header("x-acs-content-sha256") != body_hash:
        raise AuthError(400, "InvalidContentHash", "x-acs-content-sha256 does not match.")
    stamp_text = request.header("x-acs-date") or ""
    if not _DATE.fullmatch(stamp_text):
        raise AuthError(400, "InvalidTimeStamp.Format", "x-acs-date is malformed.")
    stamp = datetime.fromisoformat(stamp_text.removesuffix("Z") + "+00:00")
    if abs((now or datetime.now(UTC)) - stamp) > _SKEW:
        raise AuthError(400, "InvalidTimeStamp.Expired", "x-acs-date is too far from now.")
    expected = signature(secrets[key_id], canonical_request(request, signed))
    if not hmac.compare_digest(expected, match["signature"]):
        raise AuthError(
            400,
            "SignatureDoesNotMatch",
            "The request signature does not conform to Aliyun standards.",
        )
    return key_id
