"""A live visit end to end in the core: browser-like frames in, encrypted recording and transcript out."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from scribe_core.errors import InvalidStateError
from scribe_core.live.pcm import SILENCE_DBFS
from scribe_core.live.session import LiveSession, LiveState
from scribe_core.storage.live_journal import LiveRecordingWriter, read_journal
from tests.live.conftest import stream


def _play(session: LiveSession, frames: list[av.AudioFrame], *, speed: float) -> None:
    """Hand 20 ms frames to the session at `speed` x real time, as the browser's track does."""
    began = time.monotonic()
    for i, frame in enumerate(frames, start=1):
        session.feed_frame(frame)
        wait = began + i * 0.02 / speed - time.monotonic()
        if wait > 0:
            time.sleep(wait)


def _browser_frames(pcm16k: np.ndarray) -> list[av.AudioFrame]:
    """What aiortc hands over: 20 ms frames of 48 kHz stereo s16 (upsampled from the real recording)."""
    up = np.repeat(pcm16k, 3)
    frames = []
    for start in range(0, len(up), 960):
        block = np.repeat(up[start:start + 960], 2).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format="s16", layout="stereo")
        frame.sample_rate = 48000
        frames.append(frame)
    return frames


def test_start_pause_resume_stop_records_only_unpaused_audio_and_streams_it(vault, tmp_path, make_streamer,
                                                                           fake_streaming, consultation_pcm):
    journal = tmp_path / "live" / "enc1.journal"
    session = LiveSession(encounter_id="enc1", streamer=make_streamer(),
                          recording=LiveRecordingWriter(vault, journal, "enc1"))
    frames = _browser_frames(consultation_pcm[: 10 * 16000])
    with pytest.raises(InvalidStateError):
        session.pause()
    session.start()
    assert session.state == LiveState.RECORDING
    _play(session, frames[:250], speed=1.5)
    assert session.level_dbfs > -50  # speech is heard
    session.pause()
    assert session.level_dbfs == SILENCE_DBFS
    for frame in frames[250:350]:  # 2 s while paused: neither recorded nor transcribed
        session.feed_frame(frame)
    assert abs(session.elapsed_s - 5.0) < 0.1
    session.resume()
    _play(session, frames[350:], speed=1.5)
    outcome = session.stop()

    assert session.state == LiveState.STOPPED
    assert abs(outcome.duration_s - 8.0) < 0.1 and abs(session.elapsed_s - 8.0) < 0.1
    recorded = b"".join(read_journal(vault, journal, "enc1"))
    assert len(recorded) == outcome.recorded_bytes
    # What was streamed is exactly what was recorded.
    assert bytes(fake_streaming.sessions[0].audio[: len(recorded)]) == recorded
    assert outcome.engine == "assemblyai" and outcome.model == "u3-rt-pro" and outcome.streaming_error is None
    assert any(t.final for t in outcome.transcript.snapshot())
    with pytest.raises(InvalidStateError):
        session.stop()


def test_a_failing_live_engine_never_stops_the_recording(vault, tmp_path, make_streamer, fake_streaming,
                                                         consultation_pcm):
    fake_streaming.inject("reject", code=1008, reason="Unauthorized connection: Too many concurrent sessions")
    journal = tmp_path / "enc2.journal"
    session = LiveSession(encounter_id="enc2", streamer=make_streamer(),
                          recording=LiveRecordingWriter(vault, journal, "enc2"))
    session.start()
    pcm = consultation_pcm[: 3 * 16000].tobytes()
    stream(session.feed_pcm, pcm, speed=3)
    outcome = session.stop()
    assert session.notice is not None and "too many live sessions" in session.notice
    assert b"".join(read_journal(vault, journal, "enc2")) == pcm
    assert outcome.duration_s == pytest.approx(3.0)
