"""Clinical slots (vital signs, medications with dose and status, follow-up) from a made-up visit, each
citing its utterance; clauses rewritten without noise; dictation freed of its wake words."""

from __future__ import annotations

from scribe_core.clinical.facts import extract_facts
from scribe_core.clinical.register import Pronouns
from scribe_core.clinical.slots import visit_slots
from scribe_core.clinical.support import unsupported_claims
from scribe_core.clinical.transcript_import import parse_transcript_text
from scribe_core.clinical.wording import note_sentences
from scribe_core.documents.templates import builtin_template
from scribe_core.notes.extractive import ExtractiveNoteWriter

ACI = builtin_template('aci')

VISIT = parse_transcript_text("""[doctor] hey dragon ms. lee is a 64 year old female here for follow up of her \
blood pressure
[doctor] are you taking your medicines
[patient] i haven't taken my amlodipine five milligrams for a while i ran out
[patient] but i take the metformin five hundred milligrams twice a day
[doctor] okay so let me take a look your blood pressure is one fifty two over ninety four and your heart rate is \
eighty eight and your oxygen is ninety eight percent your weight today is one hundred and eighty pounds on your heart \
exam i hear a two out of six murmur your a one c was seven point two and your creatinine was point nine \
so for your blood pressure i want to increase the lisinopril to forty milligrams \
once a day and restart the amlodipine five milligrams daily we'll stop the ibuprofen and i'll see you back in six weeks
[patient] okay thank you
""")


def test_slots_hold_vitals_medications_with_dose_and_status_and_the_follow_up():
    slots = visit_slots(VISIT)
    assert [v.text for v in slots.vitals] == ["BP 152/94.", "HR 88.", "SpO2 98%.", "Weight 180 pounds."]
    meds = {(m.name, m.dose, m.status) for m in slots.medications}
    assert ("amlodipine", "5 mg", "not taking") in meds
    assert ("metformin", "500 mg", "taking") in meds
    assert ("lisinopril", "40 mg", "changed") in meds
    assert ("amlodipine", "5 mg", "new") in meds  # restarted in the plan
    assert ("ibuprofen", "", "stopped") in meds
    assert [f.text for f in slots.follow_up] == ["Follow up in 6 weeks."]
    assert [r.text for r in slots.results] == ["A1c 7.2.", "Creatinine 0.9."]
    ids = {u.id for u in VISIT.utterances}
    assert all(set(x.evidence) <= ids for x in [*slots.vitals, *slots.medications, *slots.follow_up])


def test_a_dose_change_reads_as_a_clinician_writes_it_and_a_switch_gives_no_drug_the_others_dose():
    slots = visit_slots(parse_transcript_text(
        "[doctor] we'll follow up on that . i'm going to increase your lisinopril to forty milligrams once a day\n"
        "[doctor] and let's cut back the metoprolol to 25 milligrams twice daily\n"
        "[doctor] and i'd like to switch you from norvasc to losartan 50 milligrams daily\n"))
    lines = [m.text for m in slots.medications]
    assert lines == ["Lisinopril increased to 40 mg once daily.", "Metoprolol decreased to 25 mg twice daily.",
                     "Stop norvasc.", "Start losartan 50 mg daily."]
    from scribe_core.clinical.medication_list import _dose_in

    assert _dose_in("norvasc", ["switch you from norvasc to losartan 50 mg daily"]) is None


def test_a_medicine_the_doctor_tells_the_patient_to_take_is_prescribed_not_already_taken():
    visit = parse_transcript_text(
        "[doctor] hello , what brings you in today ?\n[patient] a sore throat and a fever for four days .\n"
        "[doctor] take amoxicillin 500 mg three times a day for ten days .\n"
        "[doctor] and you take lisinopril 20 mg every day , right ?\n[patient] yes .\n")
    meds = {(m.name, m.dose, m.status) for m in visit_slots(visit).medications}
    assert ("amoxicillin", "500 mg", "new") in meds
    note = ExtractiveNoteWriter().draft(visit, builtin_template("soap")).note
    assert not any("takes amoxicillin" in st.text.lower() for st in note.statements())


def test_the_note_states_what_the_long_turn_said_each_line_backed_by_what_it_cites():
    note = ExtractiveNoteWriter().draft(VISIT, ACI).note
    by_key = {s.key: [st.text for st in s.statements] for s in note.sections}
    assert "BP 152/94." in by_key["exam"] or any("152/94" in t for t in by_key["exam"])
    plan = " ".join(by_key["assessment_plan"])
    assert "lisinopril" in plan and "40 mg" in plan and "6 weeks" in plan and "ibuprofen" in plan.lower()
    assert any("not taking amlodipine" in t.lower() or "amlodipine" in t and "n't" in t for t in by_key["hpi"])
    texts = {u.id: u.text for u in VISIT.utterances}
    for f in extract_facts(VISIT):
        assert not unsupported_claims(f.text, [texts[e] for e in f.evidence]), f.text


def test_dictated_introduction_is_kept_without_its_wake_words():
    text = " ".join(st.text for st in ExtractiveNoteWriter().draft(VISIT, ACI).note.statements())
    assert "64 year old female" in text and "dragon" not in text.lower()


def test_clause_wording_drops_tags_and_fragments_and_cuts_pronoun_soup():
    p = Pronouns.for_sex(None)
    assert note_sentences("i will repeat a hemoglobin a1c in about six months okay", "Doctor", p) == [
        "Will repeat a hemoglobin A1c in about 6 months."]
    assert note_sentences("she is doing okay except for her knee", "Doctor", p) == [
        "She is doing okay except for her knee."]
    assert note_sentences("i'll take a look", "Doctor", p) == []
    assert note_sentences("you do have pain you were positive for pain when you pronate that forearm", "Doctor",
                          p) == ["The patient does have pain.",
                                 "The patient was positive for pain when they pronate that forearm."]
    assert note_sentences("your heart on your heart exam sounds regular", "Doctor", p) == [
        "The patient's heart on their heart exam sounds regular."]
    assert note_sentences("you did have your appendix taken out when you were 18", "Doctor", p) == [
        "The patient did have their appendix taken out when they were 18."]


def test_a_pain_score_asked_inside_a_long_turn_is_stated_with_both_utterances_cited():
    from scribe_core.clinical.facts import pain_score

    asked = ("alright so now let's talk a little bit about your pain and how bad is that pain on a scale from zero "
             "to ten ten being the worst pain you've ever felt")
    assert pain_score(asked, "i would say probably a six") == "Rates the pain 6/10."
    assert pain_score(asked, "a six, sometimes a nine, at night a ten") is None  # not one score
    assert pain_score("how many days a week do you run", "about six") is None
    visit = parse_transcript_text(f"[doctor] {asked}\n[patient] i would say probably a six\n")
    facts = [f for f in extract_facts(visit) if f.text == "Rates the pain 6/10."]
    assert facts and facts[0].evidence == [u.id for u in visit.utterances]


def test_a_dictated_run_on_is_cut_before_sentence_openings_and_keeps_every_negation():
    p = Pronouns.for_sex("female")
    dictated = ("she is alert and oriented to time place and person and her speech is fluent and her affect is "
                "appropriate cranial nerve examination is grossly intact no focal motor or sensory deficit in the "
                "upper or lower extremities her gait is normal and steady without any assistive device today")
    out = note_sentences(dictated, "Doctor", p)
    assert len(out) >= 2 and all(len(s.split()) <= 40 for s in out)
    assert "speech is fluent" in " ".join(out)  # a short piece stays with its neighbour, never dropped
    said = set(dictated.split()) - {"she", "and"}
    assert said <= set(" ".join(out).lower().replace(".", "").split())
    assert " ".join(out).lower().count("no ") == dictated.lower().count("no ")


def test_a_sentence_that_only_reads_out_a_vital_sign_is_written_as_the_sign_and_one_that_judges_it_is_kept():
    read_out = parse_transcript_text("[doctor] on physical examination , your blood pressure today is 152 over 94 .\n"
                                     "[doctor] your heart rate is a little fast today at 110 .\n")
    facts = extract_facts(read_out)
    assert ("vital", "exam", "BP 152/94.", ["U1"]) in [(f.kind, f.section, f.text, f.evidence) for f in facts]
    assert not any(f.kind == "statement" and "152/94" in f.text for f in facts)
    # "a little fast" is the doctor's judgement of the reading: the sentence stays as said.
    assert any(f.kind == "statement" and "a little fast" in f.text and "110" in f.text for f in facts)


def test_two_vital_signs_read_out_together_are_both_written_and_a_digit_inside_a_name_is_no_number():
    from scribe_core.clinical.support import spoken_numbers

    both = parse_transcript_text("[doctor] your temperature is 38.2 and your oxygen saturation is 95 percent .\n")
    assert [f.text for f in extract_facts(both) if f.kind == "vital"] == ["Temperature 38.2.", "SpO2 95%."]
    assert spoken_numbers("SpO2 95%. A1c 7.2. B12 300.") == {"95", "7.2", "300"}


def test_a_name_holding_a_digit_stays_one_word_in_the_note():
    assert note_sentences("your spo2 was ninety eight percent and your a1c was 7.2 today", "Doctor",
                          Pronouns.for_sex(None)) == ["The patient's spo2 was 98% and their A1c was 7.2 today."]
