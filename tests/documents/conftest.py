"""A consultation and its drafted note, shared by the document tests (invented; no real patient)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scribe_core.documents.model import NoteDocument
from scribe_core.documents.templates import builtin_templates
from scribe_core.model import Note, Section, Statement, Transcript, Utterance

DIALOGUE = [
    ("Doctor", "Hi, what brings you in today?"),
    ("Patient", "I've had chest tightness when I climb stairs for about three weeks."),
    ("Patient", "I take amlodipine 5 mg once a day and atorvastatin 40 mg at night."),
    ("Doctor", "Your blood pressure today is 148 over 92 and your heart rate is 78."),
    ("Doctor", "The ECG shows no acute changes."),
    ("Doctor", "I think this is likely stable angina."),
    ("Doctor", "We'll increase the amlodipine to 10 mg once a day and start aspirin 75 mg daily."),
    ("Doctor", "I'll order a stress echo and we'll see you back in four weeks."),
    ("Doctor", "If you get chest pain at rest or pain lasting more than 15 minutes, call 911."),
]


def make_transcript() -> Transcript:
    return Transcript(utterances=[Utterance(id=f"U{i}", role=role, start_ms=i * 4000, end_ms=i * 4000 + 3500,
                                            text=text) for i, (role, text) in enumerate(DIALOGUE, start=1)],
                      roles_confirmed=True, engine="test")


def make_note() -> Note:
    return Note(template="soap", writer="test", sections=[
        Section("subjective", "Subjective", [
            Statement("Chest tightness on climbing stairs for about three weeks.", ["U2"]),
            Statement("Takes amlodipine 5 mg once a day and atorvastatin 40 mg at night.", ["U3"]),
        ]),
        Section("objective", "Objective", [
            Statement("Blood pressure 148/92, heart rate 78.", ["U4"]),
            Statement("ECG shows no acute changes.", ["U5"]),
        ]),
        Section("assessment", "Assessment", [Statement("Likely stable angina.", ["U6"])]),
        Section("plan", "Plan", [
            Statement("Increase amlodipine to 10 mg once a day; start aspirin 75 mg daily.", ["U7"]),
            Statement("Stress echo ordered; follow-up in four weeks.", ["U8"]),
            Statement("Call 911 for chest pain at rest or pain lasting more than 15 minutes.", ["U9"]),
        ]),
    ])


@pytest.fixture
def transcript() -> Transcript:
    return make_transcript()


@pytest.fixture
def note() -> Note:
    return make_note()


@pytest.fixture
def draft_doc(note: Note) -> NoteDocument:
    return NoteDocument(encounter_id="enc-123", encounter_start=datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
                        template=builtin_templates()["soap"], note=note, author="Dr Ada Lovelace")


@pytest.fixture
def final_doc(note: Note) -> NoteDocument:
    return NoteDocument(encounter_id="enc-123", encounter_start=datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
                        template=builtin_templates()["soap"], note=note, author="Dr Ada Lovelace",
                        status="final", signed_by="Dr Ada Lovelace",
                        signed_at=datetime(2026, 3, 4, 10, 5, tzinfo=UTC), version=2)
