"""One live visit, independent of any UI: start / pause / resume / stop, timer, level, transcript.

Audio frames from the browser are converted to 16 kHz mono PCM, written to the encrypted recording
first (so nothing captured is lost whatever happens next) and then given to the live engine. While
paused, frames are neither recorded nor transcribed. The timer counts recorded audio, not wall time,
so it matches the stored recording. A failure of the live engine never stops the recording: the
page shows the engine's message and the transcript is made from the recording at stop.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import InvalidStateError
from ..storage.live_journal import LiveRecordingWriter
from .errors import LiveStreamError
from .microphone import MicrophoneWatch
from .pcm import SILENCE_DBFS, Downsampler, bytes_to_ms, level_dbfs
from .transcript import LiveTranscript, LiveTurn


class LiveStreamer(Protocol):
    engine: str
    model: str
    transcript: LiveTranscript
    error: LiveStreamError | None
    stopped_streaming: bool
    dropped_keyterms: list[str]

    def start(self) -> None: ...
    def feed(self, pcm: bytes) -> None: ...
    def stop(self, timeout_s: float = ...) -> LiveTranscript: ...


class LiveState(enum.StrEnum):
    READY = "ready"
    RECORDING = "recording"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass(frozen=True)
class LiveOutcome:
    recorded_bytes: int
    duration_s: float
    transcript: LiveTranscript
    engine: str
    model: str
    streaming_error: LiveStreamError | None
    session_ids: tuple[str, ...] = ()  # the streaming service's session ids, in order


class LiveSession:
    def __init__(self, *, encounter_id: str, streamer: LiveStreamer, recording: LiveRecordingWriter) -> None:
        self.encounter_id = encounter_id
        self.streamer = streamer
        self.recording = recording
        self._downsampler = Downsampler()
        self._lock = threading.Lock()
        self._state = LiveState.READY
        self._level = SILENCE_DBFS
        self.microphone = MicrophoneWatch()  # whether the browser's connection stalled before any audio

    # -- controls ---------------------------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            self._require(LiveState.READY, "start")
            self.streamer.start()
            self._state = LiveState.RECORDING

    def pause(self) -> None:
        with self._lock:
            self._require(LiveState.RECORDING, "pause")
            self._state, self._level = LiveState.PAUSED, SILENCE_DBFS

    def resume(self) -> None:
        with self._lock:
            self._require(LiveState.PAUSED, "resume")
            self._state = LiveState.RECORDING

    def stop(self) -> LiveOutcome:
        with self._lock:
            if self._state == LiveState.STOPPED:
                raise InvalidStateError("This live visit has already stopped.")
            self._state = LiveState.STOPPED
        recorded = self.recording.close()
        transcript = self.streamer.stop()
        return LiveOutcome(recorded_bytes=recorded, duration_s=bytes_to_ms(recorded) / 1000, transcript=transcript,
                           engine=self.streamer.engine, model=self.streamer.model, streaming_error=self.streamer.error,
                           session_ids=tuple(sid for sid, _ in getattr(self.streamer, "session_starts", [])))

    def _require(self, state: LiveState, action: str) -> None:
        if self._state != state:
            raise InvalidStateError(f"Cannot {action} a live visit that is {self._state.value}.")

    # -- audio in ---------------------------------------------------------------------------------
    def feed_frame(self, frame: Any) -> None:
        """An `av.AudioFrame` from the browser (any rate and layout)."""
        with self._lock:
            if self._state != LiveState.RECORDING:
                return
            pcm = self._downsampler.convert(frame)
            self._take(pcm)

    def feed_pcm(self, pcm: bytes) -> None:
        """16 kHz mono 16-bit PCM."""
        with self._lock:
            if self._state != LiveState.RECORDING:
                return
            self._take(pcm)

    def _take(self, pcm: bytes) -> None:
        if not pcm:
            return
        self.recording.append(pcm)  # first: the recording must never miss what the engine saw
        self.streamer.feed(pcm)
        self._level = level_dbfs(pcm)

    # -- what the page shows ------------------------------------------------------------------------
    @property
    def state(self) -> LiveState:
        return self._state

    @property
    def elapsed_s(self) -> float:
        return bytes_to_ms(self.recording.bytes_recorded) / 1000

    @property
    def microphone_reopen_due(self) -> bool:
        """Recording, yet the browser's offered connection brought no audio: the page opens a new one."""
        return self._state == LiveState.RECORDING and self.microphone.reopen_due(
            audio_arrived=self.recording.bytes_recorded > 0)

    @property
    def microphone_page_run_due(self) -> bool:
        return self.microphone.page_run_due(recording=self._state == LiveState.RECORDING,
                                            audio_arrived=self.recording.bytes_recorded > 0)

    @property
    def level_dbfs(self) -> float:
        return self._level

    def turns(self) -> list[LiveTurn]:
        return self.streamer.transcript.snapshot()

    @property
    def notice(self) -> str | None:
        """The live engine's last problem, in words for the page (None while all is well)."""
        error = self.streamer.error
        return str(error) if error is not None else None
