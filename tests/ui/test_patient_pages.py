"""The patient named at intake, through AppTest with the fake engines: asked on the record page, checked by the
core, named on every encounter page and in the list (with filters), and a purge that warns about a signed note
never sent to the EHR."""

from __future__ import annotations

from scribe_core.access import SINGLE_USER, Viewer
from scribe_core.documents.signoff import sign
from scribe_core.model import Note, Section, Statement
from tests.ui.fakes import wav_bytes

LOCAL = Viewer(SINGLE_USER)


def _text(at) -> str:
    """What the page says, with markdown's escapes removed ("BO\\-17" reads "BO-17")."""
    return " ".join(str(e.value) for kind in ("markdown", "caption", "success", "warning", "error", "info")
                    for e in getattr(at, kind)).replace("\\", "")


def _upload(app, name: str, mrn: str):
    at = app()
    at.file_uploader(key="record_file").set_value(("visit.wav", wav_bytes(), "audio/wav"))
    at.text_input(key="record_patient_name").input(name)
    at.text_input(key="record_patient_mrn").input(mrn)
    at.run()
    at.button(key="record_submit_file").click().run()
    return at


def test_intake_stores_the_patient_and_every_page_names_them(app, services):
    at = _upload(app, "Ana Diaz", "4471902")
    assert not at.exception and at.title[0].value == "Encounters"
    [encounter] = services.store.list()
    assert (encounter.patient_name, encounter.patient_mrn) == ("Ana Diaz", "4471902")
    assert "Ana Diaz · MRN 4471902" in _text(at)
    for page in ("pages/transcript.py", "pages/privacy.py", "pages/review.py"):
        shown = app(page, encounter=encounter.id)
        assert "**Patient:** Ana Diaz · MRN 4471902" in _text(shown), page


def test_a_record_number_with_markup_is_refused_and_the_form_kept(app, services):
    at = _upload(app, "Ana Diaz", "<script>alert(1)</script>")
    assert at.title[0].value == "New encounter"
    assert "record number (MRN) is not valid" in at.error[0].value
    assert at.text_input(key="record_patient_name").value == "Ana Diaz"
    assert services.store.list() == []


def test_the_list_filters_by_patient_and_state(app, services, ready_id):
    services.store.update(ready_id, patient_name="Ben Okafor", patient_mrn="BO-17")
    at = app("pages/status.py")
    assert "Ben Okafor · MRN BO-17" in _text(at) and "Draft" in _text(at)
    at.text_input(key="status_patient").input("diaz").run()
    assert "No encounter matches this search." in _text(at)
    at.text_input(key="status_patient").input("okafor").run()
    at.selectbox(key="status_state").select("signed").run()
    assert "No encounter matches this search." in _text(at)
    at.selectbox(key="status_state").select("ready, not signed").run()
    assert "Ben Okafor" in _text(at)


def test_purging_a_signed_note_never_sent_warns_and_needs_the_confirmation(app, services, ready_id):
    note = services.store.note(ready_id)
    services.store.save_note(ready_id, Note(template=note.template, writer=note.writer, sections=[
        Section(s.key, s.title, [x for x in s.statements if not x.unsupported] or [Statement("Seen.", ["U1"])])
        for s in note.sections]))
    sign(services.store, ready_id, by=LOCAL, template=None, signer="Dana Smith, MD", confirmed_open_items=True)
    at = app("pages/privacy.py", encounter=ready_id)
    assert "signed but was never sent to the EHR" in _text(at)
    at.checkbox(key=f"privacy_confirm_{ready_id}").check().run()
    at.button(key="privacy_purge_one").click().run()
    assert not at.exception
    assert services.store.list() == []


def test_the_note_pdf_names_the_patient_and_the_ehr_id_starts_as_the_intake_mrn(app, services, ready_id):
    import subprocess

    from scribe_core.usecases.clinic_documents import ClinicDocuments

    services.store.update(ready_id, patient_name="Ana Diaz", patient_mrn="4471902")
    pdf = ClinicDocuments(services.scribe).note_pdf(ready_id, by=LOCAL)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Patient: Ana Diaz · MRN 4471902" in text
    at = app("pages/note.py", encounter=ready_id)
    assert at.text_input(key=f"doc_fhir_patient_{ready_id}").value == "4471902"
