"""One contract, every engine and note writer: what the pipeline and the pages rely on.

Runs the same checks over the AssemblyAI engine (against the fake server over HTTP), the offline
engine (on a real recording) and the fake engine the page tests use, then over the LLM writer (fake
Gateway), the extractive writer and the page tests' fake writer.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from scribe_core.clinical import check_consistency
from scribe_core.config import Secret, Settings
from scribe_core.documents.templates import builtin_templates
from scribe_core.engines.base import TranscriptionRequest
from scribe_core.model import Transcript
from tests.conftest import TEST_KEY
from tests.fakes.assemblyai import FakeAssemblyAI

TEMPLATES = builtin_templates()

SHARED = Path(__file__).resolve().parents[3] / "shared"
CONSULTATION = SHARED / "data" / "fareez-osce" / "audio" / "RES0091.mp3"
EXCERPT_S = 45


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory) -> Path:
    """The first 45 s of a real consultation, as 16 kHz mono WAV."""
    path = tmp_path_factory.mktemp("contract") / "excerpt.wav"
    with av.open(str(CONSULTATION)) as src:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=16_000)
        chunks = [f.to_ndarray() for frame in src.decode(audio=0) for f in resampler.resample(frame)]
    pcm = np.concatenate(chunks, axis=1)[:, : 16_000 * EXCERPT_S]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=16_000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm), format="s16", layout="mono")
        frame.rate = 16_000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def fake_server():
    with FakeAssemblyAI(api_key="contract-key", polls_before_complete=1) as fake:
        yield fake


def _assemblyai(fake, data_dir):
    from scribe_core.engines.assemblyai import AssemblyAITranscriber

    settings = Settings(assemblyai_api_key=Secret("contract-key"), assemblyai_base_url=fake.base_url,
                        llm_gateway_base_url=fake.gateway_url, data_dir=data_dir, poll_interval_s=0.01,
                        encryption_key=Secret(TEST_KEY))
    return AssemblyAITranscriber(settings, sleep=lambda s: None)


def _offline(fake, data_dir):
    from scribe_core.engines.offline.engine import OfflineTranscriber

    return OfflineTranscriber(Settings(data_dir=data_dir, encryption_key=Secret(TEST_KEY)))


def _ui_fake(fake, data_dir):
    from tests.ui.fakes import FakeTranscriber

    return FakeTranscriber()


# The fakes the page tests use must keep the same promises as the real engines, or those tests lie.
ENGINES = {"assemblyai-fake-server": _assemblyai, "offline-real-audio": _offline, "ui-fake": _ui_fake}


@pytest.fixture(scope="module", params=sorted(ENGINES))
def transcribed(request, fake_server, excerpt, tmp_path_factory):
    engine = ENGINES[request.param](fake_server, tmp_path_factory.mktemp("engine-data"))
    steps: list[tuple[str, float | None]] = []
    req = TranscriptionRequest(keyterms=["salbutamol"])
    job_id = engine.submit(excerpt, req, lambda step, fraction=None: steps.append((step, fraction)))
    transcript = engine.wait(job_id, excerpt, req, lambda step, fraction=None: steps.append((step, fraction)))
    return engine, job_id, transcript, steps


def test_submit_returns_a_job_id_and_progress_is_reported(transcribed):
    engine, job_id, _, steps = transcribed
    assert isinstance(job_id, str) and job_id
    assert steps and all(isinstance(s, str) and (f is None or 0 <= f <= 1) for s, f in steps)
    assert isinstance(engine.sends_audio_off_device, bool) and engine.name


def test_transcript_has_ordered_role_labelled_utterances_with_words(transcribed):
    _, _, transcript, _ = transcribed
    assert isinstance(transcript, Transcript) and len(transcript.utterances) >= 2
    assert [u.id for u in transcript.utterances] == [f"U{i}" for i in range(1, len(transcript.utterances) + 1)]
    assert {u.role for u in transcript.utterances} <= {"Doctor", "Patient"}
    assert len({u.role for u in transcript.utterances}) == 2  # a consultation has both voices
    starts = [u.start_ms for u in transcript.utterances]
    assert starts == sorted(starts)
    for u in transcript.utterances:
        assert u.text.strip() and 0 <= u.start_ms <= u.end_ms
        assert u.words and all(u.start_ms - 1 <= w.start_ms <= w.end_ms <= u.end_ms + 1 for w in u.words)
    assert isinstance(transcript.roles_confirmed, bool)


def test_transcript_survives_the_store_round_trip(transcribed):
    _, _, transcript, _ = transcribed
    assert Transcript.from_dict(transcript.to_dict()) == transcript


def test_delete_answers_with_a_deletion_record_or_nothing(transcribed):
    engine, job_id, _, _ = transcribed
    deletion = engine.delete(job_id)
    if engine.sends_audio_off_device:
        assert deletion is not None and deletion.confirmed and deletion.remote_id == job_id
    else:
        assert deletion is None


def _llm_writer(fake):
    from scribe_core.notes.llm import ChatCompletionsNoteWriter

    return ChatCompletionsNoteWriter(base_url=fake.gateway_url, model="contract-model", api_key="contract-key")


def _extractive_writer(fake):
    from scribe_core.notes.extractive import ExtractiveNoteWriter

    return ExtractiveNoteWriter()


def _ui_fake_writer(fake):
    from tests.ui.fakes import FakeNoteWriter

    return FakeNoteWriter()


WRITERS = {"llm-fake-gateway": _llm_writer, "extractive": _extractive_writer, "ui-fake": _ui_fake_writer}


@pytest.mark.parametrize("writer_name", sorted(WRITERS))
@pytest.mark.parametrize("template_name", sorted(TEMPLATES))
def test_every_writer_fills_the_template_and_cites_only_real_utterances(
    writer_name, template_name, transcribed, fake_server
):
    _, _, transcript, _ = transcribed
    writer = WRITERS[writer_name](fake_server)
    template = TEMPLATES[template_name]
    result = writer.draft(transcript, template, context="respiratory visit")
    note = result.note
    assert note.template == template.name and [s.key for s in note.sections] == [s.key for s in template.sections]
    statements = note.statements()
    assert statements
    valid = transcript.utterance_ids()
    assert all(set(s.evidence) <= valid for s in statements)
    assert all(s.unsupported == (not s.evidence) for s in statements)
    assert writer.sends_text_off_device == bool(result.remote_request_ids)
    if note.extractive:
        # Drafted without a language model: every number, drug name, negation and hedge of a statement is
        # in the utterances it cites (the core's own consistency check).
        assert check_consistency(transcript, note) == []
