"""A referral letter to a chosen specialty, drafted from the visit and the note: a pure function, no language model.

    Reason for referral     the referral as the doctor said it ("refer you to physical therapy to strengthen
                            that area"; marked when it was only a possibility) and the problem it is about
                            (the note's assessment lines that name it; else the assessment, reassurance and
                            small talk left out)
    History                 the subjective sections (history, symptoms; not medications or allergies)
    Findings                examination, and the vital signs and results said at the visit (slots)
    Current medications     the visit's medicine list (slots: name, dose as said, new / changed / continued /
                            stopped); without a transcript, the note's medication lines
    Allergies               when the template has an allergies section
    Plan so far             the plan
    Question                what the referring clinician asks (typed by them; a neutral default)

Lines the note flags as unsupported are left out (the letter leaves the clinic). The letter is signed with
the clinician's display name; without one it says it is an unsigned draft, never a login name. The
clinician edits the text before it is sent.
"""

from __future__ import annotations

import re

from ..clinical.advice import Referral, referral_to
from ..clinical.medication_list import medicine_list
from ..clinical.slots import visit_slots
from ..clinical.support import spoken_numbers
from ..clinical.wording import content_words
from ..model import Note, Statement, Transcript
from ..section_roles import section_roles
from .model import UNSIGNED, NoteDocument, ReferralLetter

DEFAULT_QUESTION = "I would be grateful for your assessment and advice on further management."
_DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|milligrams?|mcg|micrograms?|g|grams?|ml|units?|puffs?|tablets?)\b",
                   re.IGNORECASE)


# Reassurance and pleasantries are not a reason to refer anyone.
_NOT_A_PROBLEM = re.compile(r"\b(?:nothing to (?:be )?worr\w*|don't worry|not worried|reassur\w*|"
                            r"sounds? (?:good|great)|"
                            r"take care|thank\w*|good to see|nice to (?:see|meet)|how are you|you're welcome|bye)\b",
                            re.IGNORECASE)


_HEDGE_ALONE = re.compile(r"\s*(?:i|we|the clinician) (?:think|thinks|guess|mean|see)\s*[.!]?\s*", re.IGNORECASE)


def _statements(note: Note, roles: dict[str, str], wanted: set[str]) -> list[Statement]:
    return [s for sec in note.sections if roles[sec.key] in wanted for s in sec.statements if not s.unsupported]


def _lines(note: Note, roles: dict[str, str], wanted: set[str]) -> list[str]:
    return [s.text for s in _statements(note, roles, wanted)]


def _referral_line(referral: Referral) -> str:
    what = f"Referral to {referral.specialty}" + (f" {referral.reason}" if referral.reason else "")
    if referral.conditional:
        return f"{what} was discussed as a possibility at the visit (\"{referral.text}\")."
    return f"{what}, as discussed at the visit."


def _stems(text: str) -> set[str]:
    return {w[:5] for w in content_words(text) if len(w) > 3}


def reason_for_referral(assessment: list[Statement], referral: Referral | None,
                        transcript: Transcript | None = None) -> list[str]:
    """The referral as said, then the problem it is about: the assessment lines that share a word with it or
    were said closest before it (a problem-by-problem plan names the problem first), or, when none is, the
    assessment's clinical lines. Reassurance and small talk are never a reason."""
    problems = [s for s in assessment if not _NOT_A_PROBLEM.search(s.text) and not _HEDGE_ALONE.fullmatch(s.text)]
    if referral is None or transcript is None:
        return [s.text for s in problems]
    about = _stems(f"{referral.specialty} {referral.reason}")
    at = {u.id: i for i, u in enumerate(transcript.utterances)}
    said_at = at.get(referral.evidence[0], len(at))
    before = [max(at[e] for e in s.evidence if e in at) for s in problems if any(e in at for e in s.evidence)]
    nearest = max((i for i in before if i <= said_at), default=None)
    related = [s.text for s in problems if _stems(s.text) & about
               or (nearest is not None and nearest in {at.get(e) for e in s.evidence})]
    return [_referral_line(referral), *(related or [s.text for s in problems])]


def _findings(note_findings: list[str], transcript: Transcript | None) -> list[str]:
    """The examination, then each vital sign or result said at the visit whose numbers it does not state."""
    if transcript is None:
        return note_findings
    slots = visit_slots(transcript)
    stated = spoken_numbers(" ".join(note_findings))
    said = [item.text for item in (*slots.vitals, *slots.results) if not spoken_numbers(item.text) <= stated]
    return note_findings + said


def draft_referral(doc: NoteDocument, specialty: str, question: str = "", *, transcript: Transcript | None = None,
                   clinician: str = "") -> ReferralLetter:
    """The letter; `transcript` gives the visit's own words (referral, medicine list, vitals, results),
    `clinician` the signature (the display name; "" leaves the letter an unsigned draft)."""
    specialty = " ".join(specialty.split())
    if not specialty:
        raise ValueError("Name the specialty the patient is referred to.")
    note, template = doc.note, doc.template
    roles = section_roles(template, [s.key for s in note.sections])
    if transcript is not None and (medicines := medicine_list(visit_slots(transcript).medications, transcript)):
        medications = [m.text for m in medicines]
    else:
        medications = _lines(note, roles, {"medications"})
        # Doses stated elsewhere (a SOAP note keeps medications in Subjective and changes in the Plan).
        medications += [line for line in _lines(note, roles, {"subjective", "plan"}) if _DOSE.search(line)
                        and line not in medications]
    dosed = [line for line in _lines(note, roles, {"subjective", "plan"}) if _DOSE.search(line)]
    history = [line for line in _lines(note, roles, {"subjective"}) if line not in medications and line not in dosed
               and not _NOT_A_PROBLEM.search(line)]
    referral = referral_to(transcript, specialty) if transcript is not None else None
    paragraphs = [
        ("Reason for referral", reason_for_referral(_statements(note, roles, {"assessment"}), referral, transcript)),
        ("History", history),
        ("Findings", _findings(_lines(note, roles, {"objective"}), transcript)),
        ("Current medications", medications),
    ]
    if any(roles[s.key] == "allergies" for s in note.sections):
        paragraphs.append(("Allergies", _lines(note, roles, {"allergies"})))
    paragraphs += [("Plan so far", [line for line in _lines(note, roles, {"plan"})
                                    if line not in medications and line not in dosed]),
                   ("Question", [" ".join(question.split()) or DEFAULT_QUESTION])]
    return ReferralLetter(
        specialty=specialty,
        salutation=f"Dear {specialty} colleague,",
        opening=f"Thank you for seeing this patient, whom I saw on {doc.encounter_start:%d %B %Y}. "
                f"Please find a summary of the visit below.",
        paragraphs=paragraphs,
        closing="Yours sincerely,",
        signature=" ".join(clinician.split()) or UNSIGNED,
    )
