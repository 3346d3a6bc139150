"""The patient's after-visit summary, written from the note without a language model.

Each sentence restates one note statement (its source), in the second person and everyday words
(plain_language.py), under the heading a patient looks for:

    What we found            the assessment, and results that were discussed
    What to do               the plan: treatment, tests, advice
    Your medicines           the medications section, doses as written in the note
    When to come back        follow-up
    Get help right away if   warning signs the clinician mentioned

Statements the note flags as unsupported are left out: a patient never reads a line nobody could
check against the visit. A hedged impression stays hedged ("Likely viral bronchitis" is never "you
have viral bronchitis"). The summary's reading level (Flesch-Kincaid grade, textstat) is measured
and shown with it.
"""

from __future__ import annotations

import re

from ..clinical.certainty import dropped_hedge
from ..model import Note, Transcript
from ..note_template import NoteTemplate
from ..section_roles import section_roles
from .model import PatientSummary, SourcedSentence, SummaryPart, statement_ref
from .plain_language import for_patient

FOUND, TODO, MEDICINES, RETURN, WARNING = ("What we found", "What to do", "Your medicines", "When to come back",
                                           "Get help right away if")
_EMERGENCY = re.compile(r"\b(call (911|999|112|an ambulance)|emergency|go to the (er|a&e|hospital)|"
                        r"seek (urgent|immediate|medical)|warning sign|red flag|right away|immediately)", re.IGNORECASE)
_WARNING = re.compile(
    r"\b(if (you|your|it|the|there|symptoms?|pain|things|this|that|she|he)\b[^.]*\b(worse|worsen\w*|severe|fever|"
    r"bleed\w*|short(ness)? of breath|chest pain|faint\w*|not (get(ting)? )?better|does ?n[o']t improve|persist\w*|"
    r"spread\w*|swell\w*|numb\w*|weak\w*|vomit\w*|confus\w*))", re.IGNORECASE)
_RETURN = re.compile(r"\b(follow[- ]?up|come back|see (you|her|him|them) (back|again|in)|return (to|in|for)|"
                     r"re-?check|appointment|next visit|review in|back in \w+ (days?|weeks?|months?))\b", re.IGNORECASE)
_RESULT = re.compile(r"\b(result|showed|shows|came back|x-?ray|scan|mri|ct|ultrasound|echo\w*|ecg|ekg|blood test|"
                     r"level|a1c|cholesterol|blood pressure)\b", re.IGNORECASE)
_DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|milligrams?|mcg|micrograms?|g|ml|units?|puffs?|tablets?|%)",
                   re.IGNORECASE)
_SEEK_HELP = re.compile(r"\b(call|contact|phone|email|come (back|in)|go to|seek|return|let (us|the clinic|me) know|"
                        r"get help|be seen)\b", re.IGNORECASE)
_PLEASANTRY = re.compile(r"\b(good to see you|nice to (see|meet) you|thank(s| you)|take care|"
                         r"have a (good|nice|great))\b", re.IGNORECASE)
_OFFLINE_WRITER = "summary from the note (no language model)"


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade; 0 for an empty text."""
    import textstat  # imported on use: the CLI starts without it (e.g. `note` without --summary)

    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


def _speaker(evidence: list[str], transcript: Transcript | None) -> str:
    """Who said the statement, when it is a quote of one speaker (extractive notes)."""
    if transcript is None or not evidence:
        return ""
    roles = {u.role for u in (transcript.by_id(e) for e in evidence) if u is not None}
    return roles.pop() if len(roles) == 1 else ""


def _part_for(role: str, text: str) -> str | None:
    if role == "plan" and _DOSE.search(text):
        return TODO  # a dose to take is what to do, even when it is conditional ("if the pain persists, take …")
    if role in ("plan", "assessment", "medications") and _EMERGENCY.search(text):
        return WARNING
    if role in ("plan", "assessment") and _RETURN.search(text):
        return RETURN  # "come back in 2 weeks if it is not better" is when to come back
    if role in ("plan", "assessment", "medications") and _WARNING.search(text) and _SEEK_HELP.search(text):
        return WARNING  # a sign to watch for, and what the patient should then do
    if role == "plan":
        return TODO
    if role == "medications":
        return MEDICINES
    if role == "assessment":
        return FOUND
    if role == "objective" and _RESULT.search(text):
        return FOUND
    return None


def summarize(note: Note, template: NoteTemplate | None = None, transcript: Transcript | None = None) -> PatientSummary:
    parts = {heading: SummaryPart(heading) for heading in (FOUND, TODO, MEDICINES, RETURN, WARNING)}
    roles = section_roles(template, [s.key for s in note.sections])
    seen: set[str] = set()
    for section in note.sections:
        for index, statement in enumerate(section.statements):
            if statement.unsupported:
                continue
            for sentence in for_patient(statement.text, _speaker(statement.evidence, transcript)):
                heading = _part_for(roles[section.key], sentence)
                if heading is None or sentence.lower() in seen or _PLEASANTRY.search(sentence):
                    continue
                # "Likely bronchitis" never reaches the patient as "you have bronchitis": a sentence that lost
                # its statement's hedge in the rewording is left out rather than told as certain.
                if dropped_hedge(sentence, [statement.text]):
                    continue
                seen.add(sentence.lower())
                parts[heading].sentences.append(SourcedSentence(sentence, [statement_ref(section.key, index)]))
    summary = PatientSummary(parts=list(parts.values()), reading_grade=0.0, writer=_OFFLINE_WRITER)
    summary.reading_grade = reading_grade(" ".join(s.text for s in summary.sentences()))
    return summary
