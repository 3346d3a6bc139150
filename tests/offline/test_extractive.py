"""The extractive note: quoted sentences in the right sections, each citing its utterance."""

from __future__ import annotations

import pytest

from scribe_core.model import Transcript, Utterance
from scribe_core.notes.extractive import ExtractiveNoteWriter, classify
from scribe_core.notes.templates import APSO, HPI_ONLY, SOAP

TURNS = [
    ("Doctor", "Good morning. What brings you in today?"),
    ("Patient", "Hi. I've had a dry cough and a fever for about four days."),
    ("Doctor", "Okay. Any chest pain or shortness of breath?"),
    ("Patient", "No chest pain. I get short of breath when I climb the stairs."),
    ("Patient", "I take lisinopril 10 mg every morning and I'm allergic to penicillin."),
    ("Doctor", "Your temperature is 38.2 and your oxygen saturation is 95 percent. Your chest sounds clear."),
    ("Doctor", "I think this is most likely a viral chest infection."),
    ("Doctor", "I'll order a chest x-ray and we'll start azithromycin 500 mg once a day. Follow up in one week."),
    ("Patient", "Okay, thank you."),
    ("Doctor", "Great, take care."),
]


@pytest.fixture
def transcript() -> Transcript:
    return Transcript(utterances=[
        Utterance(f"U{i}", role, i * 1000, i * 1000 + 900, text, speaker="A" if role == "Doctor" else "B")
        for i, (role, text) in enumerate(TURNS, start=1)
    ])


def _section(note, key):
    return next(s for s in note.sections if s.key == key)


def test_every_statement_quotes_the_utterance_it_cites(transcript):
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    assert note.extractive and note.writer == "extractive"
    assert note.statements()
    for st in note.statements():
        assert len(st.evidence) == 1 and not st.unsupported
        cited = transcript.by_id(st.evidence[0])
        assert cited is not None and st.text in cited.text


def test_sentences_land_in_their_soap_sections(transcript):
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    texts = {s.key: " ".join(st.text for st in s.statements) for s in note.sections}
    assert "dry cough" in texts["subjective"] and "penicillin" in texts["subjective"]
    assert "oxygen saturation" in texts["objective"]
    assert "viral chest infection" in texts["assessment"]
    assert "azithromycin 500 mg" in texts["plan"] and "Follow up in one week" in texts["plan"]


def test_questions_and_pleasantries_are_skipped(transcript):
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    all_text = " ".join(st.text for st in note.statements())
    assert "?" not in all_text and "thank you" not in all_text.lower() and "take care" not in all_text


def test_each_section_is_capped():
    many = Transcript(utterances=[Utterance(f"U{i}", "Patient", i, i + 1, f"I have had a bad cough for {i} days.")
                                  for i in range(1, 30)])
    note = ExtractiveNoteWriter(max_per_section=5).draft(many, SOAP).note
    assert len(_section(note, "subjective").statements) == 5


@pytest.mark.parametrize("template", [APSO, HPI_ONLY])
def test_other_templates_get_their_own_sections(transcript, template):
    note = ExtractiveNoteWriter().draft(transcript, template).note
    assert [s.key for s in note.sections] == [s.key for s in template.sections]
    assert note.template == template.name and note.statements()
    if template is HPI_ONLY:
        assert "lisinopril" in " ".join(st.text for st in _section(note, "medications").statements)


def test_classification_cues():
    assert classify("I've had a headache since Monday.", "Patient")[0] == "subjective"
    assert classify("Your blood pressure is 150 over 90.", "Doctor")[0] == "objective"
    assert classify("Let's book a follow-up in two weeks.", "Doctor")[0] == "plan"
    assert classify("Okay.", "Doctor") is None
