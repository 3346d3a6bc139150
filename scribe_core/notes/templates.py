"""Note templates. A template is data: the writers (LLM or extractive) fill its sections."""

from __future__ import annotations

from .base import NoteTemplate, SectionSpec

SOAP = NoteTemplate(
    name="soap",
    title="SOAP note",
    sections=(
        SectionSpec("subjective", "Subjective",
                    "History of present illness, symptoms, relevant history, medications and "
                    "allergies as reported by the patient."),
        SectionSpec("objective", "Objective",
                    "Examination findings, vital signs and results stated in the visit."),
        SectionSpec("assessment", "Assessment", "The clinician's impression or differential."),
        SectionSpec("plan", "Plan",
                    "Investigations, treatment, prescriptions with doses, advice and follow-up."),
    ),
)

APSO = NoteTemplate(
    name="apso",
    title="APSO note",
    sections=(SOAP.sections[2], SOAP.sections[3], SOAP.sections[0], SOAP.sections[1]),
)

HPI_ONLY = NoteTemplate(
    name="hpi",
    title="History of present illness",
    sections=(
        SectionSpec("hpi", "History of present illness",
                    "Onset, duration, character and course of the presenting complaint."),
        SectionSpec("medications", "Medications", "Current medications with doses, as stated."),
        SectionSpec("plan", "Plan", "What was agreed at the end of the visit."),
    ),
)

TEMPLATES: dict[str, NoteTemplate] = {t.name: t for t in (SOAP, APSO, HPI_ONLY)}


def get_template(name: str) -> NoteTemplate:
    try:
        return TEMPLATES[name]
    except KeyError:
        from ..errors import ConfigurationError

        raise ConfigurationError(
            f"Unknown note template {name!r}; choose one of: {', '.join(TEMPLATES)}"
        ) from None
