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

# The clinic-note layout of ACI-Bench's reference notes (Yim et al. 2023): history, review of systems,
# examination and results kept apart, and a problem-oriented assessment and plan.
ACI = NoteTemplate(
    name="aci",
    title="Clinic note (CC / HPI / ROS / Exam / Results / A&P)",
    sections=(
        SectionSpec("cc", "Chief complaint", "The reason for the visit, in a few words."),
        SectionSpec("hpi", "History of present illness",
                    "Onset, duration, course and severity of the complaint; relevant history, medications "
                    "and allergies."),
        SectionSpec("ros", "Review of systems", "Pertinent positives and negatives the patient was asked about."),
        SectionSpec("exam", "Physical examination", "Vital signs and examination findings stated in the visit."),
        SectionSpec("results", "Results", "Laboratory, imaging and other results discussed."),
        SectionSpec("assessment_plan", "Assessment and plan",
                    "Each problem with the clinician's reasoning, tests, treatment with doses, advice and "
                    "follow-up."),
    ),
)

TEMPLATES: dict[str, NoteTemplate] = {t.name: t for t in (SOAP, APSO, HPI_ONLY, ACI)}


def get_template(name: str) -> NoteTemplate:
    try:
        return TEMPLATES[name]
    except KeyError:
        from ..errors import ConfigurationError

        raise ConfigurationError(
            f"Unknown note template {name!r}; choose one of: {', '.join(TEMPLATES)}"
        ) from None
