"""After-visit summary, referral letter and their PDFs: traceable, second person, every section printed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from scribe_core.clinical.support import spoken_numbers
from scribe_core.documents.model import NoteDocument
from scribe_core.documents.pdf import letter_pdf, note_pdf, summary_pdf
from scribe_core.documents.plain_language import for_patient
from scribe_core.documents.referral import DEFAULT_QUESTION, draft_referral
from scribe_core.documents.summary import FOUND, MEDICINES, RETURN, TODO, WARNING, summarize
from scribe_core.documents.templates import builtin_templates
from scribe_core.model import DOCTOR, PATIENT, Note, Section, Statement


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("text", "speaker", "expected"), [
    ("The patient has had chest tightness for 3 weeks.", "", ["You have had chest tightness for 3 weeks."]),
    ("I take amlodipine 5 mg once a day.", PATIENT, ["You take amlodipine 5 mg once a day."]),
    ("I'll order a stress echo.", DOCTOR, ["We'll order a stress echo."]),
    ("Will start lisinopril 10 mg PO bid.", "", ["We will start lisinopril 10 mg by mouth twice a day."]),
    ("She denies fever; she takes her inhaler twice daily.", "",
     ["You told us you have no fever.", "You take your inhaler twice a day."]),
    ("Order an x-ray of the left wrist.", "", ["We will order an x-ray of the left wrist."]),
    ("The clinician doesn't appreciate any swelling in the patient's legs.", "",
     ["Your clinician doesn't appreciate any swelling in your legs."]),
    # Speech transcribed without full stops breaks into clauses at the clinician's next action.
    ("the patient's lungs are clear the patient's heart rate is regular so for the patient's asthma will start "
     "flovent 110 micrograms two puffs twice daily and will see you back in a month", "",
     ["Your lungs are clear your heart rate is regular.",
      "For your asthma, we will start flovent 110 micrograms two puffs twice a day.",
      "We will see you back in a month."]),
])
def test_note_statements_are_said_again_in_the_second_person(text, speaker, expected):
    assert for_patient(text, speaker) == expected


def test_the_summary_sorts_what_was_found_what_to_do_when_to_return_and_warning_signs(note, transcript):
    summary = summarize(note, builtin_templates()["soap"], transcript)
    parts = {p.heading: [s.text for s in p.sentences] for p in summary.parts}
    assert "This is likely stable angina." in parts[FOUND]  # a bare finding made a sentence, its hedge kept
    # Medicines from what was said: every one with its dose and what to do with it.
    assert parts[MEDICINES] == ["Change your amlodipine to 10 mg once a day.",
                                "You told us you take atorvastatin 40 mg at night.", "Start aspirin 75 mg daily."]
    assert not any("amlodipine" in s or "aspirin" in s for s in parts[TODO])  # said once, in the medicine list
    assert any("stress echo" in s for s in parts[TODO])
    assert parts[RETURN] == ["Come back for a follow-up visit in 4 weeks."]
    assert parts[WARNING] == ["If you get chest pain at rest or pain lasting more than 15 minutes, call 911."]
    assert 0 < summary.reading_grade <= 8


def test_every_summary_sentence_traces_to_a_note_statement_or_utterance_and_its_numbers(note, transcript):
    summary = summarize(note, builtin_templates()["soap"], transcript)
    statements = {f"{sec.key}#{i}": st.text for sec in note.sections for i, st in enumerate(sec.statements)}
    said = {u.id: u.text for u in transcript.utterances}
    for sentence in summary.sentences():
        assert sentence.sources or sentence.evidence, sentence.text
        assert all(ref in statements for ref in sentence.sources) and all(e in said for e in sentence.evidence)
        cited = " ".join([statements[ref] for ref in sentence.sources] + [said[e] for e in sentence.evidence])
        assert spoken_numbers(sentence.text) <= spoken_numbers(cited), sentence.text


def test_unsupported_statements_never_reach_the_patient(note):
    note.sections[3].statements.append(Statement("Take warfarin 5 mg nightly.", []))
    summary = summarize(note, builtin_templates()["soap"])
    assert not any("warfarin" in s.text for s in summary.sentences())


def test_a_specialty_template_summary_reads_its_sections_by_code():
    template = builtin_templates()["dermatology"]
    note = Note(template="dermatology", sections=[
        Section("hpi", "History of present illness", [Statement("Itchy rash on both elbows for 2 months.", ["U1"])]),
        Section("medications", "Medications", [Statement("Uses hydrocortisone 1% cream twice daily.", ["U2"])]),
        Section("allergies", "Allergies", []),
        Section("skin_exam", "Skin examination", [Statement("Silvery plaques on both elbows.", ["U3"])]),
        Section("assessment", "Assessment", [Statement("Plaque psoriasis.", ["U4"])]),
        Section("plan", "Plan", [Statement("Start clobetasol 0.05% ointment once daily for 2 weeks.", ["U5"]),
                                 Statement("Follow up in 6 weeks.", ["U5"])]),
    ])
    parts = {p.heading: [s.text for s in p.sentences] for p in summarize(note, template).parts}
    assert parts[FOUND] == ["Your clinician noted plaque psoriasis."]
    assert parts[MEDICINES] == ["Uses hydrocortisone 1% cream twice a day."]
    assert parts[TODO] == ["Start clobetasol 0.05% ointment once a day for 2 weeks."]
    assert parts[RETURN] == ["Follow up in 6 weeks."]


def test_the_referral_letter_carries_reason_history_findings_medications_and_the_question(draft_doc):
    letter = draft_referral(draft_doc, "Cardiology", "Is he a candidate for angiography?", clinician="Dr Ada Lovelace")
    sections = dict(letter.paragraphs)
    assert sections["Reason for referral"] == ["Likely stable angina."]
    assert sections["History"] == ["Chest tightness on climbing stairs for about three weeks."]
    assert sections["Findings"] == ["Blood pressure 148/92, heart rate 78.", "ECG shows no acute changes."]
    assert sections["Current medications"] == [
        "Takes amlodipine 5 mg once a day and atorvastatin 40 mg at night.",
        "Increase amlodipine to 10 mg once a day; start aspirin 75 mg daily."]
    assert "Stress echo ordered; follow-up in four weeks." in sections["Plan so far"]
    assert sections["Question"] == ["Is he a candidate for angiography?"]
    assert letter.salutation == "Dear Cardiology colleague," and "04 March 2026" in letter.opening
    assert letter.signature == "Dr Ada Lovelace"
    assert draft_referral(draft_doc, "Neurology").paragraphs[-1] == ("Question", [DEFAULT_QUESTION])
    with pytest.raises(ValueError):
        draft_referral(draft_doc, "  ")


def test_the_note_pdf_has_the_header_and_every_section(draft_doc, final_doc):
    text = pdf_text(note_pdf(draft_doc))
    for expected in ("SOAP note", "Encounter date: 2026-03-04", "Template: SOAP note", "DRAFT - not signed",
                     "Subjective", "Objective", "Assessment", "Plan", "atorvastatin 40 mg at night",
                     "Encounter enc-123 | Page 1 of 1"):
        assert expected in text, expected
    signed = pdf_text(note_pdf(final_doc))
    assert "Status: FINAL (version 2), signed by Dr Ada Lovelace on 2026-03-04 10:05 UTC" in signed
    assert "DRAFT" not in signed


def test_every_template_prints_every_section_title():
    from datetime import UTC, datetime

    for template in builtin_templates().values():
        note = Note(template=template.name, sections=[Section(s.key, s.title, []) for s in template.sections])
        doc = NoteDocument("enc-1", datetime(2026, 1, 1, tzinfo=UTC), template, note)
        text = " ".join(pdf_text(note_pdf(doc)).split())
        for spec in template.sections:
            assert spec.title in text, (template.name, spec.title)


def test_the_summary_and_letter_pdfs_hold_their_text(draft_doc, transcript):
    summary = summarize(draft_doc.note, draft_doc.template, transcript)
    text = pdf_text(summary_pdf(draft_doc, summary))
    for sentence in summary.sentences():
        assert sentence.text in " ".join(text.split())
    for heading in (FOUND, TODO, RETURN, WARNING):
        assert heading in text
    letter = pdf_text(letter_pdf(draft_doc, draft_referral(draft_doc, "Cardiology")))
    for heading in ("Referral to Cardiology", "Reason for referral", "History", "Findings", "Current medications",
                    "Plan so far", "Question", "Yours sincerely,"):
        assert heading in letter


def test_characters_outside_latin_1_print_as_written(draft_doc):
    draft_doc.note.sections[0].statements.append(Statement("Naïve to β-blockers; pain ≥ 7/10.", ["U2"]))
    assert "Naïve to β-blockers; pain ≥ 7/10." in pdf_text(note_pdf(draft_doc))


def test_a_dose_stays_with_what_to_do_and_a_conditional_return_with_when_to_come_back():
    note = Note(template="soap", sections=[
        Section("assessment", "Assessment", [Statement("Viral bronchitis.", ["U1"])]),
        Section("plan", "Plan", [Statement("Take paracetamol 500 mg up to 4 times a day and come back in 2 weeks "
                                           "if it is not better.", ["U2"]),
                                 Statement("If you get short of breath, go to the emergency department.", ["U3"])]),
    ])
    parts = {p.heading: [s.text for s in p.sentences] for p in summarize(note, builtin_templates()["soap"]).parts}
    assert parts[TODO] == ["Take paracetamol 500 mg up to 4 times a day."]
    assert parts[RETURN] == ["Come back in 2 weeks if it is not better."]
    assert parts[WARNING] == ["If you get short of breath, go to the emergency department."]


def test_the_note_command_adds_the_patient_summary_to_its_json(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    transcript = tmp_path / "visit.txt"
    transcript.write_text("Doctor: What brings you in?\nPatient: I have had a cough for two weeks.\n"
                          "Doctor: I think this is a viral bronchitis.\n"
                          "Doctor: Take paracetamol 500 mg up to four times a day.\n"
                          "Doctor: If you get short of breath, go to the emergency department.\n")
    done = subprocess.run([sys.executable, "-m", "scribe_core", "note", str(transcript), "--json", "--summary"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["patient_summary"]
    sentences = [s["text"] for p in summary["parts"] for s in p["sentences"]]
    assert any("paracetamol 500 mg" in s for s in sentences) and summary["reading_grade"] > 0
    assert all(s["sources"] or s["evidence"] for p in summary["parts"] for s in p["sentences"])
