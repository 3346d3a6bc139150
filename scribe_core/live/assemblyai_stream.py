"""AssemblyAI Universal-Streaming v3 over WebSocket (CONTRACT §4), reconnecting without losing audio.

One thread owns the connection: it sends the audio fed to it in 100-1000 ms chunks of 16 kHz mono
16-bit PCM and turns the service's Turn messages into the running LiveTranscript. The API key goes in
the `Authorization` header from this server; the browser never sees it.

Nothing is lost when the socket drops: every byte fed stays buffered until a final (end-of-turn) Turn
covers it. A new session then starts from the end of the last final word and that audio is sent
again (at most 1.5x real time, the service wants audio at about the speed it was spoken); the new
session's times are shifted by where it started, so its turns follow the old ones in order and no turn
is shown twice. Retriable failures (drops, 1011/3005 server errors, 3008 session too long) reconnect
with backoff; others (1008 refused, 3006/3007 protocol) stop the live transcript with a clear message
while the recording, which LiveSession writes separately, carries on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from ..config import Secret
from ..pcm_format import SAMPLE_RATE
from .errors import LiveStreamError, StreamConnectionLostError, error_for_close
from .pcm import bytes_to_ms, ms_to_bytes
from .stream_thread import StreamThread
from .transcript import LiveTurn, LiveWord

MAX_KEYTERMS = 100
MAX_KEYTERM_CHARS = 50
MIN_CHUNK_MS, LIVE_CHUNK_MS, MAX_CHUNK_MS = 50, 100, 1000
REPLAY_SPEED = 1.5  # how much faster than real time buffered audio is sent again after a reconnect
REPLAY_BURST_MS = 1000


def streaming_query(*, speech_model: str, medical_mode: bool, keyterms: Sequence[str],
                    speaker_labels: bool = True) -> tuple[dict[str, str], list[str]]:
    """The connection's query parameters, and the key terms left out (too long, or past 100)."""
    terms: list[str] = []
    dropped: list[str] = []
    for term in (t.strip() for t in keyterms):
        if not term:
            continue
        (terms if len(term) <= MAX_KEYTERM_CHARS and len(terms) < MAX_KEYTERMS else dropped).append(term)
    query = {"sample_rate": str(SAMPLE_RATE), "encoding": "pcm_s16le", "speech_model": speech_model}
    if medical_mode:
        query["domain"] = "medical-v1"
    if terms:
        query["keyterms_prompt"] = json.dumps(terms)  # lists are JSON-encoded (CONTRACT §4.2)
    if speaker_labels:
        query["speaker_labels"] = "true"
    return query, dropped


class AssemblyAIStreamer(StreamThread):
    engine = "assemblyai"
    thread_name = "assemblyai-stream"
    sends_audio_off_device = True  # the microphone's audio streams to AssemblyAI
    sends_text_off_device = True
    stop_timeout_s = 10.0  # send what is left, Terminate, wait for Termination

    def __init__(self, *, url: str, api_key: Secret, speech_model: str = "u3-rt-pro", medical_mode: bool = True,
                 keyterms: Sequence[str] = (), speaker_labels: bool = True,
                 retry_delays_s: Sequence[float] = (0.5, 1.0, 2.0, 4.0, 8.0), open_timeout_s: float = 5.0,
                 terminate_timeout_s: float = 5.0, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.query, self.dropped_keyterms = streaming_query(
            speech_model=speech_model, medical_mode=medical_mode, keyterms=keyterms, speaker_labels=speaker_labels)
        self.model = speech_model
        self._url = f"{url}?{urlencode(self.query)}"
        self._api_key = api_key
        self._retry_delays_s = tuple(retry_delays_s)
        self._open_timeout_s, self._terminate_timeout_s = open_timeout_s, terminate_timeout_s
        self._sleep = sleep
        self.session_starts: list[tuple[str, int]] = []  # (session id, byte offset where it began)
        self._buffer = bytearray()  # audio from byte `_base` on: everything not yet covered by a final turn
        self._base = 0
        self._total = 0
        self._ack = 0  # bytes covered by final turns

    # -- the caller's side ------------------------------------------------------------------------
    def feed(self, pcm: bytes) -> None:
        with self._lock:
            if self.stopped_streaming:
                return
            self._buffer += pcm
            self._total += len(pcm)
            self._lock.notify_all()

    @property
    def acknowledged_bytes(self) -> int:
        with self._lock:
            return self._ack

    # -- the connection thread --------------------------------------------------------------------
    def _run(self) -> None:
        failures = 0
        while True:
            ack_before = self.acknowledged_bytes
            try:
                if self._session():
                    return  # Termination received
                failure: LiveStreamError = StreamConnectionLostError(
                    "The connection to AssemblyAI's live transcription closed unexpectedly; reconnecting.")
            except LiveStreamError as exc:
                failure = exc
            self.error = failure
            self.transcript.set_partial(None)  # the unfinished turn comes again from the replayed audio
            failures = 0 if self.acknowledged_bytes > ack_before else failures + 1
            if not failure.retriable or failures > len(self._retry_delays_s):
                with self._lock:
                    self.stopped_streaming = True
                    self._buffer.clear()
                return
            self._sleep(self._retry_delays_s[max(0, failures - 1)])

    def _session(self) -> bool:
        try:
            ws = connect(self._url, additional_headers={"Authorization": self._api_key.reveal()},
                         open_timeout=self._open_timeout_s, compression=None, close_timeout=2)
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            raise StreamConnectionLostError(
                f"Could not reach AssemblyAI's live transcription ({type(exc).__name__}); retrying.") from exc
        with ws:
            try:
                return self._converse(ws)
            except ConnectionClosed as exc:
                frame = exc.rcvd
                raise error_for_close(frame.code if frame else None, frame.reason if frame else "") from exc

    def _converse(self, ws: ClientConnection) -> bool:
        begin = json.loads(ws.recv(timeout=self._open_timeout_s))
        if begin.get("type") != "Begin":
            self._message(begin, 0)
        with self._lock:
            start = self._ack
            self.session_starts.append((str(begin.get("id", "")), start))
        began, sent, terminated_at = time.monotonic(), start, None
        while True:
            try:
                raw = ws.recv(timeout=0.02)
            except TimeoutError:
                raw = None
            if raw is not None and self._message(json.loads(raw), start):
                return True
            if terminated_at is not None:
                if time.monotonic() - terminated_at > self._terminate_timeout_s:
                    return True  # no Termination in time: everything was sent; the batch path has the rest
                continue
            chunk, finished = self._next_chunk(sent, began, start)
            if chunk:
                ws.send(chunk.ljust(ms_to_bytes(MIN_CHUNK_MS), b"\0"))  # the very last bit: padded to 50 ms
                sent += len(chunk)
            elif finished:
                ws.send(json.dumps({"type": "Terminate"}))
                terminated_at = time.monotonic()

    def _next_chunk(self, sent: int, began: float, start: int) -> tuple[bytes, bool]:
        """The next chunk to send (or b""), and whether everything was sent and stop was asked."""
        with self._lock:
            available = self._total - sent
            budget = ms_to_bytes((time.monotonic() - began) * 1000 * REPLAY_SPEED + REPLAY_BURST_MS) - (sent - start)
            size = min(available, ms_to_bytes(MAX_CHUNK_MS), max(0, budget))
            if size < ms_to_bytes(LIVE_CHUNK_MS) and not (self._stopping and size == available):
                if not self._stopping:
                    self._lock.wait(0.02)
                return b"", False
            if size <= 0:
                return b"", True
            return bytes(self._buffer[sent - self._base: sent - self._base + size]), False

    def _message(self, message: dict[str, Any], start: int) -> bool:
        kind = message.get("type")
        if kind == "Turn":
            self._turn(message, start)
        elif kind == "Error":
            raise error_for_close(message.get("error_code"), str(message.get("error", "")))
        elif kind == "Termination":
            return True
        return False

    def _turn(self, message: dict[str, Any], start: int) -> None:
        offset_ms = round(bytes_to_ms(start))
        words = tuple(LiveWord(str(w["text"]), offset_ms + int(w["start"]), offset_ms + int(w["end"]),
                               w.get("confidence")) for w in message.get("words", []))
        if not words:
            return
        label = message.get("speaker_label")
        if label in (None, "UNKNOWN"):
            speaker = None
        elif len(self.session_starts) > 1:
            # A new session names speakers afresh in order of appearance: its "A" need not be the
            # first session's "A", so its labels stay apart (and roles unknown) until the batch pass.
            speaker = f"{label}{len(self.session_starts)}"
        else:
            speaker = str(label)
        turn = LiveTurn(text=str(message.get("transcript", "")), start_ms=words[0].start_ms, end_ms=words[-1].end_ms,
                        final=bool(message.get("end_of_turn")), words=words, speaker=speaker)
        if not turn.final:
            self.transcript.set_partial(turn)
            return
        self.transcript.add_final(turn)
        with self._lock:
            self._ack = max(self._ack, min(self._total, start + ms_to_bytes(int(message["words"][-1]["end"]))))
            drop = self._ack - self._base
            del self._buffer[:drop]
            self._base = self._ack
