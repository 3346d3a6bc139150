"""Clinical facts: polarity from question-answer pairs, third person, problems, and nothing invented."""

from __future__ import annotations

import re

from scribe_core.clinical import extract_facts, parse_transcript_text
from scribe_core.clinical.questions import answer_polarity, topic_of
from scribe_core.clinical.register import FIRST_OR_SECOND_PERSON, Pronouns, third_person_verb, to_third_person
from scribe_core.clinical.support import spoken_numbers, unsupported_claims
from scribe_core.clinical.visit import is_question


def _by_kind(facts, kind):
    return [f for f in facts if f.kind == kind]


def test_a_no_to_a_question_becomes_a_negative_citing_question_and_answer():
    t = parse_transcript_text("Doctor: Any fevers or chills?\nPatient: No.\n"
                              "Doctor: And any cough?\nPatient: Yeah, a bit.")
    facts = extract_facts(t)
    negatives, positives = _by_kind(facts, "negative"), _by_kind(facts, "positive")
    assert [(f.text, f.evidence) for f in negatives] == [("Denies fevers or chills.", ["U1", "U2"])]
    assert [(f.text, f.evidence) for f in positives] == [("Endorses cough.", ["U3", "U4"])]


def test_a_question_transcribed_without_its_question_mark_is_still_a_question():
    # ACI-Bench style: lower case, no question mark; the answer still becomes a pertinent negative, and
    # the question itself never becomes a note statement.
    t = parse_transcript_text("[doctor] okay and have you had any chest pain .\n[patient] no .\n"
                              "[doctor] pain on flexion what about extension when you pick your wrist up\n"
                              "[patient] that hurts a little .")
    facts = extract_facts(t)
    assert [(f.text, f.evidence) for f in _by_kind(facts, "negative")] == [("Denies chest pain.", ["U1", "U2"])]
    assert not [f for f in facts if f.kind == "statement" and "extension" in f.text]
    for spoken in ("any fevers or chills .", "wow okay and what have you been doing for the pain since then",
                   "so do you have any questions for me", "is it worse at night"):
        assert is_question(spoken), spoken
    # Statements that open like questions: the doctor's plan, findings, an assessment in a long turn.
    for spoken in ("what we'll do is order an x-ray of your knee .", "so what i'm seeing here is a fracture .",
                   "any time i walk it hurts", "we have you on norvasc five milligrams a day and that is working",
                   "what is reassuring is that you're not having any cough, you're not having any green or yellow "
                   "sputum, so it seems that you might just be having a cold"):
        assert not is_question(spoken), spoken


def test_a_partial_no_to_a_list_question_denies_only_what_it_names():
    t = parse_transcript_text("Doctor: Any other symptoms, like shortness of breath, chest pain, dizziness?\n"
                              "Patient: No dizziness, but I get headaches sometimes.")
    assert [f.text for f in _by_kind(extract_facts(t), "negative")] == ["Denies dizziness."]


def test_question_topics_and_answer_polarity():
    assert topic_of("Have you at all coughed up any blood at all?") == "coughing up blood"
    assert topic_of("OK, any allergies that you know of?") == "allergies"
    assert topic_of("Any questions for me?") is None
    assert topic_of("How are you doing today?") is None
    assert answer_polarity("Uh, nope, no allergies either.") is False
    assert answer_polarity("Mhm, a little bit, yeah.") is True
    assert answer_polarity("It stayed about the same.") is None


def test_medications_with_dose_and_frequency_from_a_question(visit):
    meds = _by_kind(extract_facts(visit), "medication")
    assert [(f.text, f.evidence) for f in meds] == [("Takes lisinopril 20 mg once daily.", ["U9", "U10"])]


def test_problem_oriented_assessment_and_plan(visit):
    facts = extract_facts(visit)
    problems = _by_kind(facts, "problem")
    assert [(f.text, f.evidence) for f in problems] == [("Hypertension.", ["U13"])]
    plan = [f.text for f in facts if f.section == "assessment_plan" and "lisinopril" in f.text]
    assert plan and "40 mg once daily" in plan[0] and plan[0].startswith("Will increase")
    assert any(f.text == "Will follow up in 4 weeks." for f in facts)
    reason = _by_kind(facts, "reason")
    assert [f.text for f in reason] == ["Follow-up of blood pressure."]


def test_facts_are_in_the_third_person_and_cite_real_utterances(visit):
    facts = extract_facts(visit)
    ids = visit.utterance_ids()
    assert facts
    for f in facts:
        assert not FIRST_OR_SECOND_PERSON.search(f.text), f.text
        assert f.evidence and set(f.evidence) <= ids


def test_third_person_rewrites():
    she = Pronouns.for_sex("female")
    assert (to_third_person("I've had a runny nose for a week.", "Patient", she)
            == "she has had a runny nose for a week.")
    assert (to_third_person("i take lisinopril 10 mg and i'm allergic to penicillin.", "Patient", she)
            == "she takes lisinopril 10 mg and she is allergic to penicillin.")
    assert (to_third_person("i'm going to order a chest x-ray.", "Doctor", she) == "will order a chest x-ray.")
    assert to_third_person("i want you to rest.", "Doctor", she) == "advised the patient to rest."
    assert to_third_person("your lungs are clear.", "Doctor", she) == "her lungs are clear."
    assert [third_person_verb(v) for v in ("have", "go", "carry", "take", "went", "need", "don't")] == [
        "has", "goes", "carries", "takes", "went", "needs", "doesn't"]


def test_the_support_check_finds_every_invented_number_drug_and_negation():
    evidence = ["Increase the lisinopril to forty milligrams once a day.", "Any fevers?", "Yes, last night."]
    assert unsupported_claims("Increase lisinopril to 40 mg once daily.", evidence) == []
    problems = unsupported_claims("Denies fevers. Start metoprolol 25 mg.", evidence)
    assert {(p.kind, p.detail) for p in problems} == {("number", "25"), ("drug", "metoprolol"), ("negation", "Denies")}
    assert spoken_numbers("a week and a half, twenty-five, 8.90") >= {"1.5", "25", "8.9"}


def test_every_fact_passes_the_support_check_on_real_dialogues(sample):
    texts = {u.id: u.text for u in sample.utterances}
    facts = extract_facts(sample)
    assert len(facts) > 10
    for f in facts:
        assert unsupported_claims(f.text, [texts[e] for e in f.evidence]) == [], f.text
        for number in re.findall(r"\d+(?:\.\d+)?", f.text):
            assert number in spoken_numbers(" ".join(texts[e] for e in f.evidence))


def test_a_plan_closed_with_okay_question_is_a_statement_but_a_confirmation_stays_a_question():
    t = parse_transcript_text(
        "Doctor: I'm going to prescribe you some meloxicam 15 milligrams once a day, okay?\n"
        "Patient: Okay.\n"
        "Doctor: You're taking the norvasc, right?\n"
        "Patient: No, I stopped it.")
    texts = [f.text for f in extract_facts(t)]
    assert any("meloxicam 15 mg once daily" in x for x in texts), texts
    assert not any("norvasc" in x.lower() and "taking" in x.lower() and "not" not in x.lower() for x in texts)


def test_a_question_about_a_drug_or_number_answered_yes_is_stated_as_confirmed():
    t = parse_transcript_text(
        "Doctor: Are you taking the lisinopril, I think we have you on twenty milligrams a day?\n"
        "Patient: Yep, every morning.\n"
        "Doctor: You're allergic to augmentin, is that right?\n"
        "Patient: Yes.\n"
        "Doctor: Are you taking the metformin?\n"
        "Patient: No.\n"
        "Doctor: Have they been running in the 200's or 300's?\n"
        "Patient: Yeah.")
    confirmed = [(f.text, f.evidence) for f in _by_kind(extract_facts(t), "confirmed")]
    assert ("The patient is taking the lisinopril, 20 mg a day.", ["U1", "U2"]) in confirmed
    assert ("The patient is allergic to augmentin.", ["U3", "U4"]) in confirmed
    assert not any("metformin" in text or "300" in text for text, _ in confirmed)


def test_a_sentence_naming_a_drug_or_a_measurement_is_kept_whatever_its_salience():
    t = parse_transcript_text("Doctor: What have you tried?\n"
                              "Patient: My sister put me on singulair last winter.\n"
                              "Patient: I have lost about 110 pounds since then.\n"
                              "Patient: My garden has been lovely this whole spring season.")
    texts = [f.text for f in extract_facts(t, min_salience=0.99) if f.kind == "statement"]
    assert any("singulair" in x for x in texts), texts
    assert any("110 pounds" in x for x in texts), texts
    assert not any("garden" in x for x in texts), texts


def test_a_request_to_the_recording_system_run_into_speech_keeps_the_reading_after_it():
    t = parse_transcript_text("[doctor] hey dragon show me the blood pressure yeah so your blood pressure's a little "
                              "elevated today one fifty six over ninety four\n[patient] okay")
    texts = [f.text for f in extract_facts(t)]
    assert any("156/94" in x for x in texts), texts


def test_unpunctuated_statement_run_into_a_question_keeps_its_number_and_the_question_still_pairs():
    t = parse_transcript_text("[doctor] and you had that rotator cuff repaired about eight months ago how are "
                              "you doing\n[patient] it's fine")
    texts = [f.text for f in extract_facts(t)]
    assert any("8 months ago" in x and "rotator cuff" in x for x in texts), texts
    assert not any("how" in x.lower() for x in texts), texts
