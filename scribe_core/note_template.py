"""A note template: its sections, each with the writer's guidance, LOINC code and SOAP role.

Below every layer that reads one (the clinical reading, the writers, the documents, the template library).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    guidance: str  # the writer's instructions for this section
    loinc: str | None = None  # LOINC section code where one exists (FHIR Composition.section.code)
    required: bool = False  # the clinic wants this section filled before the note is signed
    # Which part of a SOAP note fills it (subjective, objective, assessment, plan, medications,
    # allergies) when the LOINC code does not say: how the offline writer places what it found.
    role: str = ""


# LOINC "Progress note": the document code when a template names none.
PROGRESS_NOTE_LOINC = "11506-3"


@dataclass(frozen=True)
class NoteTemplate:
    name: str
    title: str
    sections: tuple[SectionSpec, ...]
    loinc: str = PROGRESS_NOTE_LOINC  # LOINC document type (FHIR Composition.type, DocumentReference.type)
    loinc_display: str = "Progress note"
    specialty: str = ""
    description: str = ""
