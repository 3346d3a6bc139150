"""The after-visit summary and the referral letter on real transcripts: the bundled sample (Fareez RES0091)
and ACI-Bench train dialogues. Medicines with their doses as said, the follow-up, warning signs only when
said, a referral reason that is the referral and its problem (never small talk), every line a whole
sentence, and a signature that is a clinician's name or says it is an unsigned draft."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from scribe_core.clinical import parse_transcript_file, parse_transcript_text
from scribe_core.clinical.advice import instructions, referral_to, referrals, return_visits, warning_signs
from scribe_core.clinical.support import spoken_numbers
from scribe_core.documents.model import UNSIGNED, NoteDocument
from scribe_core.documents.referral import draft_referral
from scribe_core.documents.sentence_check import failing_lines, sentence_problem
from scribe_core.documents.summary import MEDICINES, NOTHING_SAID, RETURN, TODO, WARNING, summarize
from scribe_core.documents.templates import builtin_template
from scribe_core.model import Transcript
from scribe_core.notes.extractive import ExtractiveNoteWriter
from tests.clinical.conftest import ACI_DIR, DATA

TRAIN = ACI_DIR / "challenge_data" / "train.csv"
needs_aci = pytest.mark.skipif(not TRAIN.exists(), reason="ACI-Bench is in ../shared/data (read-only shared data)")
# Lines the summary once carried: fragments, the clinician's "I", small talk as a reason for referral.
DEFECTS = ("We want.", "Your clinician doesn't think it does anything.", "Most likely it's nothing to be worried about")


def train_dialogue(encounter_id: str) -> Transcript:
    with open(TRAIN, newline="") as f:
        [row] = [r for r in csv.DictReader(f) if r["encounter_id"] == encounter_id]
    return parse_transcript_text(row["dialogue"])


def documents(transcript: Transcript, specialty: str = "Physical therapy", clinician: str = ""):
    template = builtin_template("soap")
    note = ExtractiveNoteWriter().draft(transcript, template).note
    doc = NoteDocument("enc-1", datetime(2026, 3, 4, tzinfo=UTC), template, note, author="cli:root")
    summary = summarize(note, template, transcript, clinician=clinician)
    letter = draft_referral(doc, specialty, transcript=transcript, clinician=clinician)
    return summary, letter


def part(summary, heading: str) -> list[str]:
    [found] = [p for p in summary.parts if p.heading == heading]
    return [s.text for s in found.sentences]


def assert_patient_readable(summary) -> None:
    """Every line a whole sentence, every line traced, no number the visit did not say."""
    text = summary.text()
    assert failing_lines(text) == []
    for defect in DEFECTS:
        assert defect not in text
    for sentence in summary.sentences():
        assert sentence.sources or sentence.evidence, sentence.text


@pytest.mark.parametrize("fragment", [
    "We want.",
    "Your clinician doesn't think it does anything.",
    "Do you smoke?",
    "I think it's a cold.",
    "You can get some over the counter medications like Tylenol cold for example, but for.",
    "Your clinician would say will just wait and watch.",
    "Until you get their test, your clinician would recommend staying isolated.",
    "Just to make sure that you don't have any disc herniation.",
    "Might be a little difficult with the diuretic, but do your best.",
    "We'll give you about, 30, 30, medications for that.",
    "At the level of l 5.",
    "Or, we'm sorry, a couple months.",
])
def test_a_fragment_a_question_or_the_clinicians_i_is_not_a_patient_sentence(fragment):
    assert sentence_problem(fragment) is not None


@pytest.mark.parametrize("sentence", [
    "You have a cold.",
    "Take ibuprofen 400 mg three times a day.",
    "If your symptoms worsen, just give us a call.",
    "Come back for a follow-up visit in 4 weeks.",
    "This is likely stable angina.",
    "Until you get your test, we would recommend staying isolated.",
    "Your blood pressure is fine.",
])
def test_a_whole_sentence_passes(sentence):
    assert sentence_problem(sentence) is None


def test_the_samples_summary_says_the_plan_the_doctor_gave_and_nothing_that_was_not_said():
    sample = parse_transcript_file(DATA / "RES0091.txt")
    summary, letter = documents(sample, "Infectious disease")
    assert_patient_readable(summary)
    todo = " ".join(part(summary, TODO)).lower()
    for advice in ("rest", "hydrating", "covid swab", "isolated", "tylenol cold"):
        assert advice in todo, advice
    # The doctor named no medicine to take, no time to come back and no warning sign: the parts say so.
    assert part(summary, MEDICINES) == [] and part(summary, RETURN) == [] and part(summary, WARNING) == []
    for heading in (MEDICINES, RETURN, WARNING):
        assert NOTHING_SAID[heading] in summary.text()
    assert summary.reading_grade > 0 and summary.whole_sentences
    assert warning_signs(sample) == [] and referrals(sample) == []
    reason = dict(letter.paragraphs)["Reason for referral"]
    assert not any("worried" in line or "take care" in line.lower() for line in reason)
    assert summary.text().rstrip().endswith(UNSIGNED) and letter.signature == UNSIGNED


def test_instructions_are_the_doctors_plan_not_the_history_questions():
    sample = parse_transcript_file(DATA / "RES0091.txt")
    said = [a.text for a in instructions(sample)]
    assert any("covid swab" in s for s in said) and any("staying isolated" in s for s in said)
    assert not any("let's just try to first see" in s.lower() for s in said)
    assert all(a.evidence == ("U75",) for a in instructions(sample))


@needs_aci
def test_medicines_with_doses_the_follow_up_and_a_referral_for_physical_therapy():
    visit = train_dialogue("D2N004")
    summary, letter = documents(visit, "Physical therapy", clinician="Dana Smith, MD")
    assert_patient_readable(summary)
    assert part(summary, MEDICINES) == [
        "Start meloxicam 15 mg once a day.",
        "Change your metformin to 1,000 mg twice a day.",  # the dose said as "1,000 milligrams"
        "Keep taking lisinopril 20 mg once a day.",  # the refill's dose: the only one said for it
        "Keep taking lasix.",  # continued, no dose said: none invented
    ]
    assert part(summary, RETURN) == ["We want to see you again in a couple weeks."]
    assert part(summary, WARNING) == []  # "if you're still having symptoms ... an mri" is a plan, not a sign
    reason = dict(letter.paragraphs)["Reason for referral"]
    assert reason[0] == "Referral to physical therapy to strengthen that area, as discussed at the visit."
    assert any("lumbar" in line for line in reason[1:])  # the problem it is for, not the diabetes or small talk
    assert dict(letter.paragraphs)["Current medications"] == [
        "Started meloxicam 15 mg once daily.", "Metformin increased to 1,000 mg twice daily.",
        "Continue lisinopril 20 mg once daily.", "Continue lasix."]
    assert "Hemoglobin A1c 8." in dict(letter.paragraphs)["Findings"]
    assert letter.signature == "Dana Smith, MD" and summary.text().rstrip().endswith("Your clinician: Dana Smith, MD")


@needs_aci
def test_a_warning_sign_is_in_the_summary_only_when_the_doctor_said_it():
    heart = train_dialogue("D2N008")
    summary, letter = documents(heart, "Gastroenterology")
    assert_patient_readable(summary)
    assert part(summary, WARNING) == ["Call us if your weight starts to go up."]
    assert "Start lasix 40 mg once a day." in part(summary, MEDICINES)
    assert "Keep taking toprol 50 mg daily." in part(summary, MEDICINES)
    assert dict(letter.paragraphs)["Reason for referral"][0] == (
        "Referral to gastroenterologist for another evaluation, as discussed at the visit.")
    # "give me a call if you have any question" is not a warning sign.
    assert [a.text for a in warning_signs(heart)] == ["Call me if your weight starts to go up."]
    kidney = train_dialogue("D2N003")
    assert [a.text for a in warning_signs(kidney)] == ["If your symptoms worsen, just give me a call."]
    assert part(documents(kidney)[0], WARNING) == ["If your symptoms worsen, just give us a call."]


@needs_aci
def test_a_referral_only_mentioned_as_a_possibility_is_marked_so():
    knee = train_dialogue("D2N002")
    referral = referral_to(knee, "Physical therapy")
    assert referral is not None and referral.conditional
    _, letter = documents(knee, "Physical therapy")
    assert "as a possibility" in dict(letter.paragraphs)["Reason for referral"][0]
    assert referral_to(knee, "Cardiology") is None


@needs_aci
@pytest.mark.parametrize("encounter_id", ["D2N003", "D2N008", "D2N019", "D2N027"])
def test_every_summary_line_is_a_whole_traced_sentence_with_only_numbers_that_were_said(encounter_id):
    visit = train_dialogue(encounter_id)
    summary, letter = documents(visit)
    assert_patient_readable(summary)
    spoken = spoken_numbers(visit.text)
    assert spoken_numbers(" ".join(s.text for s in summary.sentences())) <= spoken
    said = {u.id for u in visit.utterances}
    assert all(set(s.evidence) <= said for s in summary.sentences())
    assert "cli:root" not in letter.text() and "cli:root" not in summary.text()


@needs_aci
def test_follow_up_intervals_are_kept_as_said():
    assert [a.text for a in return_visits(train_dialogue("D2N004"))] == [
        "I want to see you again in a couple weeks."]


def test_the_reason_for_referral_is_never_reassurance_or_small_talk():
    from scribe_core.documents.templates import builtin_templates
    from scribe_core.model import Note, Section, Statement

    note = Note(template="soap", sections=[Section("assessment", "Assessment", [
        Statement("Plaque psoriasis.", ["U1"]), Statement("I think.", ["U1"]),
        Statement("Most likely it's nothing to be worried about.", ["U2"]),
        Statement("Take care, good to see you.", ["U3"])])])
    doc = NoteDocument("enc-1", datetime(2026, 3, 4, tzinfo=UTC), builtin_templates()["soap"], note,
                       author="local")
    letter = draft_referral(doc, "Dermatology")
    assert dict(letter.paragraphs)["Reason for referral"] == ["Plaque psoriasis."]
    assert letter.signature == UNSIGNED  # the encounter's owner ("local") is a login, not a signature


@needs_aci
def test_a_medicine_prescribed_aloud_or_by_a_dictated_order_is_listed_with_its_dose():
    throat = train_dialogue("D2N010")  # "treat you with penicillin or, i'm sorry, amoxicillin, 500 milligrams, ..."
    medicines = part(documents(throat)[0], MEDICINES)
    assert medicines == ["Start amoxicillin 500 mg 3 times a day."]  # penicillin was corrected away
    lungs = train_dialogue("D2N015")  # "hey, dragon, order combivent ... order albuterol, two puffs as needed"
    medicines = part(documents(lungs)[0], MEDICINES)
    assert "Start albuterol two puffs as needed." in medicines
    assert "Start prednisone: the dose was not said at the visit, so check it with your clinician." in medicines


def test_the_reading_grade_is_measured_only_when_every_sentence_is_whole():
    from scribe_core.documents.model import PatientSummary, SourcedSentence, SummaryPart
    from scribe_core.documents.summary import graded

    whole = graded(PatientSummary([SummaryPart(TODO, [SourcedSentence("Take ibuprofen 400 mg with food.", ["p#0"])])],
                                  reading_grade=0.0))
    assert whole.whole_sentences and whole.reading_grade > 0
    broken = graded(PatientSummary([SummaryPart(TODO, [SourcedSentence("Take ibuprofen 400 mg with food.", ["p#0"]),
                                                       SourcedSentence("We want.", ["p#1"])])], reading_grade=0.0))
    assert not broken.whole_sentences and broken.reading_grade == 0.0
