"""History slots: age and sex, allergies, tobacco/alcohol/drugs with amount, and the present illness."""

from __future__ import annotations

from scribe_core.clinical.facts import extract_facts
from scribe_core.clinical.slots import visit_slots
from scribe_core.clinical.support import unsupported_claims
from scribe_core.clinical.transcript_import import parse_transcript_text

VISIT = """Doctor: She's a 41-year-old female, and what brings you in today?
Patient: My knee has been hurting for about three weeks and it's getting worse.
Doctor: Any allergies to medicines?
Patient: I'm allergic to penicillin.
Doctor: Do you smoke or drink?
Patient: I smoke about half a pack a day.
Patient: And I don't really drink anymore.
Patient: I've never used any drugs either."""


def test_history_slots_cite_their_utterance_and_keep_the_words_said():
    t = parse_transcript_text(VISIT)
    slots = visit_slots(t)
    assert [(x.text, x.evidence) for x in slots.demographics] == [("The patient is a 41-year-old female.", ("U1",))]
    assert [(x.text, x.evidence) for x in slots.allergies] == [("Allergic to penicillin.", ("U4",))]
    social = {x.text.split(":")[0]: x for x in slots.social_history}
    assert social["Tobacco"].text == "Tobacco: smokes about half a pack a day."
    assert social["Tobacco"].evidence == ("U6",)
    # The negation said before the habit is part of it: never "drinks anymore".
    assert "n't" in social["Alcohol"].text or "not" in social["Alcohol"].text, social["Alcohol"].text
    assert "never" in social["Drugs"].text
    assert any(x.text.startswith("Duration: for about 3 weeks") for x in slots.present_illness)
    assert any(x.text.startswith("Course:") and "worse" in x.text for x in slots.present_illness)
    # The fields other callers read are still there.
    assert slots.medications == [] and slots.follow_up == [] and slots.vitals == [] and slots.results == []
    texts = {u.id: u.text for u in t.utterances}
    for item in slots.demographics + slots.allergies + slots.social_history + slots.present_illness:
        assert not unsupported_claims(item.text, [texts[e] for e in item.evidence]), item.text


def test_the_age_asked_in_a_question_is_stated_in_the_history():
    facts = extract_facts(parse_transcript_text(VISIT))
    assert [(f.section, f.evidence) for f in facts if "41-year-old" in f.text] == [("hpi", ["U1"])]
