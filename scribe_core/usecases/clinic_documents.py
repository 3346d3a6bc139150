"""The document use cases the Note page and the CLI call: each checks the viewer, reads the store, and
builds one document (or sends one), auditing what leaves the scribe.

    ClinicDocuments(scribe).note_document(id, by=…)           the note with its status, for any export
    .summary(id, by=…)                                       after-visit summary (LLM path when the
                                                             encounter's writer is an LLM, else offline)
    .referral(id, specialty, question, by=…)                 referral letter
    .save_edited / .edited_document(id, kind, by=…)          the summary or letter as the clinician edited it
    .fhir_bundle(id, patient, by=…) / .note_pdf / …          exports
    .sign / .amend / .versions                               sign-off (signoff.py)
    .send_to_ehr(id, patient, client, by=…)                  SMART-authorised FHIR create; recorded
    .ehr_copies(id)                                          what a purge here cannot delete
"""

from __future__ import annotations

from typing import Any

from ..access import SINGLE_USER, Viewer
from ..documents import pdf, signoff
from ..documents.edited import EditedDocument, EditedDocuments
from ..documents.ehr import EhrClient, SendReceipt
from ..documents.fhir import PatientId, document_bundle, document_reference
from ..documents.model import DRAFT, NoteDocument, PatientSummary, ReferralLetter
from ..documents.open_items import OpenItem, open_items
from ..documents.referral import draft_referral
from ..documents.summary import summarize
from ..documents.summary_llm import summarize_with_writer
from ..documents.versions import EhrCopy, NoteVersion, NoteVersions
from ..errors import InvalidStateError
from ..model import Note
from ..note_template import NoteTemplate
from ..patient import PatientIdentity
from .scribe import Scribe


class ClinicDocuments:
    def __init__(self, scribe: Scribe) -> None:
        self.scribe = scribe
        self.store = scribe.store
        self.templates = scribe.templates
        self.versions = NoteVersions(scribe.store)
        self.edited = EditedDocuments(scribe.store)

    def _template(self, name: str) -> NoteTemplate | None:
        return self.templates.all().get(name)

    def note_document(self, encounter_id: str, *, by: Viewer) -> NoteDocument:
        encounter = self.scribe.queries.encounter(by, encounter_id)  # refuses another's or a purged one
        note = self.scribe.queries.note(by, encounter_id)
        if note is None:
            raise InvalidStateError("This encounter has no note yet: wait until it is drafted.")
        template = self._template(note.template) or self.templates.get("soap")
        status = signoff.note_status(self.store, encounter_id)
        latest = status.latest
        return NoteDocument(encounter_id=encounter_id, encounter_start=encounter.created, template=template,
                            note=note, status=status.status, author=encounter.owner or by.name,
                            signed_by=latest.signed_by if latest else None,
                            signed_at=latest.signed_at if latest else None,
                            version=latest.version if latest else 0, patient=encounter.patient_label,
                            patient_mrn=encounter.patient_mrn)

    # -- sign-off --------------------------------------------------------------------------------
    def open_items(self, encounter_id: str, *, by: Viewer) -> list[OpenItem]:
        """What the clinician must confirm before signing (statements not backed, facts possibly missing)."""
        note = self.scribe.queries.note(by, encounter_id)
        return [] if note is None else open_items(self.scribe.queries.transcript(by, encounter_id), note)

    def signature(self, by: Viewer) -> str:
        """How `by` signs ("Dana Smith, MD"); "" until they gave a display name."""
        return self.scribe.accounts.signature(by.name)

    def sign(self, encounter_id: str, *, by: Viewer, confirmed_open_items: bool = False,
             signer: str = "") -> NoteVersion:
        """`signer`: the signature as typed on the CLI (--clinician); else the viewer's display name."""
        signer = signer or self.signature(by)
        if not signer and by.name == SINGLE_USER.username:
            # "local" names nobody: a signed record must say who signed it.
            raise InvalidStateError("Say once how you sign notes (your name and credentials, e.g. Dana Smith, MD) "
                                    "before signing.")
        note = self.store.note(encounter_id)
        return signoff.sign(self.store, encounter_id, by=by, template=self._template(note.template) if note else None,
                            signer=signer, confirmed_open_items=confirmed_open_items)

    def amend(self, encounter_id: str, note: Note, *, by: Viewer, reason: str) -> NoteVersion:
        return signoff.amend(self.store, encounter_id, note, by=by, reason=reason,
                             template=self._template(note.template), signer=self.signature(by))

    def versions_of(self, encounter_id: str, *, by: Viewer) -> list[NoteVersion]:
        self.scribe.queries.encounter(by, encounter_id)
        return self.versions.all(encounter_id)

    # -- patient and colleague documents ---------------------------------------------------------
    def summary(self, encounter_id: str, *, by: Viewer, clinician: str = "") -> PatientSummary:
        """`clinician`: the signature as typed on the CLI (--clinician); else the viewer's display name."""
        doc = self.note_document(encounter_id, by=by)
        encounter = self.store.get(encounter_id)
        writer = self.scribe.writer_for_engine(encounter.engine)
        transcript, signed = self.store.transcript(encounter_id), clinician or self.signature(by)
        if not self.scribe.sends_text_off(encounter.engine):
            return summarize(doc.note, doc.template, transcript, clinician=signed)
        summary, result = summarize_with_writer(
            doc.note, writer, patient=PatientIdentity(encounter.patient_name, encounter.patient_mrn),
            transcript=transcript, clinician=signed)
        for request_id in result.remote_request_ids:
            confirmed = any(d.remote_id == request_id and d.confirmed for d in result.remote_deletions)
            self.store.add_remote_request(encounter_id, "llm_request", request_id, deleted=confirmed)
        self.store.audit("summary_drafted", encounter_id, actor=by.name, remote_result=getattr(writer, "name", "llm"))
        return summary

    def referral(self, encounter_id: str, specialty: str, question: str = "", *, by: Viewer,
                 clinician: str = "") -> ReferralLetter:
        return draft_referral(self.note_document(encounter_id, by=by), specialty, question,
                              transcript=self.store.transcript(encounter_id),
                              clinician=clinician or self.signature(by))

    def save_edited(self, encounter_id: str, kind: str, title: str, text: str, *, by: Viewer) -> EditedDocument:
        """Keep the clinician's edit of the summary ("summary") or the referral letter ("letter")."""
        self.scribe.queries.encounter(by, encounter_id)  # refuses another's or a purged one
        saved = self.edited.save(encounter_id, kind, title, text, by=by.name)
        self.store.audit(f"{kind}_saved", encounter_id, actor=by.name)
        return saved

    def edited_document(self, encounter_id: str, kind: str, *, by: Viewer) -> EditedDocument | None:
        """The summary or letter as last saved for this encounter, if any."""
        self.scribe.queries.encounter(by, encounter_id)
        return self.edited.get(encounter_id, kind)

    # -- exports ---------------------------------------------------------------------------------
    def fhir_bundle(self, encounter_id: str, patient: PatientId, *, by: Viewer) -> dict[str, Any]:
        bundle = document_bundle(self.note_document(encounter_id, by=by), patient)
        self.store.audit("exported_fhir", encounter_id, actor=by.name)
        return bundle

    def note_pdf(self, encounter_id: str, *, by: Viewer) -> bytes:
        return pdf.note_pdf(self.note_document(encounter_id, by=by))

    def summary_pdf(self, encounter_id: str, summary: PatientSummary, *, by: Viewer) -> bytes:
        return pdf.summary_pdf(self.note_document(encounter_id, by=by), summary)

    def letter_pdf(self, encounter_id: str, letter: ReferralLetter, *, by: Viewer) -> bytes:
        return pdf.letter_pdf(self.note_document(encounter_id, by=by), letter)

    # -- Send to EHR -----------------------------------------------------------------------------
    def send_to_ehr(self, encounter_id: str, patient: PatientId, client: EhrClient, *, by: Viewer) -> SendReceipt:
        doc = self.note_document(encounter_id, by=by)
        if doc.status == DRAFT:
            raise InvalidStateError("Sign the note before sending it to the EHR: the EHR keeps what it receives.")
        # Checked again against the clinic's pattern, whoever built it: only a valid value reaches the EHR.
        patient = PatientId(patient.value, patient.system or client.settings.patient_id_system,
                            pattern=self.scribe.patient_id_pattern)
        receipt = client.send(document_reference(doc, patient, pdf=pdf.note_pdf(doc)))
        self.versions.record_send(encounter_id, doc.version, receipt.server_id, receipt.location, receipt.sent_at,
                                  by.name)
        self.store.audit("sent_to_ehr", encounter_id, actor=by.name,
                         remote_result=f"DocumentReference/{receipt.server_id} (version {doc.version})")
        return receipt

    def ehr_copies(self, encounter_id: str, *, by: Viewer) -> list[EhrCopy]:
        """Copies sent to an EHR; readable after a purge (no patient text), which cannot delete them."""
        by.check(self.store.get(encounter_id))
        return self.versions.sends(encounter_id)
