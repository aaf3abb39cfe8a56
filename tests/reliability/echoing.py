"""Fake servers whose failures echo the caller's credentials back, as careless gateways and
debug-mode APIs do: the authorization header, the query string (DingTalk's access token,
its signature) and, for the clouds, the account's secret itself. What kubedrift makes of
such an answer (logs, stored errors, metrics, reports) must not repeat any of it.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from kubedrift.sim.ack import AckFakeServer
from kubedrift.sim.chat import DingTalkFakeServer, SlackFakeServer
from kubedrift.sim.server import Fault, Request, Response
from kubedrift.sim.tke import TkeFakeServer


def echo(request: Request, extra: str = "") -> str:
    """Every credential-bearing part of `request`, as a leaky error message would quote it."""
    query = urlencode(request.query)
    authorization = request.header("authorization") or "-"
    return f"rejected {request.method} {request.path}?{query} authorization={authorization} {extra}"


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
