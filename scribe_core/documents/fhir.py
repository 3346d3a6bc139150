"""FHIR R4 exports of a note: a document Bundle (Composition first) and a DocumentReference.

The scribe keeps no demographics, so the patient is only an identifier the clinician types: a FHIR
id ("Patient/123") becomes a literal reference, anything else (an MRN) a logical reference by
identifier, under the configured identifier system. The Bundle carries a Patient resource holding
that identifier and nothing else, and an Encounter with the visit's time, so the document stands on
its own (FHIR documents resolve their references inside the Bundle).

Plain dicts: the export needs no FHIR library at run time; the tests validate every resource with
the `fhir.resources` R4B models, and the fake EHR validates what it receives the same way.
"""

from __future__ import annotations

import base64
import html
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import ConfigurationError
from ..loinc import LOINC_SYSTEM
from ..model import Section, utc_now
from ..patient import DEFAULT_ID_PATTERN, valid_patient_id
from .model import DRAFT, NoteDocument

# Stable ids: the same note version always exports with the same identifiers, so a resend is
# recognisable as the same document by the receiving system.
_NAMESPACE = uuid.UUID("5b0c7f0e-4f8e-4c69-9d65-2a8f0d1c5e11")
SCRIBE_SYSTEM = "urn:ai-scribe:encounter"
URI_SYSTEM = "urn:ietf:rfc:3986"
XHTML = "http://www.w3.org/1999/xhtml"
CATEGORY_SYSTEM = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
EMPTY_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_FHIR_ID = r"[A-Za-z0-9\-.]{1,64}"  # FHIR R4 id datatype


@dataclass(frozen=True)
class PatientId:
    """What the clinician typed to say who the patient is in the EHR."""

    value: str
    system: str = ""  # e.g. the EHR's MRN system URI (SCRIBE_FHIR_PATIENT_ID_SYSTEM)
    pattern: str = DEFAULT_ID_PATTERN  # what an MRN must match in full (SCRIBE_PATIENT_ID_PATTERN)

    def __post_init__(self) -> None:
        """Only a checked value ever reaches Patient.identifier: an MRN matching the pattern, or a FHIR id."""
        value = self.value.strip()
        if not value:
            raise ConfigurationError("Type the patient's identifier in the EHR (an MRN, or Patient/<id>), "
                                     "without spaces.")
        if value.startswith("Patient/"):
            valid_patient_id(value[8:], _FHIR_ID, what="identifier in the EHR (Patient/<id>; the id is letters, "
                             "digits, dashes and dots)")
        else:
            valid_patient_id(value, self.pattern, what="identifier in the EHR (an MRN, or Patient/<id>)")
        object.__setattr__(self, "value", value)

    @property
    def fhir_id(self) -> str | None:
        value = self.value.strip()
        return value.split("/", 1)[1] if value.startswith("Patient/") and len(value) > 8 else None

    def identifier(self) -> dict[str, str]:
        ident = {"value": self.fhir_id or self.value.strip()}
        return {"system": self.system, **ident} if self.system and not self.fhir_id else ident

    def reference(self) -> dict[str, Any]:
        """A reference usable outside the Bundle (the DocumentReference sent on its own)."""
        if self.fhir_id:
            return {"reference": f"Patient/{self.fhir_id}"}
        return {"type": "Patient", "identifier": self.identifier()}


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(map(str, parts))))


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _statement_line(text: str, unsupported: bool) -> str:
    return html.escape(text) + (" <b>[unsupported: check against the recording]</b>" if unsupported else "")


def section_narrative(section: Section) -> str:
    if not section.statements:
        return f'<div xmlns="{XHTML}"><p>Nothing recorded.</p></div>'
    items = "".join(f"<li>{_statement_line(s.text, s.unsupported)}</li>" for s in section.statements)
    return f'<div xmlns="{XHTML}"><ul>{items}</ul></div>'


def note_text(doc: NoteDocument) -> str:
    """The note as plain text: the DocumentReference attachment."""
    lines = [f"{doc.template.title}", f"Encounter date: {doc.encounter_start:%Y-%m-%d}",
             f"Status: {doc.status_label}"]
    if doc.signed_by and doc.signed_at:
        lines.append(f"Signed by {doc.signed_by} at {doc.signed_at:%Y-%m-%d %H:%M} UTC")
    for sec in doc.note.sections:
        lines += ["", sec.title.upper()]
        lines += [f"- {s.text}" + (" [unsupported: check]" if s.unsupported else "") for s in sec.statements] or [
            "- Nothing recorded."]
    return "\n".join(lines) + "\n"


def _sections(doc: NoteDocument) -> list[dict[str, Any]]:
    specs = {s.key: s for s in doc.template.sections}
    out = []
    for sec in doc.note.sections:
        entry: dict[str, Any] = {"title": sec.title,
                                 "text": {"status": "generated", "div": section_narrative(sec)}}
        spec = specs.get(sec.key)
        if spec is not None and spec.loinc:
            entry["code"] = {"coding": [{"system": LOINC_SYSTEM, "code": spec.loinc}], "text": sec.title}
        else:
            entry["code"] = {"text": sec.title}
        if not sec.statements:
            entry["emptyReason"] = {"coding": [{"system": EMPTY_REASON_SYSTEM, "code": "unavailable"}]}
        out.append(entry)
    return out


def _doc_type(doc: NoteDocument) -> dict[str, Any]:
    coding = {"system": LOINC_SYSTEM, "code": doc.template.loinc}
    if doc.template.loinc_display:
        coding["display"] = doc.template.loinc_display
    return {"coding": [coding], "text": doc.template.title}


def composition(doc: NoteDocument, patient_ref: dict[str, Any], encounter_ref: dict[str, Any],
                *, now: datetime | None = None) -> dict[str, Any]:
    date = doc.signed_at or now or utc_now()
    author = {"display": doc.author or doc.signed_by or "Clinician (not named)"}
    resource: dict[str, Any] = {
        "resourceType": "Composition",
        "id": _uuid("composition", doc.encounter_id, doc.version),
        "identifier": {"system": URI_SYSTEM,
                       "value": f"urn:uuid:{_uuid('composition', doc.encounter_id, doc.version)}"},
        "status": doc.status,
        "type": _doc_type(doc),
        "subject": patient_ref,
        "encounter": encounter_ref,
        "date": _instant(date),
        "author": [author],
        "title": doc.template.title,
        "section": _sections(doc),
    }
    if doc.status != DRAFT and doc.signed_by and doc.signed_at:
        resource["attester"] = [{"mode": "legal", "time": _instant(doc.signed_at), "party": {"display": doc.signed_by}}]
    return resource


def document_bundle(doc: NoteDocument, patient: PatientId, *, now: datetime | None = None) -> dict[str, Any]:
    """A FHIR document: Composition, then the Patient (identifier only) and the Encounter it refers to."""
    now = now or utc_now()
    patient_url = f"urn:uuid:{_uuid('patient', doc.encounter_id, patient.value)}"
    encounter_url = f"urn:uuid:{_uuid('encounter', doc.encounter_id)}"
    patient_resource = {"resourceType": "Patient", "id": patient_url.rsplit(":", 1)[1],
                        "identifier": [patient.identifier()]}
    encounter_resource = {
        "resourceType": "Encounter",
        "id": encounter_url.rsplit(":", 1)[1],
        "identifier": [{"system": SCRIBE_SYSTEM, "value": doc.encounter_id}],
        "status": "finished",
        "class": {"system": ACT_CODE_SYSTEM, "code": "AMB", "display": "ambulatory"},
        "subject": {"reference": patient_url},
        "period": {"start": _instant(doc.encounter_start)},
    }
    comp = composition(doc, {"reference": patient_url, "identifier": patient.identifier()},
                       {"reference": encounter_url}, now=now)
    comp_url = f"urn:uuid:{comp['id']}"
    return {
        "resourceType": "Bundle",
        "id": _uuid("bundle", doc.encounter_id, doc.version),
        "identifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{_uuid('bundle', doc.encounter_id, doc.version)}"},
        "type": "document",
        "timestamp": _instant(now),
        "entry": [
            {"fullUrl": comp_url, "resource": comp},
            {"fullUrl": patient_url, "resource": patient_resource},
            {"fullUrl": encounter_url, "resource": encounter_resource},
        ],
    }


def document_reference(doc: NoteDocument, patient: PatientId, *, pdf: bytes | None = None,
                       now: datetime | None = None) -> dict[str, Any]:
    """A DocumentReference holding the note as text (and as PDF when given), to POST to an EHR."""
    now = now or utc_now()
    text = note_text(doc).encode("utf-8")
    content = [{"attachment": {"contentType": "text/plain; charset=utf-8", "language": "en",
                               "data": base64.b64encode(text).decode("ascii"), "title": doc.template.title,
                               "creation": _instant(doc.signed_at or now)}}]
    if pdf is not None:
        content.append({"attachment": {"contentType": "application/pdf", "data": base64.b64encode(pdf).decode("ascii"),
                                       "title": f"{doc.template.title} (PDF)"}})
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "masterIdentifier": {"system": URI_SYSTEM,
                             "value": f"urn:uuid:{_uuid('docref', doc.encounter_id, doc.version)}"},
        "identifier": [{"system": SCRIBE_SYSTEM, "value": f"{doc.encounter_id}/v{doc.version}"}],
        "status": "current",
        "docStatus": doc.status,
        "type": _doc_type(doc),
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "clinical-note",
                                  "display": "Clinical Note"}]}],
        "subject": patient.reference(),
        "date": _instant(now),
        "author": [{"display": doc.author or doc.signed_by or "Clinician (not named)"}],
        "description": f"{doc.template.title}, encounter of {doc.encounter_start:%Y-%m-%d}",
        "content": content,
        "context": {"period": {"start": _instant(doc.encounter_start)}},
    }
    if doc.status != DRAFT and doc.signed_by:
        resource["authenticator"] = {"display": doc.signed_by}
    return resource

