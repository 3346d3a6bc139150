"""The offline engine transcribes real audio with every socket connect refused."""

from __future__ import annotations

import socket

import pytest

from scribe_core.config import Settings
from scribe_core.engines.base import TranscriptionRequest
from scribe_core.engines.offline import OfflineTranscriber, asr, pipeline, redact


def test_the_guard_refuses_even_loopback(socket_guard):
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", 9)):
        pass
    assert socket_guard.attempts


def test_constructing_the_engine_loads_no_model(model_data_dir, monkeypatch):
    monkeypatch.setattr(asr, "_models", {})
    engine = OfflineTranscriber(Settings(data_dir=model_data_dir))
    assert engine.name == "offline" and engine.sends_audio_off_device is False
    assert asr._models == {}


def test_transcribing_real_audio_touches_no_network(socket_guard, model_data_dir, res0091_excerpt, monkeypatch):
    # Fresh singletons: every model (Whisper, voice encoder, Presidio/spaCy) loads under the guard.
    monkeypatch.setattr(asr, "_models", {})
    monkeypatch.setattr(pipeline, "_encoder", None)
    monkeypatch.setattr(redact, "_analyzer", None)
    engine = OfflineTranscriber(Settings(data_dir=model_data_dir))
    steps: list[tuple[str, float | None]] = []
    request = TranscriptionRequest(speakers_expected=2, keyterms=["salbutamol"])

    job_id = engine.submit(res0091_excerpt, request, lambda s, f: steps.append((s, f)))
    transcript = engine.wait(job_id, res0091_excerpt, request, lambda s, f: steps.append((s, f)))

    assert socket_guard.attempts == []
    assert job_id.startswith("local-")
    assert engine.delete(job_id) is None
    assert transcript.engine == "offline" and transcript.redacted and not transcript.roles_confirmed
    assert [u.id for u in transcript.utterances] == [f"U{i}" for i in range(1, len(transcript.utterances) + 1)]
    assert {u.role for u in transcript.utterances} <= {"Doctor", "Patient"}
    assert {u.speaker for u in transcript.utterances} <= {"A", "B"}
    words = [w for u in transcript.utterances for w in u.words]
    assert len(words) > 60
    assert all(0 <= w.start_ms <= w.end_ms for w in words)
    assert all(w.confidence is not None for w in words)
    seen = {s for s, _ in steps}
    assert {"transcribing", "diarizing", "redacting"} <= seen


def test_redacting_an_email_never_fetches_the_public_suffix_list(socket_guard, monkeypatch, tmp_path):
    # Presidio's email recogniser calls tldextract, whose first use downloads the suffix list
    # unless told not to; a fresh extractor with an empty cache makes that first use happen here.
    import tldextract.tldextract as tld

    monkeypatch.setattr(tld, "TLD_EXTRACTOR", tld.TLDExtract(cache_dir=str(tmp_path)))
    monkeypatch.setattr(redact, "_analyzer", None)
    findings = redact.find_pii("You can write to me at maria.gonzalez@example.com any time.")
    assert [f.tag for f in findings] == ["EMAIL_ADDRESS"]
    assert socket_guard.attempts == []
