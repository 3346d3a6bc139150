"""Sign-off, amendments and Send to EHR through the document use cases, on a real encrypted store."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scribe_core.access import Viewer
from scribe_core.accounts import User
from scribe_core.bootstrap import build_services
from scribe_core.documents.ehr import EhrClient
from scribe_core.documents.ehr_settings import EhrSettings
from scribe_core.documents.fhir import PatientId
from scribe_core.documents.open_items import NOT_BACKED, POSSIBLY_MISSING, OpenItemsError
from scribe_core.documents.pdf import note_pdf, provenance_line
from scribe_core.documents.signoff import NoteSignedError, require_editable, version_diff
from scribe_core.errors import AccessDeniedError, InvalidStateError, RemoteServiceError
from scribe_core.model import Encounter, EncounterState, Statement
from scribe_core.usecases.clinic_documents import ClinicDocuments
from scribe_core.usecases.purging import UnsentSignedNoteError
from tests.documents.conftest import make_note, make_transcript
from tests.fakes.fhir_server import FakeEhr
from ui.actions import edited_note

ADA = Viewer(User("ada", "clinician"))
GRACE = Viewer(User("grace", "clinician"))


@pytest.fixture
def services(clean_scribe_env):
    # No engine runs here: the encounters are stored ready-made, so the transcribers are never built.
    return build_services(transcribers={"offline": lambda: None, "assemblyai": lambda: None})  # type: ignore[dict-item]


@pytest.fixture
def docs(services) -> ClinicDocuments:
    return ClinicDocuments(services.scribe)


@pytest.fixture
def encounter_id(services) -> str:
    store = services.store
    encounter = Encounter(id="enc-1", created=datetime(2026, 3, 4, 9, 30, tzinfo=UTC), source_name="visit.wav",
                          engine="offline", owner="ada", template="soap")
    store.add(encounter, io.BytesIO(b"RIFF-not-really-audio"), ".wav")
    store.save_transcript("enc-1", make_transcript())
    store.save_note("enc-1", make_note())
    store.update("enc-1", state=EncounterState.READY)
    return "enc-1"


def test_signing_makes_the_note_final_and_read_only_and_is_audited(docs, services, encounter_id):
    version = docs.sign(encounter_id, by=ADA)
    assert (version.version, version.status, version.signed_by) == (1, "final", "ada")
    doc = docs.note_document(encounter_id, by=ADA)
    assert doc.status == "final" and doc.signed_by == "ada" and doc.version == 1
    with pytest.raises(NoteSignedError, match="amend it"):
        require_editable(services.store, encounter_id)
    with pytest.raises(NoteSignedError):
        docs.sign(encounter_id, by=ADA)
    with pytest.raises(NoteSignedError):  # the app's own edit and re-draft paths refuse too
        services.scribe.save_note(encounter_id, make_note(), by=ADA)
    with pytest.raises(NoteSignedError):
        services.scribe.redraft(encounter_id, by=ADA, template="apso")
    assert services.store.note(encounter_id) == make_note()
    assert ("note_signed", "ada", "version 1") in {(a["action"], a["actor"], a["remote_result"])
                                                   for a in services.store.audit_log()}


def test_a_note_with_unsupported_statements_or_an_empty_required_section_cannot_be_signed(docs, services,
                                                                                          encounter_id):
    note = make_note()
    note.sections[3].statements.append(Statement("Return if symptoms worsen.", []))
    note.sections[2].statements = []
    services.store.save_note(encounter_id, note)
    with pytest.raises(InvalidStateError) as caught:
        docs.sign(encounter_id, by=ADA)
    assert "1 statement(s) are marked unsupported" in str(caught.value)
    assert "required section 'Assessment' is empty" in str(caught.value)


def test_an_amendment_is_a_new_version_with_its_reason_and_the_difference_visible(docs, services, encounter_id):
    docs.sign(encounter_id, by=ADA)
    changed = make_note()
    changed.sections[3].statements[0] = Statement("Increase amlodipine to 10 mg once a day.", ["U7"])
    amended = docs.amend(encounter_id, changed, by=ADA, reason="Aspirin was not started after all.")
    assert (amended.version, amended.status, amended.reason) == (2, "amended", "Aspirin was not started after all.")
    first, second = docs.versions_of(encounter_id, by=ADA)
    assert "start aspirin 75 mg daily" in first.note.to_markdown()  # the signed version is kept as it was
    diff = version_diff(first, second)
    assert any(line.startswith("-") and "aspirin" in line for line in diff)
    assert any(line.startswith("+- Increase amlodipine to 10 mg once a day.") for line in diff)
    assert docs.note_document(encounter_id, by=ADA).status == "amended"
    assert "version 2 amends version 1" in {a["remote_result"] for a in services.store.audit_log()}
    with pytest.raises(InvalidStateError, match="Say why"):
        docs.amend(encounter_id, make_note(), by=ADA, reason=" ")


def test_versions_are_encrypted_at_rest_and_purged_with_the_encounter(docs, services, encounter_id):
    docs.sign(encounter_id, by=ADA)
    raw = sqlite3.connect(services.store.db_path).execute("SELECT body FROM note_versions").fetchone()[0]
    assert "amlodipine" not in raw
    with pytest.raises(UnsentSignedNoteError, match="never sent to the EHR"):
        services.scribe.purge(encounter_id, by=ADA)  # the only copy of a signed record: warned first
    assert services.scribe.purge_warnings(encounter_id, by=ADA)
    services.scribe.purge(encounter_id, by=ADA, unsent_signed_ok=True)
    rows = sqlite3.connect(services.store.db_path).execute("SELECT COUNT(*) FROM note_versions").fetchone()[0]
    assert rows == 0


def test_an_edited_summary_and_letter_are_kept_sealed_for_their_clinician_and_purged(docs, services, encounter_id):
    docs.save_edited(encounter_id, "summary", "Your visit summary", "Take amlodipine 5 mg each morning.", by=ADA)
    docs.save_edited(encounter_id, "letter", "Referral to Cardiology", "Dear colleague, amlodipine ...", by=ADA)
    docs.save_edited(encounter_id, "summary", "Your visit summary", "Take amlodipine 10 mg each morning.", by=ADA)
    again = ClinicDocuments(build_services(transcribers={"offline": lambda: None}).scribe)  # type: ignore[dict-item]
    summary = again.edited_document(encounter_id, "summary", by=ADA)
    letter = again.edited_document(encounter_id, "letter", by=ADA)
    assert summary is not None and summary.text == "Take amlodipine 10 mg each morning." and summary.saved_by == "ada"
    assert letter is not None and letter.title == "Referral to Cardiology"
    with pytest.raises(AccessDeniedError):
        docs.edited_document(encounter_id, "summary", by=GRACE)
    with pytest.raises(AccessDeniedError):
        docs.save_edited(encounter_id, "summary", "Your visit summary", "Overwritten.", by=GRACE)
    raw = sqlite3.connect(services.store.db_path).execute("SELECT title || body FROM edited_documents").fetchall()
    assert raw and not any("amlodipine" in r[0] or "Cardiology" in r[0] for r in raw)
    assert [e["action"] for e in services.store.audit_log()][:3] == ["summary_saved", "letter_saved", "summary_saved"]
    tombstone = services.scribe.purge(encounter_id, by=ADA)
    assert "edited summary and letter" in tombstone.deleted
    assert sqlite3.connect(services.store.db_path).execute("SELECT COUNT(*) FROM edited_documents").fetchone()[0] == 0


def test_another_clinician_cannot_sign_or_export_the_note(docs, encounter_id):
    with pytest.raises(AccessDeniedError):
        docs.sign(encounter_id, by=GRACE)
    with pytest.raises(AccessDeniedError):
        docs.note_pdf(encounter_id, by=GRACE)


@pytest.fixture
def ehr(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = tmp_path / "scribe.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with FakeEhr(public_keys={"scribe": public}, known_patients={"MRN-1"}) as fake:
        settings = EhrSettings(base_url=fake.base_url, token_url=fake.token_url, client_id="scribe",
                               private_key_file=private, patient_id_system="urn:oid:1.2.3")
        yield fake, EhrClient(settings, sleep=lambda s: None)


def test_a_draft_is_not_sent_and_a_signed_note_is_sent_recorded_and_survives_purge_as_a_record(docs, services,
                                                                                               encounter_id, ehr):
    fake, client = ehr
    with pytest.raises(InvalidStateError, match="Sign the note"):
        docs.send_to_ehr(encounter_id, PatientId("MRN-1"), client, by=ADA)
    assert fake.documents == {}
    docs.sign(encounter_id, by=ADA)
    receipt = docs.send_to_ehr(encounter_id, PatientId("MRN-1"), client, by=ADA)
    sent = fake.documents[receipt.server_id]
    assert sent["docStatus"] == "final" and sent["subject"]["identifier"] == {"system": "urn:oid:1.2.3",
                                                                               "value": "MRN-1"}
    assert [c["attachment"]["contentType"] for c in sent["content"]] == ["text/plain; charset=utf-8",
                                                                          "application/pdf"]
    copies = docs.ehr_copies(encounter_id, by=ADA)
    assert [(c.server_id, c.version, c.sent_by) for c in copies] == [(receipt.server_id, 1, "ada")]
    audit = json.dumps(services.store.audit_log())
    assert f"DocumentReference/{receipt.server_id}" in audit and "MRN-1" not in audit
    tombstone = services.scribe.purge(encounter_id, by=ADA)
    assert [c.server_id for c in docs.ehr_copies(encounter_id, by=ADA)] == [receipt.server_id]
    kept = [r for r in tombstone.remote if r.what == "ehr_document"]
    assert [(r.remote_id, r.confirmed) for r in kept] == [(f"DocumentReference/{receipt.server_id}", False)]
    assert "a purge here does not delete it" in kept[0].detail
    assert "ehr_copy_kept" in {a["action"] for a in services.store.audit_log()}


def test_a_refused_send_records_nothing(docs, services, encounter_id, ehr):
    fake, client = ehr
    docs.sign(encounter_id, by=ADA)
    with pytest.raises(RemoteServiceError, match="Unknown patient"):
        docs.send_to_ehr(encounter_id, PatientId("MRN-404"), client, by=ADA)
    assert docs.ehr_copies(encounter_id, by=ADA) == []
    assert "sent_to_ehr" not in {a["action"] for a in services.store.audit_log()}


def test_a_specialty_or_clinic_template_drafts_through_the_app(services, encounter_id):
    from scribe_core.documents.templates import builtin_templates
    from scribe_core.note_template import NoteTemplate, SectionSpec

    services.scribe.redraft(encounter_id, by=ADA, template="cardiology_followup")
    services.worker.enqueue(encounter_id).result(timeout=60)  # the re-draft is a job
    note = services.store.note(encounter_id)
    assert [s.key for s in note.sections] == [s.key for s in builtin_templates()["cardiology_followup"].sections]
    services.templates.save_custom(NoteTemplate("brief", "Brief note", (
        SectionSpec("assessment", "Impression", "The clinician's impression.", "51848-0", True),
        SectionSpec("plan", "Next steps", "What happens next, with doses.", "18776-5", True))))
    services.scribe.redraft(encounter_id, by=ADA, template="brief")
    services.worker.enqueue(encounter_id).result(timeout=60)
    assert [s.title for s in services.store.note(encounter_id).sections] == ["Impression", "Next steps"]
    with pytest.raises(Exception, match="Unknown note template 'nope'"):
        services.scribe.redraft(encounter_id, by=ADA, template="nope")


def test_an_llm_encounters_summary_goes_through_its_writer_and_the_request_is_kept_for_purge(clean_scribe_env):
    from scribe_core.notes.llm import ChatCompletionsNoteWriter
    from tests.fakes.assemblyai import FakeAssemblyAI

    with FakeAssemblyAI() as fake:
        writer = ChatCompletionsNoteWriter(base_url=fake.gateway_url, model="m", api_key=fake.api_key,
                                           sleep=lambda s: None)
        built = build_services(transcribers={"offline": lambda: None, "assemblyai": lambda: None},  # type: ignore[dict-item]  # never built
                               writer_for_engine=lambda engine: writer)
        store = built.store
        store.add(Encounter(id="enc-2", created=datetime(2026, 3, 4, tzinfo=UTC), source_name="v.wav",
                            engine="assemblyai", owner="ada"), io.BytesIO(b"audio"), ".wav")
        store.save_transcript("enc-2", make_transcript())
        store.save_note("enc-2", make_note())
        store.update("enc-2", state=EncounterState.READY)
        summary = ClinicDocuments(built.scribe).summary("enc-2", by=ADA)
        assert summary.writer == "llm:m" and summary.sentences()
        requests = store.remote_requests("enc-2")
        assert requests and all(kind == "llm_request" and deleted for kind, _, deleted in requests)
        assert "summary_drafted" in {a["action"] for a in store.audit_log()}


def test_show_json_gives_the_sign_off_and_each_send_to_the_ehr(docs, services, encounter_id, ehr, capsys):
    from scribe_core.cli import main

    def shown() -> dict:
        capsys.readouterr()
        assert main(["show", encounter_id, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    draft = shown()
    assert draft["sign_off"] == {"status": "preliminary", "version": None, "signed_by": None, "signed_at": None}
    assert draft["ehr_sends"] == []

    fake, client = ehr
    signed = docs.sign(encounter_id, by=ADA)
    receipt = docs.send_to_ehr(encounter_id, PatientId("MRN-1"), client, by=ADA)
    amended_note = make_note()
    amended_note.sections[0].statements.append(Statement("Denies shortness of breath.", ["U2"]))
    amended = docs.amend(encounter_id, amended_note, by=ADA, reason="added a negative")
    data = shown()
    assert data["sign_off"] == {"status": "amended", "version": 2, "signed_by": amended.signed_by,
                                "signed_at": amended.signed_at.isoformat()}
    assert signed.version == 1
    assert data["ehr_sends"] == [{"version": 1, "server_id": receipt.server_id, "location": receipt.location,
                                  "sent_at": receipt.sent_at.isoformat(), "sent_by": "ada"}]
    assert receipt.server_id in fake.documents


# --- signing asks first; the signature's name; what the PDF claims about each line ----------------

def _flag_a_statement(services, encounter_id):
    """A drafted line whose number its citation does not say (the note said 10 mg; the patient said 5 mg)."""
    note = make_note()
    note.sections[0].statements[1] = Statement("Takes amlodipine 20 mg once a day and atorvastatin 40 mg at night.",
                                               ["U3"])
    services.store.save_note(encounter_id, note)


def test_open_items_must_be_confirmed_before_the_signature_is_applied(docs, services, encounter_id):
    _flag_a_statement(services, encounter_id)
    items = docs.open_items(encounter_id, by=ADA)
    assert [i.kind for i in items if i.kind == NOT_BACKED] == [NOT_BACKED]
    assert "20 mg" in items[0].text and "U3" in items[0].detail
    with pytest.raises(OpenItemsError, match="need your confirmation") as refused:
        docs.sign(encounter_id, by=ADA)
    assert refused.value.items == items
    assert docs.note_document(encounter_id, by=ADA).status == "preliminary"  # nothing was signed
    version = docs.sign(encounter_id, by=ADA, confirmed_open_items=True)
    assert version.status == "final"
    audit = [a for a in services.store.audit_log() if a["action"] == "note_signed"]
    assert audit[0]["remote_result"] == f"version 1; open items confirmed: {len(items)}"


def test_a_fact_the_note_left_out_is_an_open_item(docs, services, encounter_id):
    note = make_note()
    note.sections[3].statements = note.sections[3].statements[:1]  # drops the stress echo and the 911 advice
    services.store.save_note(encounter_id, note)
    kinds = {i.kind for i in docs.open_items(encounter_id, by=ADA)}
    assert POSSIBLY_MISSING in kinds


def test_the_signature_reads_as_the_signers_display_name(docs, services, encounter_id):
    assert docs.signature(ADA) == ""
    assert services.scribe.accounts.set_signature("ada", " Ada  Lovelace ", "MD") == "Ada Lovelace, MD"
    version = docs.sign(encounter_id, by=ADA, confirmed_open_items=True)
    assert version.signed_by == "Ada Lovelace, MD"
    assert any(a["action"] == "note_signed" and a["actor"] == "ada" for a in services.store.audit_log())


def test_the_pdf_tells_drafted_lines_from_edited_and_added_ones(docs, services, encounter_id):
    note = make_note()
    assert provenance_line(note) == "8 lines drafted from cited utterances."
    texts = {"plan": "Increase amlodipine to 10 mg once a day and start aspirin 75 mg daily.\n"
                     "Stress echo ordered; follow-up in four weeks.\n"
                     "Call 911 for chest pain at rest or pain lasting more than 15 minutes.\n"
                     "Discussed smoking cessation."}
    edited = edited_note(note, texts)
    assert provenance_line(edited) == ("7 lines drafted from cited utterances, 1 edited by the clinician, "
                                       "1 added by the clinician.")
    edited.edited = True
    services.store.save_note(encounter_id, edited)
    pdf = note_pdf(docs.note_document(encounter_id, by=ADA))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "7 lines drafted from cited utterances, 1 edited by the clinician, 1 added by the clinician." in \
        " ".join(text.split())
    assert "every line is built only" not in text
