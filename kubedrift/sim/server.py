"""The HTTP plumbing every fake provider server shares.

A `FakeServer` listens on 127.0.0.1 (an ephemeral port by default), records every request,
and hands each one to its provider's `route()`. Before routing it applies what the test
or demo asked for: a fixed latency per call, a provider-side rate limit, and scripted
faults (sim/faults.py: throttling, 5xx, hanging past the client's timeout, malformed
bodies, auth failures) so that collectors meet in tests what they will meet in the field.
"""

from __future__ import annotations

import json
import socket
import socketserver
import ssl
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from kubedrift.sim.faults import Fault, FaultKind, FaultPlan, SlidingWindowLimit

# Fault and FaultKind are part of a fake server's interface: tests script faults with them.
__all__ = [
    "FakeServer",
    "Fault",
    "FaultKind",
    "Request",
    "Response",
    "json_response",
    "text_response",
]


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    # A body sent as it is produced (HTTP/1.1 chunked), e.g. a Kubernetes watch; `body`
    # is then ignored. The iterator ends the response by ending.
    stream: Iterator[bytes] | None = None


def json_response(
    status: int,
    payload: object,
    headers: Mapping[str, str] | None = None,
    *,
    content_type: str = "application/json",
) -> Response:
    """`payload` as a JSON body, with `headers` (a `Retry-After`, say) besides its type."""
    body = json.dumps(payload).encode()
    return Response(status, body, {"Content-Type": content_type, **(headers or {})})


def text_response(
    status: int,
    text: str,
    headers: Mapping[str, str] | None = None,
    *,
    content_type: str = "text/plain; charset=utf-8",
) -> Response:
    """`text` as a plain-text body, with `headers` besides its type."""
    return Response(status, text.encode(), {"Content-Type": content_type, **(headers or {})})


class FakeServer(ABC):
    """Base class: subclasses implement `operation_of`, `route` and `fault_response`."""

    name = "fake"

    def __init__(
        self,
        *,
        port: int = 0,
        latency: float = 0.0,
        rate_limit: int | None = None,
        tls: ssl.SSLContext | None = None,
        unix_socket: str | None = None,
    ) -> None:
        self.faults = FaultPlan()
        self.latency = latency
        self.limit = SlidingWindowLimit(rate_limit) if rate_limit else None
        self.requests: list[Request] = []
        self._requests_lock = threading.Lock()
        self.tls = tls
        self.unix_socket = unix_socket
        self._httpd: ThreadingHTTPServer | _UnixHTTPServer
        if unix_socket is not None:
            self._httpd = _UnixHTTPServer(unix_socket, self._handler_class())
        else:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        if tls is not None:
            # The handshake runs in accept(): a client whose certificate the context
            # refuses is dropped there, as a real daemon with --tlsverify drops it.
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- to implement -------------------------------------------------------------------
    @abstractmethod
    def operation_of(self, request: Request) -> tuple[str, str | None]:
        """The API operation a request calls and the cluster it is about (if any)."""

    @abstractmethod
    def route(self, request: Request, operation: str) -> Response:
        """The provider's answer to a request that met no fault."""

    @abstractmethod
    def fault_response(self, fault: Fault, request: Request, operation: str) -> Response:
        """The provider's wire form of a scripted fault (its error body, status, headers)."""

    def rate_limit_key(self, request: Request) -> str:
        return "all"

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self.unix_socket is not None:
            raise RuntimeError(f"{self.name} listens on the unix socket {self.unix_socket}")
        address = self._httpd.server_address
        assert isinstance(address, tuple)
        return int(address[1])

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        if self.unix_socket is not None:
            return f"unix://{self.unix_socket}"
        return f"{'https' if self.tls is not None else 'http'}://{self.host}"

    def start(self) -> FakeServer:
        # A short poll interval makes stop() quick (the default waits up to 0.5 s).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        # socketserver's shutdown() waits forever for a serve loop that is not running, so
        # it is only asked of a live loop, and never waited on for more than a few seconds.
        if self._thread is not None and self._thread.is_alive():
            stopper = threading.Thread(target=self._httpd.shutdown, daemon=True)
            stopper.start()
            stopper.join(timeout=5)
            self._thread.join(timeout=5)
        self._thread = None
        self._httpd.server_close()

    @contextmanager
    def running(self) -> Iterator[FakeServer]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def reset(self) -> None:
        """Forget recorded requests and pending faults (between tests sharing a server)."""
        with self._requests_lock:
            self.requests.clear()
        self.faults.clear()

    def calls(self, operation: str | None = None) -> list[Request]:
        with self._requests_lock:
            recorded = list(self.requests)
        if operation is None:
            return recorded
        return [r for r in recorded if self.operation_of(r)[0] == operation]

    # -- request handling -----------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self._requests_lock:
            self.requests.append(request)
        operation, target = self.operation_of(request)
        if self.latency:
            time.sleep(self.latency)
        fault = self.faults.take(operation, target)
        if (
            fault is None
            and self.limit
            and not self.limit.allow(self.rate_limit_key(request), time.monotonic())
        ):
            fault = Fault(kind="throttle", retry_after=None)
        if fault is not None:
            if fault.kind == "timeout":
                time.sleep(fault.hang_seconds)
            return self.fault_response(fault, request, operation)
        return self.route(request, operation)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes: with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms a call on Linux), which no real API has.
            disable_nagle_algorithm = server.unix_socket is None  # TCP only

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    at=time.monotonic(),
                )
                response = server.handle(request)
                try:
                    self.send_response(response.status)
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    if response.stream is not None:
                        self._send_chunked(response.stream)
                        return
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): nothing to tell it

            def _send_chunked(self, stream: Iterator[bytes]) -> None:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in stream:
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                            self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                finally:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()  # a generator's cleanup runs even when the client left

            def handle(self) -> None:
                # A client that went away mid-connection (a killed daemon) needs no answer.
                with suppress(ConnectionResetError):
                    super().handle()

            do_GET = _serve  # noqa: N815 - http.server's naming
            do_POST = _serve  # noqa: N815
            do_PUT = _serve  # noqa: N815
            do_PATCH = _serve  # noqa: N815
            do_DELETE = _serve  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


def stop_all(servers: Iterable[FakeServer]) -> None:
    """Stop `servers` together: each stop waits for its serve loop's next poll, which adds up
    over the dozen servers of a simulated fleet stopped in turn."""
    stoppers = [threading.Thread(target=s.stop, name=f"{s.name}-stop") for s in servers]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join()


class _UnixHTTPServer(socketserver.ThreadingUnixStreamServer):
    """An HTTP server on a unix socket (the Docker daemon's default transport)."""

    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        # BaseHTTPRequestHandler expects an (address, port) pair; a unix peer has none.
        connection, _ = self.socket.accept()
        return connection, ("local", 0)
