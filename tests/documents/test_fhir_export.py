"""FHIR R4 exports validated by the fhir.resources R4B models (an independent implementation of the spec)."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.documentreference import DocumentReference

from scribe_core.documents.fhir import PatientId, document_bundle, document_reference
from scribe_core.documents.model import NoteDocument
from scribe_core.documents.templates import builtin_templates
from scribe_core.errors import ConfigurationError
from scribe_core.model import Note, Section, Statement

MRN = PatientId("MRN-0042", system="urn:oid:1.2.36.146.595.217.0.1")


def test_document_bundle_is_valid_r4_with_composition_first_and_loinc_sections(draft_doc):
    bundle = document_bundle(draft_doc, MRN)
    parsed = Bundle.model_validate(json.loads(json.dumps(bundle)))  # exactly what would be written to a file
    assert parsed.type == "document" and parsed.identifier.value.startswith("urn:uuid:")
    comp = parsed.entry[0].resource
    assert isinstance(comp, Composition)
    assert comp.status == "preliminary" and comp.type.coding[0].code == "11506-3"
    assert [s.code.coding[0].code for s in comp.section] == ["61150-9", "61149-1", "51848-0", "18776-5"]
    assert "amlodipine 5 mg once a day" in comp.section[0].text.div
    assert comp.author[0].display == "Dr Ada Lovelace"
    # Every reference resolves inside the document; the patient is an identifier and nothing else.
    urls = {e.fullUrl: e.resource for e in parsed.entry}
    patient = urls[comp.subject.reference]
    assert patient.identifier[0].value == "MRN-0042" and patient.name is None and patient.birthDate is None
    encounter = urls[comp.encounter.reference]
    assert encounter.period.start.isoformat().startswith("2026-03-04T09:30")


def test_a_signed_note_exports_as_final_with_the_legal_attester(final_doc):
    comp = Bundle.model_validate(document_bundle(final_doc, MRN)).entry[0].resource
    assert comp.status == "final"
    assert comp.attester[0].mode == "legal" and comp.attester[0].party.display == "Dr Ada Lovelace"
    assert comp.date.isoformat().startswith("2026-03-04T10:05")


def test_specialty_sections_carry_their_codes_and_uncoded_sections_their_title(note):
    dap = builtin_templates()["behavioral_dap"]
    dap_note = Note(template="behavioral_dap", sections=[
        Section("data", "Data", [Statement("Sleeping four hours a night.", ["U1"])]),
        Section("mental_status", "Mental status", []),
        Section("assessment", "Assessment", [Statement("Low mood persists.", ["U2"])]),
        Section("plan", "Plan", [Statement("Sertraline 50 mg daily continues.", ["U3"])]),
    ])
    doc = NoteDocument("enc-9", note_start(), dap, dap_note, author="Dr B")
    comp = Bundle.model_validate(document_bundle(doc, MRN)).entry[0].resource
    assert comp.type.coding[0].code == "34904-3"
    assert comp.section[0].code.coding is None and comp.section[0].code.text == "Data"
    assert comp.section[1].code.coding[0].code == "10190-7"
    assert comp.section[1].emptyReason.coding[0].code == "unavailable"  # empty, said so, still valid


def note_start():
    from datetime import UTC, datetime

    return datetime(2026, 1, 2, 8, 0, tzinfo=UTC)


def test_document_reference_is_valid_and_holds_the_note_text(final_doc):
    ref = DocumentReference.model_validate(document_reference(final_doc, MRN, pdf=b"%PDF-1.4 test"))
    assert ref.type.coding[0].code == "11506-3" and ref.docStatus == "final" and ref.status == "current"
    text = ref.content[0].attachment.data.decode()  # the model decodes base64 itself
    for line in ("SUBJECTIVE", "amlodipine 5 mg once a day", "Stress echo ordered", "Status: FINAL"):
        assert line in text
    assert ref.content[1].attachment.contentType == "application/pdf"
    assert ref.subject.identifier.system == MRN.system and ref.subject.identifier.value == "MRN-0042"


def test_a_fhir_patient_id_becomes_a_literal_reference(draft_doc):
    ref = DocumentReference.model_validate(document_reference(draft_doc, PatientId("Patient/abc123")))
    assert ref.subject.reference == "Patient/abc123"


def test_unsupported_statements_stay_flagged_in_the_export(draft_doc):
    draft_doc.note.sections[3].statements.append(Statement("Return if symptoms worsen.", []))
    bundle = document_bundle(draft_doc, MRN)
    assert "unsupported: check against the recording" in bundle["entry"][0]["resource"]["section"][3]["text"]["div"]


def test_the_same_note_version_exports_with_the_same_identifiers(draft_doc):
    assert document_bundle(draft_doc, MRN)["identifier"] == document_bundle(draft_doc, MRN)["identifier"]


@pytest.mark.parametrize("typed", ["", "  ", "MRN 42"])
def test_a_missing_or_spaced_patient_identifier_is_refused(typed):
    with pytest.raises(ConfigurationError, match="identifier"):
        PatientId(typed)


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "MRN-0042<b>", "x" * 33, "Patient/a b", "Patient/<x>"])
def test_markup_or_an_overlong_identifier_never_reaches_patient_identifier(typed):
    with pytest.raises(ConfigurationError, match="identifier in the EHR .* is not valid"):
        PatientId(typed)


def test_a_valid_identifier_is_exported_as_typed_without_spaces(draft_doc):
    bundle = document_bundle(draft_doc, PatientId("  MRN-0042.7 ", system="urn:oid:1.2"))
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["identifier"] == [{"system": "urn:oid:1.2", "value": "MRN-0042.7"}]
