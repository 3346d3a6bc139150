"""Speaker clustering, word labelling and role guessing, on plain data and on timed synthetic audio."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scribe_core.config import Settings
from scribe_core.engines.base import TranscriptionRequest
from scribe_core.engines.offline import OfflineTranscriber
from scribe_core.engines.offline.diarize import DiarizationSettings, cluster, smooth
from scribe_core.engines.offline.pipeline import group_utterances
from scribe_core.engines.offline.roles import assign_roles
from scribe_core.eval.synth import Turn, diarization_scores
from scribe_core.model import Utterance, Word

SYNTH_WAV = Path(__file__).resolve().parents[3] / "shared" / "data" / "synth" / "synth_doctor_patient_30s.wav"

SETTINGS = DiarizationSettings()


def _blobs(rng, sizes, dim=16, spread=0.05):
    centres = np.eye(dim)[: len(sizes)]
    points = [c + rng.normal(0, spread, (n, dim)) for c, n in zip(centres, sizes, strict=True)]
    x = np.concatenate(points)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_two_speakers_are_separated_and_an_outlier_gets_no_cluster_of_its_own():
    rng = np.random.default_rng(0)
    x = _blobs(rng, [60, 40])
    outlier = np.zeros((1, x.shape[1]))
    outlier[0, -1] = 1.0
    labels = cluster(np.concatenate([x, outlier]), 2, SETTINGS)
    assert set(labels[:60]) == {0} and set(labels[60:100]) == {1}


def test_the_number_of_speakers_is_found_when_not_given():
    rng = np.random.default_rng(1)
    assert len(set(cluster(_blobs(rng, [50, 50, 40]), None, SETTINGS))) == 3
    assert len(set(cluster(_blobs(rng, [80], spread=0.05), None, SETTINGS))) == 1


def test_a_short_run_glued_inside_another_speakers_speech_is_smoothed():
    words = [Word(f"w{i}", i * 300, i * 300 + 250) for i in range(7)]
    assert smooth(words, [0, 0, 0, 1, 0, 0, 0], SETTINGS) == [0] * 7


def test_a_short_answer_after_a_pause_is_kept():
    words = [Word("any", 0, 250), Word("pain", 300, 550), Word("No.", 1500, 1700), Word("okay", 2600, 2800),
             Word("so", 2850, 3000)]
    assert smooth(words, [0, 0, 1, 0, 0], SETTINGS) == [0, 0, 1, 0, 0]


def test_the_questioner_is_guessed_to_be_the_doctor():
    utterances = [
        Utterance("U1", "", 0, 1, "Hi, I'm feeling awful, my chest hurts.", speaker="A"),
        Utterance("U2", "", 1, 2, "I'm sorry. How long have you had the pain? Do you have any fever?", speaker="B"),
        Utterance("U3", "", 2, 3, "About two days. I have a cough too.", speaker="A"),
        Utterance("U4", "", 3, 4, "Any shortness of breath?", speaker="B"),
    ]
    assert assign_roles(utterances, ("Doctor", "Patient")) == {"B": "Doctor", "A": "Patient"}


def test_utterances_split_at_speaker_changes_with_sequential_ids():
    words = [Word("a", 0, 100, speaker="A"), Word("b", 150, 200, speaker="A"), Word("c", 300, 400, speaker="B"),
             Word("d", 500, 600, speaker="A")]
    utterances = group_utterances(words)
    assert [(u.id, u.speaker, u.text) for u in utterances] == [("U1", "A", "a b"), ("U2", "B", "c"),
                                                                ("U3", "A", "d")]


@pytest.fixture(scope="module")
def synth_transcript(tmp_path_factory):
    if not SYNTH_WAV.exists():
        pytest.skip("synthetic sample not available")
    data_dir = tmp_path_factory.mktemp("diar-data")
    engine = OfflineTranscriber(Settings(data_dir=data_dir))
    request = TranscriptionRequest(speakers_expected=2, redact_pii=False)
    return engine.wait("local-test", SYNTH_WAV, request)


def test_synthetic_dialogue_words_are_attributed_to_the_right_speaker(synth_transcript, capsys):
    truth = json.loads(SYNTH_WAV.with_suffix(".json").read_text())
    turns = [Turn(t["speaker"], t["text"], t["start"], t["end"]) for t in truth["turns"]]
    scores = diarization_scores(turns, synth_transcript.utterances)
    with capsys.disabled():
        print(f"\nsynth diarization: {scores}")
    assert scores["word_role_acc"] >= 0.85
    assert synth_transcript.utterances[0].role == "Doctor"
