"""The omission check: what the conversation holds that a note does not say, found with the check's own
reading of the raw transcript (content_units.py), on any note: offline, LLM-written or edited."""

from __future__ import annotations

import csv
import re

from scribe_core.clinical import add_missing, facts_to_statement, parse_transcript_text, possibly_missing
from scribe_core.clinical.content_units import detect
from scribe_core.clinical.omission import uncovered_units
from scribe_core.documents.templates import builtin_template
from scribe_core.model import Note, Section, Statement
from scribe_core.notes.extractive import ExtractiveNoteWriter

from .conftest import ACI_DIR

ACI = builtin_template('aci')
SOAP = builtin_template('soap')


def _without(note: Note, *fragments: str) -> Note:
    return Note(template=note.template, writer=note.writer, sections=[
        Section(s.key, s.title, [st for st in s.statements if not any(f in st.text for f in fragments)])
        for s in note.sections])


def _clinician(*texts: str) -> Note:
    return Note(template="soap", writer="clinician", sections=[
        Section("subjective", "Subjective", [Statement(x, added_by_clinician=True) for x in texts])])


def test_a_complete_offline_note_of_a_dictated_visit_has_nothing_missing(visit):
    assert possibly_missing(visit, ExtractiveNoteWriter().draft(visit, SOAP).note) == []


def test_on_the_sample_it_lists_the_pertinent_negatives_medication_and_social_items_the_note_lacks(sample):
    drafted = ExtractiveNoteWriter().draft(sample, ACI).note
    # The writer states the sample's negatives itself: nothing is missing from its draft ...
    assert possibly_missing(sample, drafted) == []
    # ... and when a clinician's edit loses them, each is listed, citing the answer.
    note = _without(drafted, "nausea", "smoking", "taste or smell")
    said = " ".join(st.text.lower() for st in note.statements())
    listed = {m.text: m.evidence for m in possibly_missing(sample, note)}
    assert listed, "the note lacks answers the patient gave: it must not claim full coverage"
    for topic, answer in (("nausea or vomiting", "U32"), ("smoking", "U66"), ("taste or smell", "U30")):
        assert topic not in said
        [line] = [t for t in listed if topic in t]
        assert line.startswith("Denies") and answer in listed[line]
    # A clinician who writes them down is told of them no more.
    for _ in listed:
        negatives = [m for m in possibly_missing(sample, note) if m.text.startswith("Denies")]
        if negatives:
            note = add_missing(note, negatives[0], ACI)
    assert not [m for m in possibly_missing(sample, note) if m.text.startswith("Denies")]


def test_a_deleted_negative_and_a_deleted_vital_sign_are_listed_with_their_utterances(visit):
    note = _without(ExtractiveNoteWriter().draft(visit, SOAP).note, "chest pain", "152/94")
    missing = possibly_missing(visit, note)
    assert [(m.evidence, m.section) for m in missing] == [(["U5", "U6"], "ros"), (["U12"], "exam")]
    assert missing[0].text == "Denies chest pain." and missing[0].label() == "Denies chest pain — U5, U6"
    assert missing[1].text.startswith('Doctor: "') and "152 over 94" in missing[1].text


def test_one_click_adds_the_missing_fact_as_a_cited_statement_and_it_is_no_longer_missing(visit):
    note = _without(ExtractiveNoteWriter().draft(visit, SOAP).note, "chest pain")
    [missing] = possibly_missing(visit, note)
    added = facts_to_statement(missing)
    assert added == Statement(text="Denies chest pain.", evidence=["U5", "U6"]) and not added.unsupported
    note.sections[0].statements.append(added)
    assert possibly_missing(visit, note) == []


def test_a_clinician_edit_in_their_own_words_removes_the_flag(visit):
    note = _without(ExtractiveNoteWriter().draft(visit, SOAP).note, "chest pain", "4 weeks")
    assert len(possibly_missing(visit, note)) == 2
    note.sections[0].statements += [Statement("No chest pain.", added_by_clinician=True),
                                    Statement("RTC four weeks.", added_by_clinician=True)]
    assert possibly_missing(visit, note) == []


def test_add_missing_puts_the_fact_in_the_section_its_template_keeps_it(visit):
    for template, negative_goes_to, exam_goes_to in ((SOAP, "subjective", "objective"), (ACI, "ros", "exam")):
        note = _without(ExtractiveNoteWriter().draft(visit, template).note, "chest pain", "152/94")
        for missing in possibly_missing(visit, note):
            note = add_missing(note, missing, template)
        added = {s.key: [st.text for st in s.statements] for s in note.sections}
        assert added[negative_goes_to][-1] == "Denies chest pain."
        assert "152 over 94" in added[exam_goes_to][-1]
        assert note.edited and possibly_missing(visit, note) == []


def test_a_statement_with_another_drug_number_or_answer_does_not_cover_the_unit():
    t = parse_transcript_text(
        "Doctor: Let's look at your labs. Your total cholesterol was 222, which is quite high.\n"
        "Patient: Oh no.\n"
        "Doctor: Any fever or chills?\n"
        "Patient: No fever. I do get chills at night though.\n"
        "Doctor: Any chest pain?\n"
        "Patient: No.\n"
        "Doctor: I will refill your lisinopril 20 milligrams once a day. I will also start meloxicam 15 milligrams "
        "once a day for the knee.\n")

    def uncovered(*texts: str) -> set[tuple[str, frozenset[str]]]:
        return {(u.kind, u.keys) for u in uncovered_units(t, _clinician(*texts))}

    wrong = uncovered("Total cholesterol was quite high.", "Denies fever but reports chest pain.",
                      "Will refill meloxicam 15 mg once daily.", "Will also start meloxicam 15 mg once daily.")
    assert {("number", frozenset({"#222"})), ("answer", frozenset({"chest", "pain"})),
            ("dose", frozenset({"lisino"})), ("number", frozenset({"#20"}))} <= wrong
    # "No fever. I do get chills" denies only the fever: the answer names what it denies.
    assert ("answer", frozenset({"fever"}), False) in {(u.kind, u.keys, u.polarity) for u in detect(t)}
    right = uncovered("Total cholesterol 222, high.", "Denies fever and chest pain; gets chills at night.",
                      "Refill lisinopril 20 mg once daily.", "Start meloxicam 15 mg once daily for the knee.")
    assert right == set()


def test_it_never_claims_full_coverage_while_a_unit_is_uncovered(visit):
    """Whatever is deleted from a complete note, the list is empty only when nothing is uncovered."""
    full = ExtractiveNoteWriter().draft(visit, SOAP).note
    for st in full.statements():
        note = _without(full, st.text)
        assert bool(possibly_missing(visit, note)) == bool(uncovered_units(visit, note)), st.text


def test_an_llm_note_that_paraphrases_everything_has_nothing_missing(visit):
    note = _clinician(
        "50-year-old woman with hypertension, home readings 150/90.", "Denies chest pain; some morning headaches.",
        "On lisinopril 20 mg daily.", "BP 152/94, heart regular rate and rhythm, lungs clear.",
        "Increase lisinopril to 40 mg daily.", "Follow up in 4 weeks.")
    assert possibly_missing(visit, note) == []


def test_flags_on_clinicians_complete_notes_stay_few():
    """Clinicians' own reference notes (ACI-Bench valid, where settings were chosen) are told of few lines,
    and adding each one ends the list."""
    with open(ACI_DIR / "challenge_data" / "valid.csv", newline="") as f:
        rows = list(csv.DictReader(f))[:8]
    counts = []
    for row in rows:
        t = parse_transcript_text(row["dialogue"])
        note = Note(template="reference", sections=[Section("all", "All", [
            Statement(s, added_by_clinician=True) for s in re.split(r"(?<=[.!?])\s+|\n+", row["note"]) if s.strip()])])
        listed = possibly_missing(t, note)
        counts.append(len(listed))
        for fact in listed:
            note = add_missing(note, fact)
        assert possibly_missing(t, note) == [], row["encounter_id"]
    assert sum(counts) / len(counts) <= 4, counts


def test_open_items_before_signing_gathers_omissions_unbacked_statements_and_an_empty_plan(visit):
    from scribe_core.clinical.open_items import open_items_before_signing

    full = ExtractiveNoteWriter().draft(visit, SOAP).note
    assert open_items_before_signing(visit, full).clear
    note = _without(full, "chest pain")
    note.sections[0].statements.append(Statement("Takes lisinopril 10 mg daily.", ["U9", "U10"]))
    for sec in note.sections:
        if sec.key == "plan":
            sec.statements = []
    items = open_items_before_signing(visit, note)
    assert not items.clear
    assert "Denies chest pain." in [m.text for m in items.missing]
    assert [f.statement for f in items.unbacked] == ["Takes lisinopril 10 mg daily."]
    assert items.empty_plan == ["Plan"] and {"U13", "U14"} <= set(items.plan_evidence)
    # A visit with no plan talk does not ask for one.
    chat = parse_transcript_text("Doctor: Any cough?\nPatient: No.\n")
    said = Statement("Denies cough.", ["U1", "U2"])
    empty = Note(template="soap", sections=[Section("subjective", "Subjective", [said]), Section("plan", "Plan", [])])
    assert open_items_before_signing(chat, empty).clear
