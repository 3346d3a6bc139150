"""HTTP plumbing of the fake AssemblyAI server: sockets, bodies, faults. No API logic lives here.

The handler reads each request (streaming big upload bodies instead of holding them), records it,
applies the fault injected for it (if any) and hands the rest to `FakeAssemblyAI.dispatch`.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .assemblyai import FakeAssemblyAI

_PIECE = 64 * 1024


@dataclass
class ReceivedRequest:
    method: str
    path: str  # as requested, query string included
    headers: dict[str, str]  # Authorization replaced by "<redacted>"
    json: dict[str, Any] | None = None
    body_size: int = 0  # bytes of body read
    status: int | None = None  # what the fake answered; None when it closed the connection instead


@dataclass
class Reply:
    status: int
    body: Any  # JSON-serialisable
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str  # "status", "drop" (before acting), "lost_reply" (act, then drop) or "malformed" (act, garbled answer)
    path_prefix: str
    method: str | None
    times: int
    status: int = 0
    retry_after: int | float | str | None = None
    body: Any = None
    after_bytes: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and path.startswith(self.path_prefix)


@dataclass
class Upload:
    size: int
    sha256: str


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeAssemblyAI) -> None:
        self.fake = fake
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay silent (the default prints to stderr); keep the traceback for the test to read."""
        self.fake.internal_errors.append(traceback.format_exc())

    def close_all_connections(self) -> None:
        """Idle keep-alive connections would otherwise keep being served after stop()."""
        with self._open_lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API and `requests` sessions use
    server_version = "FakeAssemblyAI"
    timeout = 60  # idle keep-alive connections end eventually
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid 40 ms delayed-ACK stalls
    server: FakeHTTPServer
    _body_bytes = 0  # body bytes read for the current request

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silent on purpose: request lines and bodies may carry transcripts (PHI) and keys."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve()

    def do_PUT(self) -> None:  # noqa: N802
        self._serve()

    def do_PATCH(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        self._body_bytes = 0
        record: ReceivedRequest | None = None
        if not urlsplit(self.path).path.startswith("/_fake/"):  # the control channel is not recorded
            headers = {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in self.headers.items()}
            record = ReceivedRequest(self.command, self.path, headers)
            self.server.fake.record(record)
        try:
            reply = self._answer(record)
        except _BadBody as exc:
            self.close_connection = True
            reply = Reply(400, {"error": str(exc)})
        except (ConnectionError, TimeoutError):  # the client went away mid-request: nobody to answer
            reply = None
            self.close_connection = True
        except Exception:  # a bug in the fake: answer like the real API's 500, keep the traceback
            self.server.fake.internal_errors.append(traceback.format_exc())
            self.close_connection = True
            reply = Reply(500, {"error": "Server error, developers have been alerted."})
        if record is not None:
            record.body_size = self._body_bytes
        if reply is not None and self._send(reply) and record is not None:
            record.status = reply.status

    def _answer(self, record: ReceivedRequest | None) -> Reply | None:
        """The reply to send, or None when the connection was dropped on purpose."""
        fake = self.server.fake
        path = urlsplit(self.path).path
        if record is None:
            return fake.control(self.command, path, _parse_json(self._read_all()))
        if fake.down:
            self._drop()
            return None
        fault = fake.take_fault(self.command, path)
        if fault is not None and fault.kind == "drop":
            self._consume(limit=fault.after_bytes)
            self._drop()
            return None
        # Bodies are always read before answering: replying mid-upload makes clients see a reset
        # connection instead of our status code.
        if self.command == "POST" and path == "/v2/upload":
            digest = hashlib.sha256()
            payload: Any = Upload(self._consume(on_piece=digest.update), digest.hexdigest())
        else:
            raw = self._read_all()
            payload = _parse_json(raw)
            record.json = payload if isinstance(payload, dict) else None
            if raw and payload is None:
                payload = raw  # not JSON: the API layer answers 400
        if fault is not None and fault.kind == "status":
            return fake.fault_reply(fault, path)
        reply = fake.dispatch(self.command, self.path, self.headers.get("Authorization"), payload)
        if fault is not None and fault.kind == "lost_reply":  # the server acted; the answer never arrives
            self._drop()
            return None
        if fault is not None and fault.kind == "malformed":  # the server acted; the answer is unreadable
            return Reply(200, fault.body, reply.headers)
        return reply

    # --- bodies ---------------------------------------------------------------------------------

    def _pieces(self) -> Iterator[bytes]:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            yield from self._chunked_pieces()
            return
        try:
            remaining = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _BadBody("Invalid Content-Length header") from None
        while remaining > 0:
            piece = self.rfile.read(min(remaining, _PIECE))
            if not piece:
                raise _BadBody("Request body ended early")
            remaining -= len(piece)
            self._body_bytes += len(piece)
            yield piece

    def _chunked_pieces(self) -> Iterator[bytes]:
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _BadBody("Malformed chunked request body") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            while size > 0:
                piece = self.rfile.read(min(size, _PIECE))
                if not piece:
                    raise _BadBody("Request body ended early")
                size -= len(piece)
                self._body_bytes += len(piece)
                yield piece
            self.rfile.readline(16)  # CRLF that ends the chunk

    def _consume(self, *, limit: int | None = None, on_piece: Callable[[bytes], Any] | None = None) -> int:
        """Read (up to `limit` bytes of) the body without keeping it; return the byte count."""
        total = 0
        if limit == 0:
            return 0
        for piece in self._pieces():
            total += len(piece)
            if on_piece is not None:
                on_piece(piece)
            if limit is not None and total >= limit:
                break
        return total

    def _read_all(self) -> bytes:
        return b"".join(self._pieces())

    # --- answers --------------------------------------------------------------------------------

    def _drop(self) -> None:
        """Close the socket without a response, as a crashed server or a cut network would."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, reply: Reply) -> bool:
        """Write the reply; False when the client had already gone."""
        if isinstance(reply.body, (bytes, str)):
            data = reply.body.encode() if isinstance(reply.body, str) else reply.body
        else:
            data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        try:
            self.end_headers()
            self.wfile.write(data)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
            return False
        return True


class _BadBody(Exception):
    pass


def _parse_json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
