"""A referral letter to a chosen specialty, drafted from the note: a pure function, no language model.

    Reason for referral     the assessment
    History                 the subjective sections (history, symptoms; not medications or allergies)
    Findings                examination and results
    Current medications     the medications section, and note lines that name a dose
    Allergies               when the template has an allergies section
    Plan so far             the plan
    Question                what the referring clinician asks (typed by them; a neutral default)

Lines are the note's statements as written, so doses and findings are the note's own words; lines
the note flags as unsupported are left out (the letter leaves the clinic). The clinician edits the
text before it is sent.
"""

from __future__ import annotations

import re

from ..model import Note
from ..section_roles import section_roles
from .model import NoteDocument, ReferralLetter

DEFAULT_QUESTION = "I would be grateful for your assessment and advice on further management."
_DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|milligrams?|mcg|micrograms?|g|grams?|ml|units?|puffs?|tablets?)\b",
                   re.IGNORECASE)


def _lines(note: Note, roles: dict[str, str], wanted: set[str]) -> list[str]:
    return [s.text for sec in note.sections if roles[sec.key] in wanted for s in sec.statements if not s.unsupported]


def draft_referral(doc: NoteDocument, specialty: str, question: str = "") -> ReferralLetter:
    specialty = " ".join(specialty.split())
    if not specialty:
        raise ValueError("Name the specialty the patient is referred to.")
    note, template = doc.note, doc.template
    roles = section_roles(template, [s.key for s in note.sections])
    medications = _lines(note, roles, {"medications"})
    # Doses stated elsewhere (a SOAP note keeps medications in Subjective and changes in the Plan).
    medications += [line for line in _lines(note, roles, {"subjective", "plan"}) if _DOSE.search(line)
                    and line not in medications]
    history = [line for line in _lines(note, roles, {"subjective"}) if line not in medications]
    paragraphs = [
        ("Reason for referral", _lines(note, roles, {"assessment"})),
        ("History", history),
        ("Findings", _lines(note, roles, {"objective"})),
        ("Current medications", medications),
    ]
    if any(roles[s.key] == "allergies" for s in note.sections):
        paragraphs.append(("Allergies", _lines(note, roles, {"allergies"})))
    paragraphs += [("Plan so far", [line for line in _lines(note, roles, {"plan"}) if line not in medications]),
                   ("Question", [" ".join(question.split()) or DEFAULT_QUESTION])]
    author = doc.signed_by or doc.author or "The referring clinician"
    return ReferralLetter(
        specialty=specialty,
        salutation=f"Dear {specialty} colleague,",
        opening=f"Thank you for seeing this patient, whom I saw on {doc.encounter_start:%d %B %Y}. "
                f"Please find a summary of the visit below.",
        paragraphs=paragraphs,
        closing="Yours sincerely,",
        signature=author,
    )

