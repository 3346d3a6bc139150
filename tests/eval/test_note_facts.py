"""The note-quality measures of benchmarks/note_quality.py."""

from __future__ import annotations

from scribe_core.eval.note_facts import (
    KeyFactTally,
    junk_reasons,
    key_facts,
    reference_has_plan,
    speech_recognition_style,
)


def test_key_facts_are_numbers_and_drugs_the_reference_records_and_the_dialogue_said():
    dialogue = "[doctor] take lisinopril forty milligrams and aspirin\n[patient] i'm 52 and weigh 180 pounds"
    reference = ("HPI\n1. Hypertension. He is 52, takes lisinopril 40 mg and metformin. C5-6 disc.\n"
                 "Weight 180 lbs, BMI 31.")
    # 1 (a list marker), 5-6 (a spine level), 31 and metformin were not said; aspirin is not in the reference.
    assert key_facts(reference, dialogue) == {"#52", "#40", "#180", "lisinopril"}


def test_the_tally_counts_stated_then_listed_among_the_lacking():
    tally = KeyFactTally()
    tally.add({"#52", "#40", "#180", "lisinopril"}, draft="52-year-old on lisinopril forty mg",
              listed='Patient: "i weigh 180 pounds".')
    tally.add({"#7"}, draft="nothing", listed="nothing")
    assert (tally.facts, tally.stated, tally.lacking, tally.listed) == (5, 3, 2, 1)
    assert tally.stated_pct == 60 and tally.listed_pct == 50 and tally.stated_or_listed_pct == 80


def test_junk_statements_and_their_reasons():
    assert junk_reasons("Denies chest pain.") == []
    assert junk_reasons("Um, the knee hurts.") == ["filler"]
    assert junk_reasons("Any fevers?") == ["question mark", "under 3 words"]
    assert junk_reasons("I will order an x-ray.") == ["first or second person"]
    assert junk_reasons("Knee pain.") == ["under 3 words"]
    assert junk_reasons(" ".join(["word"] * 56)) == ["over 55 words"]
    assert junk_reasons("The patient says the patient thinks the patient fell.") == [
        "'the patient' 3 or more times"]


def test_a_reference_has_a_plan_when_its_heading_has_text_under_it():
    assert reference_has_plan("HPI\nKnee pain.\n\nASSESSMENT AND PLAN\n\nKnee sprain. Rest.")
    assert reference_has_plan("PLAN\nIbuprofen.")
    assert not reference_has_plan("HPI\nKnee pain, plan to rest.")
    assert not reference_has_plan("HPI\nKnee pain.\nASSESSMENT\n")


def test_speech_recognition_style_drops_punctuation_and_capitals_but_not_numbers():
    text = "[doctor] Hi, Mr. Smith. Your BP is 150/90; A1c 7.2 and 1,000 mg?\n[patient] Yes... don't."
    assert speech_recognition_style(text) == (
        "[doctor] hi mr smith your bp is 150/90 a1c 7.2 and 1000 mg\n[patient] yes don't")
