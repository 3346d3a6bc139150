"""The checks run on every note: what it may have left out, and what its citations do not back."""

from __future__ import annotations

from scribe_core.clinical import add_missing, check_consistency, facts_to_statement, possibly_missing
from scribe_core.documents.templates import builtin_template
from scribe_core.model import Note, Section, Statement
from scribe_core.notes.extractive import ExtractiveNoteWriter

SOAP = builtin_template('soap')


def _without(note: Note, *fragments: str) -> Note:
    return Note(template=note.template, writer=note.writer, sections=[
        Section(s.key, s.title, [st for st in s.statements if not any(f in st.text for f in fragments)])
        for s in note.sections])


def test_a_complete_offline_note_has_nothing_missing_and_nothing_flagged(visit, sample):
    for transcript in (visit, sample):
        note = ExtractiveNoteWriter().draft(transcript, SOAP).note
        assert possibly_missing(transcript, note) == []
        assert check_consistency(transcript, note) == []


def test_a_deleted_negative_and_a_deleted_exam_finding_are_listed_with_their_utterances(visit):
    note = _without(ExtractiveNoteWriter().draft(visit, SOAP).note, "chest pain", "152/94")
    missing = possibly_missing(visit, note)
    assert [(m.text, m.evidence, m.section) for m in missing] == [
        ("Denies chest pain.", ["U5", "U6"], "ros"),
        ("On physical examination, the patient's blood pressure today is 152/94.", ["U12"], "exam"),
    ]
    assert missing[0].label() == "Denies chest pain — U5, U6"


def test_one_click_adds_the_missing_fact_as_a_cited_statement_and_it_is_no_longer_missing(visit):
    note = _without(ExtractiveNoteWriter().draft(visit, SOAP).note, "chest pain")
    [missing] = possibly_missing(visit, note)
    added = facts_to_statement(missing)
    assert added == Statement(text="Denies chest pain.", evidence=["U5", "U6"]) and not added.unsupported
    note.sections[0].statements.append(added)
    assert possibly_missing(visit, note) == []


def test_a_clinician_paraphrase_covers_the_fact(visit):
    note = _without(ExtractiveNoteWriter().draft(visit, SOAP).note, "chest pain")
    note.sections[0].statements.append(Statement("No chest pain.", added_by_clinician=True))
    assert possibly_missing(visit, note) == []


def test_statements_an_llm_got_wrong_are_flagged_with_the_reason(visit):
    note = Note(template="soap", writer="llm:test", sections=[Section("subjective", "Subjective", [
        Statement("Reports chest pain.", ["U5", "U6"]),
        Statement("Takes lisinopril 10 mg daily.", ["U9", "U10"]),
        Statement("Home blood pressure around 150/90.", ["U4"]),
        Statement("Started on metoprolol.", ["U13"]),
        Statement("Denies headaches.", ["U7", "U8"]),
        Statement("Seen by cardiology.", ["U99"]),
        Statement("Patient prefers mornings.", added_by_clinician=True),
    ])])
    flags = {f.statement: f.reasons for f in check_consistency(visit, note)}
    assert set(flags) == {"Reports chest pain.", "Takes lisinopril 10 mg daily.", "Started on metoprolol.",
                          "Denies headaches.", "Seen by cardiology."}
    assert flags["Reports chest pain."] == [
        "the patient answered no about 'chest pain', but the statement does not say so"]
    assert flags["Takes lisinopril 10 mg daily."] == ["the number '10' is not in the cited utterances"]
    assert flags["Started on metoprolol."] == ["the drug 'metoprolol' is not in the cited utterances"]
    assert "the patient answered yes about 'headaches', but the statement negates it" in flags["Denies headaches."]
    assert flags["Seen by cardiology."] == ["cites U99, which the transcript does not have"]


def test_add_missing_puts_the_fact_in_the_section_its_template_keeps_it(visit):
    from scribe_core.clinical import add_missing
    from scribe_core.documents.templates import builtin_template
    ACI = builtin_template('aci')

    for template, negative_goes_to, exam_goes_to in ((SOAP, "subjective", "objective"), (ACI, "ros", "exam")):
        full = ExtractiveNoteWriter().draft(visit, template).note
        note = _without(full, "chest pain", "152/94")
        for missing in possibly_missing(visit, note):
            note = add_missing(note, missing, template)
        added = {s.key: [st.text for st in s.statements] for s in note.sections}
        assert added[negative_goes_to][-1] == "Denies chest pain."
        assert "152/94" in added[exam_goes_to][-1]
        assert note.edited and possibly_missing(visit, note) == []


def test_a_statement_citing_the_same_utterance_does_not_cover_a_different_finding():
    from scribe_core.clinical import parse_transcript_text

    t = parse_transcript_text("Doctor: How have you been feeling since the last visit?\n"
                              "Patient: I'm so tired, and I get lightheaded every once in a while. And I feel bloated "
                              "every once in a while, after meals mostly.\n")
    note = ExtractiveNoteWriter().draft(t, SOAP).note
    bloated = [st for st in note.statements() if "bloated" in st.text]
    assert bloated and bloated[0].evidence == ["U2"]
    reduced = _without(note, "bloated")
    # What is left cites U2 too and shares words ("every", "while"), but names no bloating.
    assert any("U2" in st.evidence for st in reduced.statements())
    # (every fact the writer uses: salience 0.2, so the short visit's sentences count)
    assert [m.text for m in possibly_missing(t, reduced, min_salience=0.2)] == [bloated[0].text]


def test_a_statement_with_another_drug_number_or_answer_does_not_cover_the_fact():
    from scribe_core.clinical import parse_transcript_text

    t = parse_transcript_text(
        "Doctor: Let's look at your labs. Your total cholesterol was 222, which is quite high.\n"
        "Patient: Oh no.\n"
        "Doctor: Any fever or chills?\n"
        "Patient: No fever. I do get chills at night though.\n"
        "Doctor: Any chest pain?\n"
        "Patient: No.\n"
        "Doctor: I will refill your lisinopril 20 milligrams once a day. I will also start meloxicam 15 milligrams "
        "once a day for the knee.\n")

    def written(*texts: str) -> set[str]:
        note = Note(template="soap", writer="clinician", sections=[
            Section("all", "All", [Statement(x, added_by_clinician=True) for x in texts])])
        return {m.text for m in possibly_missing(t, note, min_salience=0.2)}

    wrong = written("Total cholesterol was quite high.", "Denies fever but reports chest pain.",
                    "Will refill meloxicam 15 mg once daily.",
                    "Will also start meloxicam 15 mg once daily for the knee.")
    # Each shares most of its words with the fact, but not the value, the answer or the drug.
    assert {"The patient's total cholesterol was 222, which is quite high.", "Denies chest pain.",
            "Will refill the patient's lisinopril 20 mg once daily."} <= wrong
    right = written("Total cholesterol 222, high.", "Denies fever and chest pain; gets chills at night.",
                    "Refill lisinopril 20 mg once daily.", "Start meloxicam 15 mg once daily for the knee.")
    assert not right & {"The patient's total cholesterol was 222, which is quite high.", "Denies chest pain.",
                        "Will refill the patient's lisinopril 20 mg once daily."}


def test_the_check_flags_from_the_note_s_own_level_of_detail(sample):
    """A draft that keeps nearly every fact is told of a minor one deleted from it; a terse note is told of
    what the model is sure belongs in a note and of every answered question, not of every detail."""
    fracture = "The patient had an arm fracture when the patient was younger, but that's it."
    note = ExtractiveNoteWriter().draft(sample, SOAP).note
    detailed = _without(note, "arm fracture")
    assert [m.text for m in possibly_missing(sample, detailed)] == [fracture]
    assert possibly_missing(sample, detailed, min_salience=0.75) == []  # what a fixed threshold would miss
    terse = Note(template="soap", writer="clinician", sections=[
        Section("subjective", "Subjective", [Statement("Runny nose.", added_by_clinician=True)])])
    missing = possibly_missing(sample, terse)
    told = [m.text for m in missing]
    assert "It started getting stuffy about 2 weeks ago." in told and "Denies fevers or chills." in told
    assert fracture not in told
    # Adding everything it lists does not make it list more: the bar does not move as the note grows.
    for fact in missing:
        terse = add_missing(terse, fact)
    assert possibly_missing(sample, terse) == []


def test_a_clinician_who_adds_every_listed_fact_is_not_told_of_more():
    """On clinicians' own notes (ACI-Bench valid), adding each listed fact, as the Note page's button
    does, ends the list: a bar that moved down as the note grew listed 9 to 13 facts on these, in rounds."""
    import csv
    import re

    from scribe_core.clinical import parse_transcript_text

    from .conftest import ACI_DIR

    with open(ACI_DIR / "challenge_data" / "valid.csv", newline="") as f:
        rows = {r["encounter_id"]: r for r in csv.DictReader(f)}
    for encounter in ("D2N069", "D2N071", "D2N076"):
        t = parse_transcript_text(rows[encounter]["dialogue"])
        note = Note(template="reference", sections=[Section("all", "All", [
            Statement(s, added_by_clinician=True)
            for s in re.split(r"(?<=[.!?])\s+|\n+", rows[encounter]["note"]) if s.strip()])])
        listed = possibly_missing(t, note)
        assert 0 < len(listed) <= 3, encounter
        for fact in listed:
            note = add_missing(note, fact)
        assert possibly_missing(t, note) == [], encounter
