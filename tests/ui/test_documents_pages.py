"""The Note page's documents panel and the Templates page, through AppTest with the fake engines."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from scribe_core.model import Note, Section, Statement


@pytest.fixture
def writer():
    """An on-device writer (like the offline one): the summary is written from the note without an LLM."""
    from tests.ui.fakes import LocalNoteWriter

    return LocalNoteWriter()


def _clean_note(services, encounter_id: str) -> None:
    """The fake writer leaves one unsupported statement on purpose; a signable note has none."""
    note = services.store.note(encounter_id)
    services.store.save_note(encounter_id, Note(template=note.template, writer=note.writer, sections=[
        Section(s.key, s.title, [st for st in s.statements if not st.unsupported] or [Statement("Seen.", ["U1"])])
        for s in note.sections]))


def _text(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "success", "warning", "error", "info")
                    for e in getattr(at, kind))


def test_an_unsupported_statement_blocks_signing_with_the_reason(app, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    assert at.button(key="doc_sign").disabled
    assert "marked unsupported" in _text(at)


def test_signing_makes_the_note_read_only_and_an_amendment_adds_a_version(app, services, ready_id):
    _clean_note(services, ready_id)
    at = app("pages/note.py", encounter=ready_id)
    at.button(key="doc_sign").click().run()
    assert "Say once how you sign notes" in _text(at)  # "local" names nobody: the install asks once
    at.text_input(key="doc_signer_name").input("Dana Smith").run()
    at.text_input(key="doc_signer_credentials").input("MD").run()
    at.button(key="doc_signer_save").click().run()
    assert "You sign as **Dana Smith, MD**." in _text(at)
    at.button(key="doc_sign").click().run()
    if any(b.key == "doc_sign_confirm" for b in at.button):  # the fake draft may leave items to confirm
        at.button(key="doc_sign_confirm").click().run()
    assert not at.exception
    assert "Signed: version 1, as Dana Smith, MD." in _text(at)
    assert at.toggle(key="note_edit").disabled and at.button(key="note_redraft").disabled
    first = services.store.note(ready_id).sections[0]
    [area] = [a for a in at.text_area if a.key.endswith(f"_{first.key}") and a.key.startswith("doc_amend_")]
    area.input(first.statements[0].text + "\nAlso reports hay fever.").run()
    at.text_input(key=f"doc_amend_reason_{ready_id}").input("Hay fever was mentioned at the door.").run()
    at.button(key="doc_amend").click().run()
    assert not at.exception
    assert "Amended: version 2." in _text(at)
    assert "Also reports hay fever." in [s.text for s in services.store.note(ready_id).sections[0].statements]
    assert any("+Also reports hay fever." in c.value.replace("- ", "") or "hay fever" in c.value for c in at.code)


def test_open_items_are_listed_and_confirmed_before_the_signature_is_applied(app, services, ready_id):
    _clean_note(services, ready_id)
    note = services.store.note(ready_id)
    transcript = services.store.transcript(ready_id)
    first = transcript.utterances[0]
    # A line citing an utterance that does not say its number: the consistency check flags it as not backed.
    note.sections[0].statements.append(Statement("Takes 40 mg of atorvastatin.", [first.id]))
    services.store.save_note(ready_id, note)
    services.scribe.accounts.set_signature("local", "Dana Smith", "MD")
    at = app("pages/note.py", encounter=ready_id)
    at.button(key="doc_sign").click().run()
    assert not at.exception
    assert "Before you sign: 1 open item(s)" in _text(at) and "Not backed:** Takes 40 mg of atorvastatin" in _text(at)
    assert services.scribe.queries.sign_off(_local(), ready_id).status == "preliminary"  # not signed yet
    at.button(key="doc_sign_confirm").click().run()
    assert "Signed: version 1, as Dana Smith, MD." in _text(at)
    assert services.scribe.queries.sign_off(_local(), ready_id).latest.signed_by == "Dana Smith, MD"


def _local():
    from scribe_core.access import SINGLE_USER, Viewer

    return Viewer(SINGLE_USER)


def test_the_summary_is_written_editable_graded_and_printable(app, services, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    at.button(key="doc_summary_make").click().run()
    assert not at.exception
    area = at.text_area(key=f"doc_summary_{ready_id}")
    assert area.value.strip()
    assert any(m.label == "Reading level (Flesch-Kincaid grade)" for m in at.metric)
    labels = {b.label for b in at.download_button}
    assert "Download summary PDF" in labels


def test_an_edited_summary_and_letter_are_there_in_a_later_session(app, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    at.button(key="doc_summary_make").click().run()
    at.text_area(key=f"doc_summary_{ready_id}").input("Rest, drink fluids, and come back in a week.").run()
    at.text_input(key="doc_letter_specialty").input("Dermatology").run()
    at.button(key="doc_letter_make").click().run()
    letter = at.text_area(key=f"doc_letter_{ready_id}").value + "\nThank you for seeing her soon."
    at.text_area(key=f"doc_letter_{ready_id}").input(letter).run()
    assert not at.exception

    later = app("pages/note.py", encounter=ready_id)  # a new browser session (a reload, another tab)
    assert later.text_area(key=f"doc_summary_{ready_id}").value == "Rest, drink fluids, and come back in a week."
    assert later.text_area(key=f"doc_letter_{ready_id}").value == letter
    assert "Saved " in _text(later) and " by " in _text(later)


def test_a_referral_letter_is_drafted_for_the_chosen_specialty(app, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    at.text_input(key="doc_letter_specialty").input("Dermatology").run()
    at.text_area(key="doc_letter_question").input("Please advise on treatment.").run()
    at.button(key="doc_letter_make").click().run()
    letter = at.text_area(key=f"doc_letter_{ready_id}").value
    assert letter.startswith("Dear Dermatology colleague,") and "Please advise on treatment." in letter


def test_send_to_ehr_explains_the_settings_when_it_is_off(app, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    assert "SCRIBE_FHIR_BASE_URL" in _text(at)


def test_the_note_pdf_download_holds_the_note(app, services, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    [pdf] = [b for b in at.download_button if b.label == "Download note PDF"]
    data = pdf.proto.url  # AppTest keeps the media URL, not the bytes: build the same PDF through the core
    assert data
    from scribe_core.access import SYSTEM
    from scribe_core.usecases.clinic_documents import ClinicDocuments

    text = PdfReader(io.BytesIO(ClinicDocuments(services.scribe).note_pdf(ready_id, by=SYSTEM))).pages[0].extract_text()
    assert "DRAFT - not signed" in text


def test_the_templates_page_lists_sets_a_default_and_saves_a_clinic_template(app, services):
    at = app("pages/templates.py")
    assert not at.exception
    at.selectbox(key="templates_default").set_value("dermatology").run()
    library = services.templates
    assert library.default_for("local") == "dermatology"  # "local": the single-user viewer on loopback
    assert library.default_for("someone-else") == "soap"
    at.selectbox(key="templates_base").set_value("soap").run()
    at.text_input(key="templates_name").input("wound_care").run()
    at.text_input(key="templates_title").input("Wound care").run()
    at.button(key="templates_save").click().run()
    assert not at.exception
    assert "Saved as 'wound_care'" in _text(at)
    assert library.get("wound_care").title == "Wound care"


def test_an_invalid_clinic_template_is_refused_with_each_problem(app, services):
    at = app("pages/templates.py")
    at.text_input(key="templates_name").input("Bad Name").run()
    at.text_input(key="templates_loinc").input("11506-4").run()
    at.button(key="templates_save").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "'name' must be" in errors and "check digit" in errors
    assert "bad name" not in services.templates.all()


def test_a_new_encounter_starts_with_the_clinicians_default_template(app, services):
    services.templates.set_default("local", "musculoskeletal")
    at = app("pages/record.py")
    picker = at.selectbox(key="record_template")
    assert picker.value == "musculoskeletal" and "Dermatology visit" in picker.options


def test_the_privacy_page_says_a_copy_sent_to_the_ehr_is_not_deleted(app, services, ready_id):
    from datetime import UTC, datetime

    from scribe_core.documents.versions import NoteVersions

    NoteVersions(services.store).record_send(ready_id, 1, "1001", "http://ehr/fhir/DocumentReference/1001/_history/1",
                                             datetime(2026, 3, 4, tzinfo=UTC), "local")
    at = app("pages/privacy.py", encounter=ready_id)
    assert "The note sent to the EHR (DocumentReference/1001) is not deleted: the EHR keeps it." in _text(at)


def test_the_reading_grade_is_shown_only_when_every_line_is_a_whole_sentence(app, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    at.button(key="doc_summary_make").click().run()
    text = at.text_area(key=f"doc_summary_{ready_id}").value
    assert text.rstrip().endswith("Unsigned draft: no clinician named yet.")  # "local" names nobody
    at.text_area(key=f"doc_summary_{ready_id}").input(text + "\n- We want.\n").run()
    assert not at.exception
    assert not any(m.label == "Reading level (Flesch-Kincaid grade)" for m in at.metric)
    shown = _text(at)
    assert "Reading level not shown" in shown and "We want" in shown, [m for m in shown.split("  ") if "We" in m]
    at.text_area(key=f"doc_summary_{ready_id}").input(text).run()
    assert any(m.label == "Reading level (Flesch-Kincaid grade)" for m in at.metric)


def test_the_summary_is_signed_with_the_display_name(app, services, ready_id):
    services.scribe.accounts.set_signature("local", "Dana Smith", "MD")
    at = app("pages/note.py", encounter=ready_id)
    at.button(key="doc_summary_make").click().run()
    assert at.text_area(key=f"doc_summary_{ready_id}").value.rstrip().endswith("Your clinician: Dana Smith, MD")
    at.text_input(key="doc_letter_specialty").input("Dermatology").run()
    at.button(key="doc_letter_make").click().run()
    assert at.text_area(key=f"doc_letter_{ready_id}").value.rstrip().endswith("Dana Smith, MD")
