"""A fake AssemblyAI Universal-Streaming v3 server over a real WebSocket on 127.0.0.1.

It checks every connection and message against `usm-streaming-u3-pro.yml` and CONTRACT §4 (the
`Authorization` header, query parameters, 50-1000 ms chunks of 16-bit PCM, a sane sending rate,
JSON client messages), then "transcribes" by replaying a real conversation's timeline in step with
the audio received: a word is heard once the audio has reached its end (plus `latency_ms`); partial
Turns follow the words, the end-of-turn Turn comes after `min_turn_silence`, and Terminate flushes
the turn in progress and answers Termination before closing.

Given the reference audio (`reference`, 16 kHz int16), each new session finds where its audio starts
in it by cross-correlation, as a real recogniser would hear what it is sent: a client that replays
the wrong audio after a reconnect gets the wrong words. Without it every session starts at 0 ms.

Faults (`inject()`, or `GET /_fake/inject?kind=...` from another process): `drop` (TCP closed with no
close frame), `close` (close code + reason), `error` (an Error event, then the close), `reject` (the
next connection is closed at once, e.g. 1008 too many concurrent sessions), each after `at_audio_ms`
of audio in a session. `GET /_fake/state` and `GET /_fake/audio?session=N` show what it received.
Shell: `python -m tests.fakes.assemblyai_streaming --port 0 --audio cut.wav`.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from .assemblyai_schema import default_dialogue_path
from .assemblyai_streaming_replay import BYTES_PER_MS, Replay
from .assemblyai_streaming_timeline import (
    SAMPLE_RATE,
    TimedWord,
    client_message_errors,
    group_turns,
    query_errors,
    timeline_from_dialogue,
    timeline_from_json,
)

RATE_LIMIT = 2.0  # a session may run ahead of real time by this factor, plus the burst below
RATE_BURST_MS = 3000


@dataclass
class Fault:
    kind: str  # drop | close | error | reject
    at_audio_ms: int = 0
    code: int = 1011
    reason: str = "Internal server error"


@dataclass
class Session:
    id: str
    query: dict[str, list[str]]
    audio: bytearray = field(default_factory=bytearray)
    start_ms: int | None = None  # where in the conversation this session's audio starts
    sent: list[dict[str, Any]] = field(default_factory=list)
    client_messages: list[dict[str, Any]] = field(default_factory=list)
    terminated: bool = False
    close_code: int | None = None
    ended: str = ""  # how it ended: terminated | dropped | closed <code> | client closed

    @property
    def audio_ms(self) -> int:
        return len(self.audio) // BYTES_PER_MS


class FakeStreamingServer:
    def __init__(self, *, api_key: str = "test-key", timeline: list[TimedWord] | None = None,
                 reference: np.ndarray | None = None, latency_ms: int = 150, port: int = 0) -> None:
        self.api_key = api_key
        self.timeline = timeline if timeline is not None else timeline_from_dialogue(default_dialogue_path())
        self.turns = group_turns(self.timeline)
        self.reference = reference
        self.latency_ms = latency_ms
        self.port = port
        self.sessions: list[Session] = []
        self.schema_errors: list[str] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeStreamingServer:
        if self.reference is not None:
            import scipy.signal  # noqa: F401 - imported now, not while a session waits for it
        self._server = serve(self._handle, "127.0.0.1", self.port, process_request=self._http,
                             compression=None, max_size=1 << 21)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-streaming", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeStreamingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v3/ws"

    def inject(self, kind: str, *, at_audio_ms: int = 0, code: int = 1011, reason: str = "") -> None:
        default = {"drop": "", "reject": "Unauthorized connection: Too many concurrent sessions",
                   "error": "Internal server error", "close": "Internal server error"}[kind]
        with self._lock:
            self.faults.append(Fault(kind, at_audio_ms, code, reason or default))

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"sessions": [{"id": s.id, "audio_ms": s.audio_ms, "start_ms": s.start_ms, "ended": s.ended,
                                  "terminated": s.terminated, "turns": sum(m.get("type") == "Turn" for m in s.sent)}
                                 for s in self.sessions],
                    "schema_errors": list(self.schema_errors)}

    # -- HTTP control (websockets answers plain GETs through this hook) ---------------------------
    def _http(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path == "/v3/ws":
            return None
        if url.path == "/_fake/state":
            body = json.dumps(self.state())
        elif url.path == "/_fake/audio":  # the raw PCM one session received (tests compare it byte for byte)
            index = int(parse_qs(url.query).get("session", ["0"])[0])
            with self._lock:
                audio = bytes(self.sessions[index].audio)
            return Response(200, "OK", Headers({"Content-Type": "application/octet-stream"}), audio)
        elif url.path == "/_fake/inject":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            self.inject(q["kind"], at_audio_ms=int(q.get("at_audio_ms", 0)), code=int(q.get("code", 1011)),
                        reason=q.get("reason", ""))
            body = json.dumps({"ok": True})
        else:
            return connection.respond(404, "Not found\n")
        return Response(200, "OK", Headers({"Content-Type": "application/json"}), body.encode())

    # -- one streaming session -------------------------------------------------------------------
    def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query, keep_blank_values=True)
        session = Session(id=str(uuid.uuid4()), query=query)
        with self._lock:
            self.sessions.append(session)
            reject = self._take_fault("reject", 0)
        if ws.request.headers.get("Authorization") != self.api_key:
            self._close(ws, session, 1008, "Unauthorized Connection: Missing or invalid Authorization header")
            return
        errors = query_errors(query)
        if errors:
            self._schema_error(ws, session, 3006, errors)
            return
        if reject is not None:
            self._close(ws, session, reject.code, reject.reason)
            return
        replay = Replay(self, session)
        began = time.monotonic()
        self._send(ws, session, {"type": "Begin", "id": session.id, "expires_at": int(time.time()) + 3 * 3600})
        try:
            for frame in ws:
                if isinstance(frame, bytes):
                    if not self._audio(ws, session, frame, began):
                        return
                    for message in replay.advance(final=False):
                        self._send(ws, session, message)
                    if self._fault_due(ws, session):
                        return
                    continue
                try:
                    message = json.loads(frame)
                except ValueError:
                    self._schema_error(ws, session, 3006, ["a text frame is not valid JSON"])
                    return
                errors = client_message_errors(message)
                if errors:
                    self._schema_error(ws, session, 3006, errors)
                    return
                session.client_messages.append(message)
                if message["type"] == "Terminate":
                    for reply in replay.advance(final=True):
                        self._send(ws, session, reply)
                    self._send(ws, session, {"type": "Termination",
                                             "audio_duration_seconds": session.audio_ms // 1000,
                                             "session_duration_seconds": int(time.monotonic() - began)})
                    session.terminated, session.ended = True, "terminated"
                    ws.close(1000)
                    return
            session.ended = session.ended or "client closed"
        except ConnectionClosed:
            session.ended = session.ended or "client closed"

    def _audio(self, ws: ServerConnection, session: Session, frame: bytes, began: float) -> bool:
        duration_ms = len(frame) / BYTES_PER_MS
        if len(frame) % 2 or not 50 <= duration_ms <= 1000:
            self._schema_error(ws, session, 3007,
                               [f"Input duration violation: expected 50-1000 ms, got {duration_ms:.1f} ms"])
            return False
        with self._lock:
            session.audio += frame
        allowed_ms = (time.monotonic() - began) * 1000 * RATE_LIMIT + RATE_BURST_MS
        if session.audio_ms > allowed_ms:
            self._schema_error(ws, session, 3007, ["Audio Transmission Rate Exceeded"])
            return False
        return True

    def _fault_due(self, ws: ServerConnection, session: Session) -> bool:
        with self._lock:
            fault = next((f for f in self.faults if f.kind != "reject" and session.audio_ms >= f.at_audio_ms), None)
            if fault is not None:
                self.faults.remove(fault)
        if fault is None:
            return False
        if fault.kind == "drop":
            session.ended = "dropped"
            ws.socket.shutdown(socket.SHUT_RDWR)  # no close frame: a broken network path
            ws.socket.close()
            return True
        if fault.kind == "error":
            self._send(ws, session, {"type": "Error", "error_code": fault.code, "error": fault.reason})
        self._close(ws, session, fault.code, fault.reason)
        return True

    def _take_fault(self, kind: str, audio_ms: int) -> Fault | None:
        fault = next((f for f in self.faults if f.kind == kind and audio_ms >= f.at_audio_ms), None)
        if fault is not None:
            self.faults.remove(fault)
        return fault

    def _send(self, ws: ServerConnection, session: Session, message: dict[str, Any]) -> None:
        session.sent.append(message)
        ws.send(json.dumps(message))

    def _schema_error(self, ws: ServerConnection, session: Session, code: int, errors: list[str]) -> None:
        with self._lock:
            self.schema_errors.extend(errors)
        self._close(ws, session, code, "; ".join(errors)[:120])

    def _close(self, ws: ServerConnection, session: Session, code: int, reason: str) -> None:
        session.close_code, session.ended = code, f"closed {code}"
        ws.close(code, reason)


def load_reference(path: Path) -> np.ndarray:
    """Any audio file as 16 kHz mono int16 (PyAV via faster-whisper's decoder)."""
    from faster_whisper import decode_audio

    return (np.clip(decode_audio(str(path), sampling_rate=SAMPLE_RATE), -1, 1) * 32767).astype("<i2")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.assemblyai_streaming",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="test-key")
    parser.add_argument("--dialogue", default=None, help="D:/P: transcript to replay (timed by word length)")
    parser.add_argument("--timeline", default=None, help="JSON words with start_ms/end_ms/role/turn")
    parser.add_argument("--audio", default=None, help="the audio the client will stream (to locate sessions)")
    parser.add_argument("--latency-ms", type=int, default=150)
    args = parser.parse_args(argv)
    timeline = (timeline_from_json(Path(args.timeline)) if args.timeline
                else timeline_from_dialogue(Path(args.dialogue) if args.dialogue else default_dialogue_path()))
    reference = load_reference(Path(args.audio)) if args.audio else None
    fake = FakeStreamingServer(api_key=args.api_key, timeline=timeline, reference=reference,
                               latency_ms=args.latency_ms, port=args.port).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"FAKE_ASSEMBLYAI_STREAMING_URL={fake.url}", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
