"""Long unpunctuated turns are split into clauses (nothing dropped, dictated headings become structure);
spoken numbers are written as a clinician writes them, and only where the words are unambiguous."""

from __future__ import annotations

import re

import pytest

from scribe_core.clinical.clauses import clauses, split_clauses
from scribe_core.clinical.facts import extract_facts
from scribe_core.clinical.numbers import normalise_numbers
from scribe_core.clinical.support import unsupported_claims
from scribe_core.clinical.transcript_import import parse_transcript_text
from scribe_core.documents.templates import builtin_template
from scribe_core.notes.extractive import ExtractiveNoteWriter

ACI = builtin_template('aci')

# One turn as raw speech recognition gives it: exam, results and plan, no punctuation, no capitals.
LONG_TURN = (
    "okay so let's take a look at you now your blood pressure today is one twenty seven over sixty and your heart "
    "rate is seventy two on your heart exam i do hear a three out of six systolic ejection murmur and your lungs "
    "are clear and you have no swelling in your legs now your echo showed an ejection fraction of fifty percent "
    "and your a one c was seven point two so for your first problem your high blood pressure i want you to "
    "continue the lisinopril forty milligrams once a day and the metoprolol fifty milligrams twice a day and "
    "we're going to add hydrochlorothiazide twenty five milligrams daily next line heading assessment and plan "
    "i'll see you back in three months")
VISIT = f"""[doctor] hi how are you doing today
[patient] i'm doing okay i guess
[doctor] so what brings you in today
[patient] i've been having some shortness of breath when i walk up the stairs for about two weeks
[doctor] any chest pain
[patient] no
[doctor] {LONG_TURN}
[patient] okay sounds good
"""


def test_a_long_turn_is_cut_at_discourse_and_structure_cues_and_no_word_is_lost():
    pieces = split_clauses(LONG_TURN.split(" next line")[0])
    assert len(pieces) >= 6
    assert " ".join(pieces).split() == LONG_TURN.split(" next line")[0].split()
    assert any(p.startswith("on your heart exam") for p in pieces)
    assert any(p.startswith("now your echo showed") for p in pieces)
    assert any(p.startswith("so for your first problem") for p in pieces)


def test_a_dictated_heading_is_structure_not_text():
    found = clauses(LONG_TURN)
    assert all("next line" not in c.text and "heading" not in c.text for c in found)
    assert found[-1].text == "i'll see you back in three months" and found[-1].heading == "assessment_plan"
    assert found[0].heading is None


def test_a_short_sentence_is_left_as_the_speaker_said_it():
    assert split_clauses("so now your blood pressure is fine") == ["so now your blood pressure is fine"]


@pytest.mark.parametrize("spoken, written", [
    ("blood pressure is one twenty seven over sixty", "blood pressure is 127/60"),
    ("it was one hundred and forty over ninety", "it was 140/90"),
    ("your a one c was seven point two", "your A1c was 7.2"),
    ("hemoglobin a1c of 6.5", "hemoglobin A1c of 6.5"),
    ("creatinine went up point three", "creatinine went up 0.3"),
    ("a three out of six murmur", "a 3/6 murmur"),
    ("pain is six out of ten", "pain is 6/10"),
    ("hydrochlorothiazide twenty five milligrams", "hydrochlorothiazide 25 milligrams"),
])
def test_spoken_numbers_are_written_as_a_clinician_writes_them(spoken, written):
    assert normalise_numbers(spoken) == written


@pytest.mark.parametrize("ambiguous", [
    "come back at one twenty",  # a time, not a reading
    "four over five days",  # not a blood pressure
    "i walk one or two miles",
    "one of the problems",
    "ten out of three people",  # more than the whole: not a score
])
def test_ambiguous_number_words_are_left_as_said(ambiguous):
    assert normalise_numbers(ambiguous) == ambiguous


def test_the_support_check_matches_normalised_numbers_against_the_same_normalisation():
    said = ["your blood pressure today is one twenty seven over sixty"]
    assert unsupported_claims("BP 127/60.", said) == []
    assert [p.detail for p in unsupported_claims("BP 128/60.", said)] == ["128"]


def test_a_long_unpunctuated_turn_keeps_its_exam_results_and_plan_in_the_note():
    note = ExtractiveNoteWriter().draft(parse_transcript_text(VISIT), ACI).note
    by_key = {s.key: " ".join(st.text for st in s.statements) for s in note.sections}
    text = " ".join(by_key.values())
    for fact in ("127/60", "3/6", "50%", "A1c", "7.2", "lisinopril 40 mg", "metoprolol 50 mg",
                 "hydrochlorothiazide 25 mg", "3 months"):
        assert fact.lower() in text.lower(), fact
    assert by_key["assessment_plan"], "the plan must not be empty"
    assert "hydrochlorothiazide" in by_key["assessment_plan"].lower()
    assert "next line" not in text.lower() and "heading" not in text.lower()


def test_noise_never_reaches_the_note():
    note = ExtractiveNoteWriter().draft(parse_transcript_text(VISIT), ACI).note
    assert "1. Hypertension." in [st.text for st in note.statements()]  # a numbered problem heading
    for st in note.statements():
        assert not re.search(r"\b(i|you|your|my|we)\b", st.text, re.IGNORECASE), st.text
        assert "?" not in st.text, st.text
        assert st.text.lower().count("the patient") < 3, st.text
        assert "how are you" not in st.text.lower()
    spoken = [f for f in extract_facts(parse_transcript_text(VISIT)) if f.kind == "statement"]
    assert spoken and all(len(f.text.split()) >= 3 for f in spoken)


def test_every_statement_of_the_long_turn_cites_it_and_passes_the_support_check():
    t = parse_transcript_text(VISIT)
    texts = {u.id: u.text for u in t.utterances}
    for f in extract_facts(t):
        assert f.evidence and not unsupported_claims(f.text, [texts[e] for e in f.evidence])


def test_a_reading_after_a_vital_sign_is_written_in_digits_but_not_a_lone_one():
    assert normalise_numbers("her heart rate is eighty eight") == "her heart rate is 88"
    assert normalise_numbers("respiratory rate of sixteen") == "respiratory rate of 16"
    assert normalise_numbers("the pulse is one of the things we check") == "the pulse is one of the things we check"
