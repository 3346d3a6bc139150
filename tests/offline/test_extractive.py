"""The offline ("extractive") writer: clinical facts in the right sections, each citing its utterances."""

from __future__ import annotations

import pytest

from scribe_core.clinical.register import FIRST_OR_SECOND_PERSON
from scribe_core.documents.templates import builtin_template
from scribe_core.model import Transcript, Utterance
from scribe_core.notes.extractive import ExtractiveNoteWriter

APSO = builtin_template('apso')
HPI_ONLY = builtin_template('hpi')
SOAP = builtin_template('soap')

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


def test_every_statement_cites_utterances_and_keeps_their_numbers(transcript):
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    assert note.extractive and note.writer == "extractive"
    assert note.statements()
    for st in note.statements():
        assert st.evidence and not st.unsupported
        assert not FIRST_OR_SECOND_PERSON.search(st.text), st.text
    text = " ".join(st.text for st in note.statements())
    assert "38.2" in text and "500 mg" in text and "10 mg" in text and "38." not in text.replace("38.2", "")


def test_facts_land_in_their_soap_sections(transcript):
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    texts = {s.key: " ".join(st.text for st in s.statements) for s in note.sections}
    assert "dry cough" in texts["subjective"] and "penicillin" in texts["subjective"]
    assert "Denies chest pain" in texts["subjective"]  # "No chest pain." to the doctor's question
    assert "SpO2 95%" in texts["objective"] and "38.2" in texts["objective"]  # read out: written as a clinician does
    assert "viral chest infection" in texts["assessment"]
    assert "azithromycin 500 mg" in texts["plan"]


def test_questions_and_pleasantries_are_skipped(transcript):
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    all_text = " ".join(st.text for st in note.statements())
    assert "?" not in all_text and "thank you" not in all_text.lower() and "take care" not in all_text


@pytest.mark.parametrize("template", [APSO, HPI_ONLY])
def test_other_templates_get_their_own_sections(transcript, template):
    note = ExtractiveNoteWriter().draft(transcript, template).note
    assert [s.key for s in note.sections] == [s.key for s in template.sections]
    assert note.template == template.name and note.statements()
    if template is HPI_ONLY:
        assert "lisinopril" in " ".join(st.text for st in _section(note, "medications").statements)
