"""The AssemblyAI Universal-Streaming client against the fake v3 server over a real WebSocket."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scribe_core.live.errors import (
    StreamConnectionLostError,
    StreamRefusedError,
    StreamServerError,
    StreamSessionTooLongError,
)
from scribe_core.live.local_agreement import normalise
from tests.fakes.assemblyai_streaming import BYTES_PER_MS
from tests.live.conftest import stream


def _expected_words(fake, seconds: float) -> list[str]:
    return [normalise(w.text) for w in fake.timeline if w.end_ms <= seconds * 1000]


def test_turns_arrive_as_partials_then_final_and_stop_awaits_termination(fake_streaming, make_streamer,
                                                                          consultation_pcm):
    streamer = make_streamer()
    streamer.start()
    partials_seen = []
    pcm = consultation_pcm[: 8 * 16000].tobytes()
    stream(streamer.feed, pcm, speed=1.4,
           on_frame=lambda _: partials_seen.append(streamer.transcript.partial is not None))
    transcript = streamer.stop()

    assert any(partials_seen), "partial turns were shown while audio was still arriving"
    finals = [t for t in transcript.snapshot() if t.final]
    first = fake_streaming.turns[0]
    assert finals[0].text == " ".join(w.text for w in first)
    assert finals[0].start_ms == first[0].start_ms and finals[0].end_ms == first[-1].end_ms
    assert [t.speaker for t in finals[:2]] == ["A", "B"]
    assert [t.role for t in finals[:2]] == ["Doctor", "Patient"]
    session = fake_streaming.sessions[0]
    assert session.client_messages == [{"type": "Terminate"}]
    assert session.terminated and session.ended == "terminated"
    assert bytes(session.audio[: len(pcm)]) == pcm
    assert streamer.error is None and not fake_streaming.schema_errors


def test_query_carries_model_medical_domain_and_keyterms_within_the_streaming_limits(fake_streaming, make_streamer,
                                                                                     consultation_pcm):
    terms = ["salbutamol", "x" * 51] + [f"term {i}" for i in range(105)]
    streamer = make_streamer(keyterms=terms)
    streamer.start()
    stream(streamer.feed, consultation_pcm[: 16000].tobytes(), speed=2)
    streamer.stop()

    query = {k: v[0] for k, v in fake_streaming.sessions[0].query.items()}
    assert query["speech_model"] == "u3-rt-pro" and query["domain"] == "medical-v1"
    assert query["sample_rate"] == "16000" and query["encoding"] == "pcm_s16le"
    sent_terms = json.loads(query["keyterms_prompt"])
    assert len(sent_terms) == 100 and sent_terms[0] == "salbutamol" and all(len(t) <= 50 for t in sent_terms)
    assert "x" * 51 in streamer.dropped_keyterms and len(streamer.dropped_keyterms) == 7
    assert not fake_streaming.schema_errors


def test_without_medical_mode_no_domain_is_sent(fake_streaming, make_streamer, consultation_pcm):
    streamer = make_streamer(medical_mode=False, speech_model="u3-rt-pro")
    streamer.start()
    stream(streamer.feed, consultation_pcm[: 8000].tobytes(), speed=2)
    streamer.stop()
    assert "domain" not in fake_streaming.sessions[0].query


def test_a_dropped_connection_mid_visit_reconnects_and_loses_no_audio(fake_streaming, make_streamer, consultation_pcm):
    seconds = 24
    pcm = consultation_pcm[: seconds * 16000].tobytes()
    fake_streaming.inject("drop", at_audio_ms=9000)
    streamer = make_streamer()
    streamer.start()
    stream(streamer.feed, pcm, speed=1.4)
    transcript = streamer.stop()

    sessions = fake_streaming.sessions
    assert len(sessions) == 2 and sessions[0].ended == "dropped" and sessions[1].terminated
    assert isinstance(streamer.error, StreamConnectionLostError)
    # Every session received exactly the audio sent from where it started, and together they cover it all.
    covered = 0
    for session, (session_id, start) in zip(sessions, streamer.session_starts, strict=True):
        assert session.id == session_id
        assert start <= covered, "a gap: audio between sessions was never sent"
        received = bytes(session.audio)
        assert received[: len(pcm) - start] == pcm[start: start + len(received)]
        # The fake found the replayed audio where the client said it starts (to 1 ms).
        assert abs(session.start_ms - start // BYTES_PER_MS) <= 1
        covered = start + len(received)
    assert covered >= len(pcm)
    assert sessions[1].audio_ms > 0 and streamer.session_starts[1][1] > 0
    # Stitched transcript: each word of the conversation once, in order.
    shown = [normalise(w.text) for t in transcript.snapshot() for w in t.words]
    assert shown == _expected_words(fake_streaming, seconds)[: len(shown)]
    assert len(shown) >= len(_expected_words(fake_streaming, seconds - 1))
    times = [w.start_ms for t in transcript.snapshot() for w in t.words]
    assert times == sorted(times)


@pytest.mark.parametrize(("kind", "code", "reason", "error_type", "words"), [
    ("close", 1008, "Unauthorized connection: Too many concurrent sessions", StreamRefusedError,
     "too many live sessions"),
    ("close", 1008, "Invalid API key", StreamRefusedError, "ASSEMBLYAI_API_KEY"),
    ("close", 3008, "Session duration exceeded", StreamSessionTooLongError, "3-hour"),
    ("close", 1011, "Internal server error", StreamServerError, "server error (1011)"),
    ("close", 3005, "Internal server error", StreamServerError, "server error (3005)"),
    ("error", 3005, "Internal server error", StreamServerError, "server error (3005)"),
])
def test_each_close_code_becomes_a_clear_message(fake_streaming, make_streamer, consultation_pcm, kind, code, reason,
                                                 error_type, words):
    pcm = consultation_pcm[: 6 * 16000].tobytes()
    fake_streaming.inject(kind, at_audio_ms=2500, code=code, reason=reason)
    streamer = make_streamer()
    streamer.start()
    stream(streamer.feed, pcm, speed=1.4)
    transcript = streamer.stop()

    assert isinstance(streamer.error, error_type), fake_streaming.state()
    assert streamer.error.code == code
    assert words in str(streamer.error)
    if error_type is StreamRefusedError:  # not retried: the live transcript stops, the recording does not
        assert streamer.stopped_streaming and len(fake_streaming.sessions) == 1
        assert "recording continues" in str(streamer.error)
    else:  # a new session carries on from the last final turn
        assert not streamer.stopped_streaming and len(fake_streaming.sessions) == 2
        assert fake_streaming.sessions[1].terminated
        assert [t.text for t in transcript.snapshot() if t.final][0].startswith("Uh, what brings you")


def test_a_refused_connection_at_start_is_reported(fake_streaming, make_streamer, consultation_pcm):
    fake_streaming.inject("reject", code=1008, reason="Unauthorized connection: Too many concurrent sessions")
    streamer = make_streamer()
    streamer.start()
    stream(streamer.feed, consultation_pcm[: 16000].tobytes(), speed=2)
    streamer.stop()
    assert isinstance(streamer.error, StreamRefusedError) and streamer.stopped_streaming


def test_an_unreachable_service_is_retried_a_bounded_number_of_times(make_streamer, fake_streaming):
    fake_streaming.stop()
    sleeps: list[float] = []
    streamer = make_streamer(sleep=sleeps.append, retry_delays_s=(0.5, 1.0, 2.0))
    streamer.start()
    streamer.feed(bytes(3200))
    streamer.stop(timeout_s=10)
    assert isinstance(streamer.error, StreamConnectionLostError) and streamer.stopped_streaming
    assert sleeps == [0.5, 1.0, 2.0]


def test_a_wrong_key_is_refused_and_not_retried(fake_streaming, consultation_pcm):
    from scribe_core.config import Secret
    from scribe_core.live.assemblyai_stream import AssemblyAIStreamer

    streamer = AssemblyAIStreamer(url=fake_streaming.url, api_key=Secret("wrong"), retry_delays_s=(0.05,))
    streamer.start()
    streamer.feed(np.zeros(3200, dtype="<i2").tobytes())
    streamer.stop()
    assert isinstance(streamer.error, StreamRefusedError) and "ASSEMBLYAI_API_KEY" in str(streamer.error)
    assert len(fake_streaming.sessions) == 1
