"""The Note page's documents panel: sign-off and amendments, after-visit summary, referral letter,
exports (PDF, FHIR) and Send to EHR. Every action is one call into scribe_core.documents.

The summary and letter a clinician drafts or edits are saved with the encounter (sealed, deleted by
purge) and shown again in any later session; never in st.cache_data (shared by every user of the server).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from scribe_core.access import Viewer
from scribe_core.bootstrap import Services
from scribe_core.documents.ehr import EhrClient
from scribe_core.documents.ehr_settings import EhrSettings
from scribe_core.documents.fhir import PatientId
from scribe_core.documents.model import DRAFT, NoteDocument
from scribe_core.documents.open_items import OpenItemsError
from scribe_core.documents.pdf import edited_text_pdf
from scribe_core.documents.sentence_check import failing_lines, lines_to_check
from scribe_core.documents.signoff import signing_problems, version_diff
from scribe_core.documents.summary import reading_grade
from scribe_core.errors import ScribeError
from scribe_core.model import Encounter, Note
from scribe_core.usecases.clinic_documents import ClinicDocuments
from ui import actions
from ui.components import md_escape
from ui.labels import when
from ui.local_time import viewer_zone


def note_is_signed(services: Services, viewer: Viewer, encounter_id: str) -> bool:
    """Whether the note is final (read-only): the page disables editing and re-drafting then."""
    try:
        return services.documents.note_document(encounter_id, by=viewer).status != DRAFT
    except ScribeError:
        return False


def status_badge(doc: NoteDocument) -> None:
    if doc.status == DRAFT:
        st.badge("Draft: not signed", icon=":material/edit_note:", color="orange")
    else:
        st.badge(f"{doc.status_label}: version {doc.version}, signed by {doc.signed_by} "
                 f"on {when(doc.signed_at, viewer_zone())}", icon=":material/verified:", color="green")


def _signer_form(docs: ClinicDocuments, viewer: Viewer) -> str:
    """How the viewer signs ("Dana Smith, MD"): asked once, then shown with the Sign button."""
    signature = docs.signature(viewer)
    if signature:
        st.caption(f"You sign as **{md_escape(signature)}**.")
        return signature
    st.info("Say once how you sign notes: the signed note and its PDF show this name.", icon=":material/badge:")
    name_col, cred_col = st.columns([3, 2])
    name = name_col.text_input("Your name", key="doc_signer_name", placeholder="Dana Smith")
    credentials = cred_col.text_input("Credentials", key="doc_signer_credentials", placeholder="MD")
    if st.button("Save my signature", key="doc_signer_save", icon=":material/badge:"):
        try:
            signature = docs.scribe.accounts.set_signature(viewer.name, name, credentials)
            st.rerun()
        except ScribeError as err:
            st.error(str(err))
    return signature


def _sign(docs: ClinicDocuments, viewer: Viewer, encounter_id: str, *, confirmed: bool) -> None:
    try:
        version = docs.sign(encounter_id, by=viewer, confirmed_open_items=confirmed)
    except OpenItemsError:
        st.session_state[f"doc_confirm_{encounter_id}"] = True  # the core listed open items: ask first
        st.rerun()
    except ScribeError as err:
        st.error(str(err))
    else:
        st.session_state.pop(f"doc_confirm_{encounter_id}", None)
        st.session_state["doc_flash"] = f"Signed: version {version.version}, as {version.signed_by}."
        st.rerun()


def _confirm_open_items(docs: ClinicDocuments, viewer: Viewer, encounter_id: str) -> None:
    """The confirmation step: what the core says is still open, listed before the signature is applied."""
    items = docs.open_items(encounter_id, by=viewer)
    with st.container(border=True, key="doc_confirm_panel"):
        st.markdown(f"##### :material/rule: Before you sign: {len(items)} open item(s)")
        st.markdown("\n".join(f"- **{md_escape(i.kind.capitalize())}:** {md_escape(i.text)} "
                               f":gray[({md_escape(i.detail)})]" for i in items))
        st.caption("Signing makes the note final. Check these against the recording, or confirm that the note is "
                   "right as it stands.")
        with st.container(horizontal=True):
            if st.button("Confirm and sign", key="doc_sign_confirm", type="primary", icon=":material/verified:"):
                _sign(docs, viewer, encounter_id, confirmed=True)
            if st.button("Go back to the note", key="doc_sign_cancel"):
                st.session_state.pop(f"doc_confirm_{encounter_id}", None)
                st.rerun()


def _sign_tab(docs: ClinicDocuments, viewer: Viewer, doc: NoteDocument) -> None:
    if doc.status == DRAFT:
        problems = signing_problems(doc.note, doc.template)
        for problem in problems:
            st.warning(problem[:1].upper() + problem[1:] + ".", icon=":material/rule:")
        _signer_form(docs, viewer)
        st.caption("Signing makes the note final and read-only. Later changes are kept as amendments.")
        if st.session_state.get(f"doc_confirm_{doc.encounter_id}") and not problems:
            _confirm_open_items(docs, viewer, doc.encounter_id)
        elif st.button("Sign as final", key="doc_sign", type="primary", icon=":material/verified:",
                       disabled=bool(problems)):
            _sign(docs, viewer, doc.encounter_id, confirmed=False)
        return
    versions = docs.versions_of(doc.encounter_id, by=viewer)
    for v in versions:
        st.markdown(f"**Version {v.version}** · {v.status} · {v.signed_by} · {when(v.signed_at, viewer_zone())}"
                    + (f" · _{v.reason}_" if v.reason else ""))
    if len(versions) > 1:
        with st.expander("What each amendment changed", icon=":material/difference:"):
            for old, new in zip(versions, versions[1:], strict=False):
                st.code("\n".join(version_diff(old, new)), language="diff")
    with st.expander("Amend the signed note", icon=":material/edit:"):
        st.caption("The signed version is kept. Your change becomes a new version, signed by you.")
        keys = {sec.key: f"doc_amend_{doc.encounter_id}_{doc.version}_{sec.key}" for sec in doc.note.sections}
        for sec in doc.note.sections:
            st.text_area(sec.title, value=actions.note_as_text(sec.statements), key=keys[sec.key])
        reason = st.text_input("Why is it amended?", key=f"doc_amend_reason_{doc.encounter_id}")
        if st.button("Sign the amendment", key="doc_amend", type="primary"):
            texts = {k: st.session_state[key] for k, key in keys.items() if key in st.session_state}
            changed: Note = actions.edited_note(doc.note, texts)
            try:
                version = docs.amend(doc.encounter_id, changed, by=viewer, reason=reason)
                st.session_state["doc_flash"] = f"Amended: version {version.version}."
                st.rerun()
            except ScribeError as err:
                st.error(str(err))


SUMMARY_TITLE = "Your visit summary"


def _saved_edit(docs: ClinicDocuments, viewer: Viewer, encounter_id: str, kind: str, key: str) -> None:
    """Show the summary or letter as last saved (another session, a reload, a restart) unless this session
    already has it open, and say when it was saved."""
    saved = docs.edited_document(encounter_id, kind, by=viewer)
    if saved is None:
        return
    if key not in st.session_state:
        st.session_state[key] = saved.text
        st.session_state[f"{key}_title"] = saved.title
    st.caption(f"Saved {when(saved.saved_at, viewer_zone())} by {saved.saved_by}.")


def _keep_edit(docs: ClinicDocuments, viewer: Viewer, encounter_id: str, kind: str, key: str) -> None:
    """Save the text area's text (its on_change, and right after a draft)."""
    docs.save_edited(encounter_id, kind, st.session_state.get(f"{key}_title", SUMMARY_TITLE),
                     st.session_state[key], by=viewer)


def _reading_level(text: str) -> None:
    """The reading grade, shown only when every line is a whole sentence (a grade of fragments means nothing)."""
    failing = failing_lines(text)
    sentences = lines_to_check(text)
    if sentences and not failing:
        st.metric("Reading level (Flesch-Kincaid grade)", f"{reading_grade(' '.join(sentences)):.1f}",
                  help="Aim for 8 or lower.")
        return
    st.caption("Reading level not shown: " + ("no sentences yet." if not sentences else
               "these lines are not whole sentences a patient can read on their own:"))
    for line, problem in failing:
        st.markdown(f"- {md_escape(line)} ({problem})")


def _summary_tab(docs: ClinicDocuments, viewer: Viewer, doc: NoteDocument, text_leaves: bool) -> None:
    key = f"doc_summary_{doc.encounter_id}"
    st.caption("Plain language for the patient: what was found and what to do from the note; medicines, when to "
               "come back and warning signs from what was said at the visit. Signed with your display name."
               + (" The note's statements (the patient's name and number masked) are sent to the note-writing LLM "
                  "endpoint." if text_leaves else ""))
    if not docs.signature(viewer):
        st.caption("Until you say how you sign (the Sign-off tab), the summary and letter end \"Unsigned draft\".")
    if st.button("Write the after-visit summary" if key not in st.session_state else "Write it again",
                 key="doc_summary_make", icon=":material/summarize:"):
        try:
            summary = docs.summary(doc.encounter_id, by=viewer)
            if summary.sentences():
                st.session_state[key] = summary.text()
                st.session_state[f"{key}_title"] = SUMMARY_TITLE
                _keep_edit(docs, viewer, doc.encounter_id, "summary", key)
            else:
                st.warning("The note has no assessment, plan, medicines or follow-up a summary could restate yet.")
        except ScribeError as err:
            st.error(str(err))
    _saved_edit(docs, viewer, doc.encounter_id, "summary", key)
    if key in st.session_state:
        text = st.text_area("After-visit summary (editable, saved as you leave the box)", key=key, height=320,
                            on_change=_keep_edit, args=(docs, viewer, doc.encounter_id, "summary", key))
        _reading_level(text)
        st.download_button("Download summary PDF", edited_text_pdf(SUMMARY_TITLE, doc, text),
                           file_name=f"summary-{doc.encounter_id}.pdf", mime="application/pdf",
                           key="doc_summary_pdf", icon=":material/print:", on_click="ignore")


def _letter_tab(docs: ClinicDocuments, viewer: Viewer, doc: NoteDocument) -> None:
    key = f"doc_letter_{doc.encounter_id}"
    specialty = st.text_input("Refer to (specialty)", key="doc_letter_specialty", placeholder="Cardiology")
    question = st.text_area("Question for the specialist", key="doc_letter_question", height=80)
    if st.button("Draft the referral letter", key="doc_letter_make", icon=":material/mail:",
                 disabled=not specialty.strip()):
        try:
            st.session_state[key] = docs.referral(doc.encounter_id, specialty, question, by=viewer).text()
            st.session_state[f"{key}_title"] = f"Referral to {specialty.strip()}"
            _keep_edit(docs, viewer, doc.encounter_id, "letter", key)
        except (ScribeError, ValueError) as err:
            st.error(str(err))
    _saved_edit(docs, viewer, doc.encounter_id, "letter", key)
    if key in st.session_state:
        text = st.text_area("Referral letter (editable, saved as you leave the box)", key=key, height=360,
                            on_change=_keep_edit, args=(docs, viewer, doc.encounter_id, "letter", key))
        title = st.session_state.get(f"{key}_title", "Referral to a specialist")
        st.download_button("Download letter PDF", edited_text_pdf(title, doc, text),
                           file_name=f"referral-{doc.encounter_id}.pdf", mime="application/pdf",
                           key="doc_letter_pdf", icon=":material/print:", on_click="ignore")


def _export_tab(docs: ClinicDocuments, viewer: Viewer, doc: NoteDocument, settings: EhrSettings) -> None:
    st.download_button("Download note PDF", docs.note_pdf(doc.encounter_id, by=viewer),
                       file_name=f"note-{doc.encounter_id}.pdf", mime="application/pdf", key="doc_note_pdf",
                       icon=":material/print:", on_click="ignore")
    patient = st.text_input("Patient id in the EHR (MRN, or Patient/<id>)",
                            key=f"doc_fhir_patient_{doc.encounter_id}",
                            value=doc.patient_mrn,
                            help="Only this identifier goes into the export; the scribe keeps no demographics.")
    key = f"doc_fhir_{doc.encounter_id}"
    if st.button("Prepare the FHIR R4 document", key="doc_fhir_make", icon=":material/data_object:",
                 disabled=not patient.strip()):
        try:  # an export is audited once, when it is made
            st.session_state[key] = docs.fhir_bundle(
                doc.encounter_id, PatientId(patient.strip(), settings.patient_id_system), by=viewer)
        except ScribeError as err:
            st.error(str(err))
    if key in st.session_state:
        st.download_button("Download FHIR R4 document (JSON)", json.dumps(st.session_state[key], indent=2),
                           file_name=f"note-{doc.encounter_id}.fhir.json", mime="application/fhir+json",
                           key="doc_fhir", icon=":material/data_object:", on_click="ignore")


def _send_tab(docs: ClinicDocuments, viewer: Viewer, doc: NoteDocument, settings: EhrSettings,
              ehr_client: Callable[[], EhrClient]) -> None:
    for copy in docs.ehr_copies(doc.encounter_id, by=viewer):
        st.success(f"Version {copy.version} sent by {copy.sent_by} on {when(copy.sent_at, viewer_zone())}: "
                   f"DocumentReference/{copy.server_id}. Purging here does not delete the EHR's copy.",
                   icon=":material/cloud_done:")
    if not settings.configured:
        st.info("Sending is off. Set SCRIBE_FHIR_BASE_URL, SCRIBE_FHIR_CLIENT_ID and SCRIBE_FHIR_PRIVATE_KEY_FILE "
                "(see docs/documents.md) and restart the app.", icon=":material/settings:")
        return
    patient = st.text_input("Patient id in the EHR (MRN, or Patient/<id>)",
                            key=f"doc_send_patient_{doc.encounter_id}",
                            value=doc.patient_mrn)
    if doc.status == DRAFT:
        st.caption("Sign the note first: the EHR keeps what it receives.")
    if st.button("Send to EHR", key="doc_send", type="primary", icon=":material/send:",
                 disabled=doc.status == DRAFT or not patient.strip()):
        try:
            receipt = docs.send_to_ehr(doc.encounter_id, PatientId(patient.strip(), settings.patient_id_system),
                                       ehr_client(), by=viewer)
            st.session_state["doc_flash"] = f"Sent: DocumentReference/{receipt.server_id}."
            st.rerun()
        except ScribeError as err:
            st.error(f"Not sent. {err}", icon=":material/cloud_off:")


def documents_panel(services: Services, viewer: Viewer, encounter: Encounter) -> None:
    docs = services.documents
    text_leaves = services.scribe.sends_text_off(encounter.engine)
    try:
        doc = docs.note_document(encounter.id, by=viewer)
    except ScribeError as err:
        st.error(str(err))
        return
    settings = EhrSettings.from_settings(services.settings)
    st.subheader("Sign-off and documents")
    status_badge(doc)
    if "doc_flash" in st.session_state:
        st.success(st.session_state.pop("doc_flash"))
    sign, summary, letter, export, send = st.tabs(["Sign-off", "After-visit summary", "Referral letter", "Export",
                                                   "Send to EHR"])
    with sign:
        _sign_tab(docs, viewer, doc)
    with summary:
        _summary_tab(docs, viewer, doc, text_leaves)
    with letter:
        _letter_tab(docs, viewer, doc)
    with export:
        _export_tab(docs, viewer, doc, settings)
    with send:
        _send_tab(docs, viewer, doc, settings, services.ehr_client)
