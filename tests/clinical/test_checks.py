"""The consistency check: what a note's citations do not back (the omission check: test_omission.py)."""

from __future__ import annotations

from scribe_core.clinical import check_consistency
from scribe_core.documents.templates import builtin_template
from scribe_core.model import Note, Section, Statement
from scribe_core.notes.extractive import ExtractiveNoteWriter

SOAP = builtin_template('soap')


def test_a_complete_offline_note_has_nothing_flagged(visit, sample):
    for transcript in (visit, sample):
        assert check_consistency(transcript, ExtractiveNoteWriter().draft(transcript, SOAP).note) == []


def test_statements_an_llm_got_wrong_are_flagged_with_the_reason(visit):
    note = Note(template="soap", writer="llm:test", sections=[Section("subjective", "Subjective", [
        Statement("Reports chest pain.", ["U5", "U6"]),
        Statement("Takes lisinopril 10 mg daily.", ["U9", "U10"]),
        Statement("Home blood pressure around 150/90.", ["U4"]),
        Statement("Started on metoprolol.", ["U13"]),
        Statement("Denies headaches.", ["U7", "U8"]),
        Statement("Seen by cardiology.", ["U99"]),
        Statement("Patient prefers mornings.", added_by_clinician=True),
    ])])
    flags = {f.statement: f.reasons for f in check_consistency(visit, note)}
    assert set(flags) == {"Reports chest pain.", "Takes lisinopril 10 mg daily.", "Started on metoprolol.",
                          "Denies headaches.", "Seen by cardiology."}
    assert flags["Reports chest pain."] == [
        "the patient answered no about 'chest pain', but the statement does not say so"]
    assert flags["Takes lisinopril 10 mg daily."] == ["the number '10' is not in the cited utterances"]
    assert flags["Started on metoprolol."] == ["the drug 'metoprolol' is not in the cited utterances"]
    assert "the patient answered yes about 'headaches', but the statement negates it" in flags["Denies headaches."]
    assert flags["Seen by cardiology."] == ["cites U99, which the transcript does not have"]


