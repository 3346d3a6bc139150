"""Spoken turns into a clinician's register: words that carry meaning survive cleanup ("make sure", "for
now", "doing really well"), frames that carry none go ("I feel like", "I would say"), and the history
questions a doctor asks with a verb ("do you smoke?") or a correction ("loss of taste of, sorry, ...") are
answered in the note."""

from __future__ import annotations

import pytest

from scribe_core.clinical import parse_transcript_file
from scribe_core.clinical.clauses import clauses
from scribe_core.clinical.omission import possibly_missing
from scribe_core.clinical.questions import answer_polarity, topic_of
from scribe_core.clinical.register import Pronouns
from scribe_core.clinical.wording import note_sentences
from scribe_core.documents.templates import builtin_template
from scribe_core.model import DOCTOR, PATIENT
from scribe_core.notes.extractive import ExtractiveNoteWriter

from .conftest import DATA

THEY = Pronouns.for_sex(None)


@pytest.mark.parametrize("said, role, written", [
    ("just make sure that you're getting some rest, you're hydrating well", DOCTOR,
     "Just make sure that the patient is getting some rest, they are hydrating well."),
    ("it seems again like you're doing really well", DOCTOR, "It seems again like the patient is doing really well."),
    ("what is reassuring is that you're not having any other symptoms, like you're not having any cough", DOCTOR,
     "What is reassuring is that the patient is not having any other symptoms, like they are not having any cough."),
    ("no dizziness, i feel like sometimes i have a headache though", PATIENT,
     "No dizziness, sometimes the patient has a headache though."),
    ("i feel like throwing up after meals", PATIENT, "The patient feels like throwing up after meals."),
])
def test_words_that_carry_meaning_survive_and_frames_that_carry_none_go(said, role, written):
    assert note_sentences(said, role, THEY) == [written]


def test_for_now_is_not_cut_off_from_what_it_qualifies():
    long = ("you can get some over the counter medications like tylenol cold for example but for now i would say "
            "we should just wait and watch and see how things go over the next week")
    pieces = [c.text for c in clauses(long, None)]
    assert not any(p.rstrip().endswith(" for") for p in pieces), pieces
    assert note_sentences("you can get tylenol cold but for now i would say we should just wait and watch", DOCTOR,
                          THEY) == ["The patient can get tylenol cold but for now will just wait and watch."]


@pytest.mark.parametrize("question, topic", [
    ("And currently right now, do you smoke cigarettes at all?", "smoking cigarettes"),
    ("Have you smoked in the past?", "smoking in the past"),
    ("do you drink alcohol", "drinking alcohol"),
    ("OK, and any symptoms of a loss of taste of, sorry, loss of sense of taste or smell?",
     "loss of sense of taste or smell"),
    ("Do you take any regular medications?", "regular medications"),
    ("OK and any travel?", "travel"),
])
def test_history_questions_asked_with_a_verb_or_a_correction_have_a_topic(question, topic):
    assert topic_of(question) == topic


def test_a_no_after_a_filler_is_a_no():
    assert answer_polarity("Uhm, no.") is False and answer_polarity("Uh no, I don't even take vitamins.") is False
    assert answer_polarity("Uhm, yeah, a little.") is True


def test_the_samples_note_states_what_the_patient_denied_and_leaves_nothing_missing():
    sample = parse_transcript_file(DATA / "RES0091.txt")
    note = ExtractiveNoteWriter().draft(sample, builtin_template("soap")).note
    text = " ".join(st.text for st in note.statements())
    assert "No regular medications." in [st.text for st in note.statements()]
    for denied in ("travel", "loss of sense of taste or smell", "smoking cigarettes", "contact with anyone"):
        assert denied in text, denied
    assert "make that" not in text and "but for." not in text and "feels like sometimes" not in text
    assert possibly_missing(sample, note) == []
