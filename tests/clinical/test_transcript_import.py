"""Transcripts from files: three formats, and a clear error naming the line for anything else."""

from __future__ import annotations

import json

import pytest

from scribe_core.clinical import TranscriptFormatError, parse_transcript_file, parse_transcript_text
from tests.clinical.conftest import DATA


def test_plain_doctor_patient_lines_with_wrapped_turns_and_fareez_quirks():
    t = parse_transcript_text("Doctor: Good morning.\r\nPatient: Hi, I have a cough\nthat will not go away.\n\n"
                              "D; Any fever?\nP: No.\n")
    assert [(u.id, u.role, u.text) for u in t.utterances] == [
        ("U1", "Doctor", "Good morning."), ("U2", "Patient", "Hi, I have a cough that will not go away."),
        ("U3", "Doctor", "Any fever?"), ("U4", "Patient", "No.")]
    assert t.roles_confirmed and t.engine == "import"


def test_aci_bench_lines_keep_other_speakers():
    t = parse_transcript_text("[doctor] hi , how are you ?\n[patient] fine .\n[patient_guest] she is not fine .")
    assert [u.role for u in t.utterances] == ["Doctor", "Patient", "Patient Guest"]


def test_assemblyai_json_maps_the_first_speaker_to_the_doctor():
    data = {"language_code": "en", "utterances": [
        {"speaker": "A", "text": "What brings you in?", "start": 0, "end": 900, "confidence": 0.9},
        {"speaker": "B", "text": "A cough.", "start": 1000, "end": 1500, "confidence": 0.8}]}
    t = parse_transcript_text(json.dumps(data))
    assert [(u.role, u.speaker, u.start_ms) for u in t.utterances] == [("Doctor", "A", 0), ("Patient", "B", 1000)]
    assert not t.roles_confirmed  # guessed from speaking order: the clinician confirms


def test_a_file_path_and_the_bundled_sample():
    t = parse_transcript_file(DATA / "RES0091.txt")
    assert len(t.utterances) == 79 and t.utterances[0].role == "Doctor"


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("Doctor: Hello.\n", None),
    ("Hello there.\nDoctor: Hi.", "Line 1: no speaker"),
    ("\n\nhi , susan\n[patient] hello", "Line 3: no speaker"),
    ('{"utterances": [', "Line 1: not valid JSON"),
    ('{"text": "no utterances"}', "no 'utterances' list"),
    ('{"utterances": [{"speaker": "A"}]}', "utterances[0] has no 'text'"),
    ("Doctor:\nPatient:   \n", "no words"),
])
def test_malformed_transcripts_name_the_problem(text, message):
    if message is None:
        assert parse_transcript_text(text).utterances
        return
    with pytest.raises(TranscriptFormatError, match=message.replace("[", r"\[")):
        parse_transcript_text(text)


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(TranscriptFormatError, match="No such transcript file"):
        parse_transcript_file(tmp_path / "nope.txt")
    binary = tmp_path / "audio.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(TranscriptFormatError, match="not UTF-8"):
        parse_transcript_file(binary)
