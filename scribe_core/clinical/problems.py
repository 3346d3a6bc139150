"""The visit's reason and its problem list, as the doctor names them.

Chief complaint: "...who presents for his annual exam" -> "Annual exam." Problems: a problem-oriented
summary ("for your first problem, your high blood pressure, ...") -> "Hypertension.", placed before
the plan sentences that follow it. Only the doctor's words are used; a few lay names map to the
clinical term a note uses.
"""

from __future__ import annotations

import re

from ..model import DOCTOR
from .visit import VisitSentence

_REASON = re.compile(
    r"\b(?:presents?|presenting|here|in|coming in|came in|referred|seeing (?:you|him|her))\s+(?:today\s+)?"
    r"(?:for|with)\s+(?:a |an |the |his |her |your |some |their )?"
    r"((?:evaluation of |follow[- ]?up of )?[a-z][a-z \-']{2,48}?)"
    r"(?=\s*[,.?;]|\s+(?:and|so|today|who|because|that|which|as)\b|$)", re.IGNORECASE)
_PROBLEM = re.compile(
    r"\b(?:for|regarding|as for|in terms of|with regards? to|moving on to|now for|so for)\s+(?:your|the|his|her)?\s*"
    r"(?:first|second|third|fourth|fifth|next|last|final|other)\s+(?:problem|issue|concern)s?,?\s*(?:of\s+)?"
    r"(?:your|his|her|the)?\s*([a-z][a-z \-']{2,40}?)(?=\s*[,.?;]|\s+(?:i|we|you|it|that|so|is|has)\b|$)",
    re.IGNORECASE)
CLINICAL_NAMES = {
    "high blood pressure": "Hypertension", "blood pressure": "Hypertension", "hypertension": "Hypertension",
    "diabetes": "Diabetes", "type 2 diabetes": "Type 2 diabetes", "blood sugar": "Diabetes", "sugar": "Diabetes",
    "sugars": "Diabetes", "high cholesterol": "Hyperlipidemia", "cholesterol": "Hyperlipidemia",
    "heart failure": "Congestive heart failure", "congestive heart failure": "Congestive heart failure",
    "reflux": "Acid reflux", "acid reflux": "Acid reflux", "kidney stone": "Kidney stone",
    "kidney stones": "Kidney stones", "depression": "Depression", "anxiety": "Anxiety", "asthma": "Asthma",
}
_REASON_SKIP = re.compile(r"\b(you|me|i|it|that|this|a while|a bit|today|now|here)$|^(a|the)$", re.IGNORECASE)


def clinical_name(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase.strip(" ,.'")).lower()
    phrase = re.sub(r"\b(of|for) (?:a|an|the|his|her|your|their|my) ", r"\1 ", phrase)
    return CLINICAL_NAMES.get(phrase, phrase[:1].upper() + phrase[1:])


def chief_complaint(sentences: list[VisitSentence]) -> tuple[str, VisitSentence] | None:
    """The reason for the visit from the doctor's opening, or None."""
    for s in sentences:
        if s.role != DOCTOR or s.context.position > 0.4:
            continue
        m = _REASON.search(s.cleaned)
        if m and not _REASON_SKIP.search(m.group(1).strip()) and len(m.group(1).split()) <= 7:
            return clinical_name(m.group(1)) + ".", s
    return None


_OPENING = re.compile(r"\b(what brings you|what's going on|what is going on|how can i help|what can i do for you|"
                      r"what seems to be|what's the problem|what's been going on|reason for (your|the) visit|"
                      r"what (are you|have you been) (having|experiencing))\b", re.IGNORECASE)
_COMPLAINT = re.compile(r"\b(?:this|a|an|some|my|the|having|had|with)\s+([a-z][a-z -]{2,40}?)(?=\s*(?:[,.;]|\bfor\b|"
                        r"\bsince\b|\bthat\b|\band\b|\bbut\b|\bwhich\b|\bthe past\b|$))", re.IGNORECASE)


def opening_complaint(sentences: list[VisitSentence]) -> tuple[str | None, list[VisitSentence]]:
    """The patient's answer to the opening question ("what brings you in?"): the complaint in a few
    words when one names a finding, and the answer's sentences (the start of the history)."""
    from .questions import FINDING_WORD

    for i, s in enumerate(sentences):
        if s.context.position > 0.25:
            break
        if s.role != DOCTOR or not s.is_question or not _OPENING.search(s.cleaned):
            continue
        answer = [a for a in sentences[i + 1:] if a.utterance_index == s.utterance_index + 1 and a.role != DOCTOR]
        complaint = None
        for a in answer:
            for m in _COMPLAINT.finditer(a.cleaned):
                phrase = re.sub(r"^(?:this|that|a|an|some|my|the)\s+", "", m.group(1).strip(), flags=re.I)
                if FINDING_WORD.search(phrase) and len(phrase.split()) <= 4:
                    complaint = clinical_name(phrase) + "."
                    break
            if complaint:
                break
        return complaint, answer
    return None, []


def problem_headers(sentences: list[VisitSentence]) -> list[tuple[str, VisitSentence]]:
    """(problem name, the sentence naming it) for each problem the doctor walks through."""
    out = []
    for s in sentences:
        if s.role != DOCTOR or s.context.position < 0.3:
            continue
        m = _PROBLEM.search(s.cleaned)
        if m and len(m.group(1).split()) <= 6:
            out.append((clinical_name(m.group(1)) + ".", s))
    return out
