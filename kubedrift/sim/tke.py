"""A fake TKE API (version 2018-05-25) built from a `Fleet`, for tests, benchmarks and the demo.

It speaks the wire protocol the real SDK speaks: `POST /` with a JSON body, the action,
version and region in `X-TC-*` headers, TC3-HMAC-SHA256 signatures (recomputed with the
account's secret: a wrong secret gets TKE's `AuthFailure.SignatureFailure`), `Offset` /
`Limit` paging capped at 100, and errors as HTTP 200 `{"Response": {"Error": ...}}` with a
`Content-Type` of exactly `application/json`. Answers carry only fields the SDK's models
know: the SDK warns on any other field.
"""

from __future__ import annotations

import json
import uuid
from typing import Literal

from kubedrift.sim.fleet import Fleet
from kubedrift.sim.server import FakeServer, Fault, Request, Response
from kubedrift.sim.tc3 import SIGNATURE_FAILURE, TkeError, secret_id, verify
from kubedrift.sim.tke_answers import ACTIONS

API_VERSION = "2018-05-25"


class TkeFakeServer(FakeServer):
    """The TKE API of every `tke` cluster in a fleet, per account and region."""

    name = "tke"

    def __init__(
        self,
        fleet: Fleet,
        *,
        port: int = 0,
        latency: float = 0.0,
        rate_limit: int | None = None,
        server_error: Literal["http", "internal_error"] = "http",
        max_clock_skew: float = 300.0,
    ) -> None:
        super().__init__(port=port, latency=latency, rate_limit=rate_limit)
        self.fleet = fleet
        self.server_error = server_error
        self.max_clock_skew = max_clock_skew
        self._account_names = {a.access_key_id: name for name, a in fleet.accounts.items()}
        self._secrets = {a.access_key_id: a.access_key_secret for a in fleet.accounts.values()}

    # -- FakeServer hooks ----------------------------------------------------------------
    def operation_of(self, request: Request) -> tuple[str, str | None]:
        action = request.header("x-tc-action") or "?"
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return action, None
        target = body.get("ClusterId") if isinstance(body, dict) else None
        return action, target if isinstance(target, str) else None

    def rate_limit_key(self, request: Request) -> str:
        # TKE's quota is per account (the signing SecretId) and region.
        return f"{secret_id(request) or '?'}/{request.header('x-tc-region')}"

    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind == "throttle":
            return self._error("RequestLimitExceeded", "Your current request times exceeds limit")
        if fault.kind == "server_error":
            if self.server_error == "internal_error":
                return self._error("InternalError", "An internal error occurred")
            return Response(502, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
        if fault.kind == "malformed":
            return Response(200, b'{"Response": {"TotalCount": 3, "Clus', self._json_headers())
        if fault.kind == "auth":
            return self._error("AuthFailure.SignatureFailure", SIGNATURE_FAILURE)
        if fault.kind == "not_found":
            return self._error("ResourceNotFound.ClusterNotFound", "cluster not found")
        return self.route(request, operation)  # a hang: the client has gone; answer anyway

    def route(self, request: Request, operation: str) -> Response:
        try:
            account = self._check(request, operation)
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise TkeError("InvalidParameter", "the request body must be a JSON object")
            region = request.header("x-tc-region") or ""
            answer = ACTIONS[operation](self.fleet, account, region, body)
        except TkeError as exc:
            return self._error(exc.code, exc.message)
        answer["RequestId"] = str(uuid.uuid4())
        return Response(200, json.dumps({"Response": answer}).encode(), self._json_headers())

    # -- protocol checks -----------------------------------------------------------------
    def _check(self, request: Request, operation: str) -> str:
        """Method, action, version, region and signature, as TKE checks them."""
        if request.method != "POST" or request.path != "/":
            raise TkeError("UnsupportedProtocol", f"{request.method} {request.path}")
        if operation not in ACTIONS:
            raise TkeError("InvalidAction", f"the action {operation} does not exist")
        if request.header("x-tc-version") != API_VERSION:
            raise TkeError("NoSuchVersion", f"the version {request.header('x-tc-version')}")
        if not request.header("x-tc-region"):
            raise TkeError("MissingParameter", "the request is missing the Region parameter")
        key = verify(request, self._secrets, max_clock_skew=self.max_clock_skew)
        return self._account_names[key]

    @staticmethod
    def _json_headers() -> dict[str, str]:
        return {"Content-Type": "application/json"}

    def _error(self, code: str, message: str) -> Response:
        body = {
            "Response": {
                "Error": {"Code": code, "Message": message},
                "RequestId": str(uuid.uuid4()),
            }
        }
        return Response(200, json.dumps(body).encode(), self._json_headers())
