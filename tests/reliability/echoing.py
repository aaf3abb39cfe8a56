"""Fake servers whose failures echo the caller's credentials back, as careless gateways and
debug-mode APIs do: the authorization header (Basic decoded too), GitLab's PRIVATE-TOKEN,
the query string (DingTalk's access token, its signature) and, for the clouds, the account's
secret itself. What kubedrift makes of such an answer (logs, stored errors, metrics,
reports, pull requests, tickets) must not repeat any of it.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import urlencode

from kubedrift.sim.ack import AckFakeServer
from kubedrift.sim.dingtalk import DingTalkFakeServer
from kubedrift.sim.forge import FakeGitHub, FakeGitLab
from kubedrift.sim.issues import FakeGitHubIssues, FakeGitLabIssues
from kubedrift.sim.jira import FakeJira
from kubedrift.sim.server import Fault, Request, Response, json_response
from kubedrift.sim.slack import SlackFakeServer
from kubedrift.sim.tke import TkeFakeServer


def echo(request: Request, extra: str = "") -> str:
    """Every credential-bearing part of `request`, as a leaky error message would quote it."""
    query = urlencode(request.query)
    authorization = request.header("authorization") or "-"
    private = request.header("private-token") or "-"
    headers = f"authorization={authorization} private-token={private} {_basic(authorization)}"
    return f"rejected {request.method} {request.path}?{query} {headers} {extra}"


def _basic(authorization: str) -> str:
    """A Basic credential decoded, as a gateway explaining whom it refused would print it."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return "user:password=" + base64.b64decode(encoded).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""


class EchoingAck(AckFakeServer):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind != "auth":
            return super().fault_response(fault, request, operation)
        secrets = " ".join(a.access_key_secret for a in self.fleet.accounts.values())
        body = {"code": "SignatureDoesNotMatch", "message": echo(request, f"secrets={secrets}")}
        return Response(400, json.dumps(body).encode(), {"Content-Type": "application/json"})


class EchoingTke(TkeFakeServer):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind != "auth":
            return super().fault_response(fault, request, operation)
        secrets = " ".join(a.access_key_secret for a in self.fleet.accounts.values())
        return self._error("AuthFailure.SignatureFailure", echo(request, f"secrets={secrets}"))


class EchoingSlack(SlackFakeServer):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind != "server_error":
            return super().fault_response(fault, request, operation)
        return Response(503, echo(request).encode(), {"Content-Type": "text/plain"})


class EchoingDingTalk(DingTalkFakeServer):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        if fault.kind != "server_error":
            return super().fault_response(fault, request, operation)
        body = {"errcode": -1, "errmsg": echo(request)}
        return Response(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


def _forge_echo(request: Request, fault: Fault, key: str, wrap: bool = False) -> Response:
    """An error status whose JSON quotes the request's credentials (or, for `malformed`, a
    200 whose body is that quote in plain text: a proxy's page, not the API's JSON; for
    `wrong_shape` / `missing_fields`, a 200 whose JSON is that quote, not what was asked)."""
    text = echo(request, f"body={request.body.decode(errors='replace')}")
    if fault.kind == "malformed":
        return Response(200, text.encode(), {"Content-Type": "text/plain"})
    if fault.kind in ("wrong_shape", "missing_fields"):
        return json_response(200, {key: [text] if wrap else text})  # JSON, not the API's
    status = {"auth": 401, "throttle": 429, "not_found": 404}.get(fault.kind, 502)
    return json_response(status, {key: [text] if wrap else text})


class EchoingGitHub(FakeGitHub):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        return _forge_echo(request, fault, "message")


class EchoingGitLab(FakeGitLab):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        return _forge_echo(request, fault, "message")


class EchoingGitHubIssues(FakeGitHubIssues):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        return _forge_echo(request, fault, "message")


class EchoingGitLabIssues(FakeGitLabIssues):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        return _forge_echo(request, fault, "message")


class EchoingJira(FakeJira):
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        return _forge_echo(request, fault, "errorMessages", wrap=True)
