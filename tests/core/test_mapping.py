"""AssemblyAI JSON → Transcript: roles from speaker identification, else guessed and unconfirmed."""

import json
from pathlib import Path

from scribe_core.engines.assemblyai_mapping import to_transcript

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "assemblyai" / "examples"


def test_captured_transcript_without_identification_gets_guessed_unconfirmed_roles():
    raw = json.loads((EXAMPLES / "transcript_completed_speaker_labels.json").read_text())
    t = to_transcript(raw, ("Doctor", "Patient"))
    assert t.roles_confirmed is False
    assert len(t.utterances) == len(raw["utterances"]) == 20
    first_label = raw["utterances"][0]["speaker"]
    assert t.utterances[0].role == "Doctor" and t.utterances[0].speaker == first_label
    assert {u.role for u in t.utterances} <= {"Doctor", "Patient"}
    assert [u.id for u in t.utterances[:3]] == ["U1", "U2", "U3"]
    assert t.utterances[0].words[0].start_ms == raw["utterances"][0]["words"][0]["start"]
    assert t.duration_s == raw["audio_duration"]


def test_identified_roles_are_confirmed_and_keep_the_original_label():
    raw = {
        "audio_duration": 3, "speech_model_used": "universal-3-pro", "redact_pii": True,
        "speech_understanding": {"response": {"speaker_identification": {
            "mapping": {"A": "Patient", "B": "Doctor"}, "status": "success"}}},
        "utterances": [
            {"speaker": "Patient", "start": 0, "end": 900, "text": "My chest hurts.", "confidence": 0.9,
             "words": [{"text": "My", "start": 0, "end": 200, "confidence": 0.9, "speaker": "Patient"}]},
            {"speaker": "Doctor", "start": 1000, "end": 2000, "text": "Since when?", "confidence": 0.95, "words": []},
        ],
    }
    t = to_transcript(raw, ("Doctor", "Patient"))
    assert t.roles_confirmed is True
    assert [(u.role, u.speaker) for u in t.utterances] == [("Patient", "A"), ("Doctor", "B")]
    assert t.utterances[0].words[0].speaker == "Patient"
    assert t.redacted is True and t.model == "universal-3-pro"


def test_failed_identification_falls_back_to_labels():
    raw = {"speech_understanding": {"response": {"speaker_identification": {"status": "error"}}},
           "utterances": [{"speaker": "B", "start": 0, "end": 10, "text": "Hi"},
                          {"speaker": "A", "start": 10, "end": 20, "text": "Hello"},
                          {"speaker": "C", "start": 20, "end": 30, "text": "I'm her son"}]}
    t = to_transcript(raw, ("Doctor", "Patient"))
    assert t.roles_confirmed is False
    assert [u.role for u in t.utterances] == ["Doctor", "Patient", "Speaker C"]
