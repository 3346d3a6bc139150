"""A hedged impression stays hedged: in the offline note, in the checks, and in the after-visit summary."""

from __future__ import annotations

import pytest

from scribe_core.clinical import check_consistency, check_statement, parse_transcript_text
from scribe_core.clinical.certainty import dropped_hedge, hedged
from scribe_core.clinical.register import Pronouns, to_third_person
from scribe_core.documents.summary import summarize
from scribe_core.documents.templates import builtin_template
from scribe_core.model import DOCTOR, Note, Section, Statement
from scribe_core.notes.extractive import ExtractiveNoteWriter

SOAP = builtin_template('soap')

VISIT = """Doctor: What brings you in today?
Patient: I've had a cough for about a week and a half, and a runny nose.
Doctor: Any fevers or chills?
Patient: No.
Doctor: Any shortness of breath?
Patient: No, not really.
Doctor: Okay, your lungs sound clear and your temperature is normal.
Doctor: So I think this is a viral bronchitis. It might be a touch of asthma too, so we need to rule out asthma \
if it keeps going.
Patient: Okay.
Doctor: I want you to rest and drink plenty of fluids, and come back if it isn't better in two weeks."""

HEDGED_SENTENCES = [
    "I think this is a viral bronchitis.",
    "I believe it's an ear infection.",
    "I think it might be a kidney stone.",
    "I suspect you have a sprain.",
    "I think that you have bronchitis.",
    "This is probably a viral infection.",
    "It's likely a sprain.",
    "It could be reflux.",
    "Possibly a pneumonia.",
    "We need to rule out a fracture.",
    "I'm concerned about a blood clot.",
    "I think what you have is a viral bronchitis.",
]


@pytest.mark.parametrize("spoken", HEDGED_SENTENCES)
def test_the_third_person_rewrite_keeps_every_hedge(spoken):
    written = to_third_person(spoken, DOCTOR, Pronouns.for_sex(None))
    assert hedged(written), f"{spoken!r} became {written!r}"
    assert dropped_hedge(written, [spoken]) is None


def test_a_hedged_impression_is_written_as_probable_not_as_certain():
    assert to_third_person("I think this is a viral bronchitis.", DOCTOR, Pronouns.for_sex(None)) == \
        "probably a viral bronchitis."
    assert to_third_person("I think it might be a kidney stone.", DOCTOR, Pronouns.for_sex(None)) == \
        "possibly a kidney stone."
    # A recommendation is not an uncertain finding: "I think we should start" states the plan.
    assert to_third_person("I think we should start albuterol.", DOCTOR, Pronouns.for_sex(None)) == \
        "will start albuterol."


def test_the_offline_note_keeps_the_doctors_hedge():
    t = parse_transcript_text(VISIT)
    note = ExtractiveNoteWriter().draft(t, SOAP).note
    texts = [st.text for st in note.statements()]
    bronchitis = [x for x in texts if "bronchitis" in x]
    assert bronchitis == ["Probably a viral bronchitis."]
    assert all(hedged(x) for x in texts if "asthma" in x)
    assert check_consistency(t, note) == []


def test_the_checker_rejects_a_statement_that_drops_the_hedge_of_its_source():
    t = parse_transcript_text(VISIT)
    reasons = check_statement(t, "This is a viral bronchitis.", ["U8"])
    assert reasons == ["the cited utterance is hedged ('think') but the statement says it as certain"]
    assert check_statement(t, "Viral bronchitis.", ["U8"])
    assert check_statement(t, "Asthma; will rule out.", ["U8"]) == []
    for kept in ("Likely viral bronchitis.", "Possible viral bronchitis.", "Impression: probably a viral bronchitis."):
        assert check_statement(t, kept, ["U8"]) == [], kept
    # Another sentence of the same utterance is not bound by the hedge, nor is an unhedged source.
    assert check_statement(t, "Lungs sound clear; temperature is normal.", ["U7"]) == []


def test_a_hedged_source_sentence_does_not_bind_an_unrelated_statement_of_the_same_utterance():
    spoken = ["So I think this is a viral bronchitis. Your lungs sound clear on exam today."]
    assert dropped_hedge("Lungs sound clear on exam.", spoken) is None
    assert dropped_hedge("Viral bronchitis.", spoken) == "think"
    # The problem named before "I think ..." is the topic, not what the hedge qualifies.
    problem = ["for your first problem of your shortness of breath i think that you are in heart failure"]
    assert dropped_hedge("Shortness of breath.", problem) is None
    assert dropped_hedge("The patient is in heart failure.", problem) == "think"


def test_the_after_visit_summary_never_turns_likely_into_certain():
    hedged_statements = ["Probably a viral bronchitis.", "Likely viral bronchitis.", "Possible viral bronchitis.",
                         "The patient likely has a viral bronchitis.",
                         "The clinician suspects the patient has a sprain.",
                         "She might have a kidney stone.", "Concerned about a blood clot."]
    note = Note(template="soap", sections=[
        Section("assessment", "Assessment", [Statement(s, ["U1"]) for s in hedged_statements]),
        Section("plan", "Plan", [])])
    sentences = summarize(note, SOAP).sentences()
    assert sentences, "the assessment reaches the patient"
    for s in sentences:
        assert hedged(s.text), s.text
        assert "you have" not in s.text.lower() or "likely" in s.text.lower() or "suspects" in s.text.lower()
    assert "You likely have a viral bronchitis." in [s.text for s in sentences]
