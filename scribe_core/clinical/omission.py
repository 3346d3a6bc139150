"""Omission check: clinically salient facts of the conversation that no statement of a note covers.

Works on any note (offline, LLM-written, edited by a clinician). A fact is salient when it carries a
key term (a finding or symptom word, a drug name, a number, an examination or result word) and is
an answered question, a medication, a problem or an order, or a sentence the section model is sure
belongs in a note. It is covered when one statement holds half or more of its key terms (word stems),
or cites one of its utterances and shares one. What is left is listed as "Possibly missing: denies
chest pain - U31", each ready to add to a section with its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Note, Section, Statement, Transcript
from ..notes.base import NoteTemplate
from .facts import Fact, content_terms, extract_facts
from .questions import FINDING_WORD
from .support import drug_names, negated, spoken_numbers

COVERED_SHARE = 0.6  # of a fact's content words found in one statement
# A sentence-fact must be this sure to belong in a note to be worth a flag (answers, medications,
# problems and orders always are). Chosen on a third of ACI-Bench train+valid as the lowest threshold that
# keeps flags on the clinicians' own (complete) notes under 3 a note: 0.7 -> 3.3 flags, 0.75 -> 2.7, 0.8 -> 2.2;
# recall of deleted key-term statements 40 %, 36 %, 33 % (0.2 would give 75 % recall but 9.6 flags).
MIN_SALIENCE = 0.75
_ALWAYS = ("negative", "positive", "medication", "problem", "order")
# Concrete examination and result words (not "exam", "results", "clear": every visit says those).
_KEY_CLINICAL = re.compile(
    r"\b(blood pressure|heart rate|pulse|temperature|oxygen|saturation|respiratory rate|weight|bmi|murmur|"
    r"tender\w*|edema|swelling|swollen|erythema|effusion|rash|wheez\w*|crackles|rales|bruit|reflex\w*|"
    r"range of motion|x-?rays?|mri|ct|ultrasound|echocardiogram|echo|ekg|ecg|labs?|blood work|hemoglobin|a1c|"
    r"creatinine|cholesterol|lipid|thyroid|panel|biopsy|culture|urinalysis|ejection fraction|fracture|"
    r"refill|referr\w*|physical therapy|surgery|injection)\b")


_GENERIC = {"symptom", "symptoms", "problem", "problems", "sick", "contact", "contacts", "since", "ago"}


def key_terms(text: str) -> set[str]:
    """Findings, drugs, numbers, examination and result words: what a covering statement must say."""
    low = text.lower()
    terms = {f"#{n}" for n in spoken_numbers(low)} | {d[:6] for d in drug_names(low)}
    for pattern in (FINDING_WORD, _KEY_CLINICAL):
        terms |= {m.group(0)[:5] for m in pattern.finditer(low) if m.group(0) not in _GENERIC}
    return terms


def _statement_terms(text: str) -> set[str]:
    low = text.lower()
    words = {w[:5] for w in re.findall(r"[a-z]+", low)} | {w[:6] for w in re.findall(r"[a-z]+", low)}
    return words | {f"#{n}" for n in spoken_numbers(low)} | key_terms(low)


@dataclass(frozen=True)
class MissingFact:
    text: str  # the statement to add, third person ("Denies chest pain.")
    evidence: list[str]  # utterance ids
    section: str  # the ACI section it belongs to: hpi, ros, exam, results, assessment_plan

    def label(self) -> str:
        return f"{self.text.rstrip('.')} — {', '.join(self.evidence)}"


def _covered(fact: Fact, statements: list[tuple[set[str], set[str], str]]) -> bool:
    """Covered when one statement holds COVERED_SHARE of the fact's content words, or cites one of its
    utterances and holds half that and half its key terms; an answered question is covered by a statement
    naming what was asked with the same polarity ("Denies fever, chills" covers "Denies fevers or chills")."""
    terms = set(fact.terms)
    keys = key_terms(fact.text)
    # Numbers and drug names are the specific part: a statement holding all of them, and one more of the
    # fact's words, says the same thing ("initiate Lasix 20 mg daily" covers "start some lasix, 20 mg a day").
    specific = {k for k in keys if k.startswith("#")} | {d[:6] for d in drug_names(fact.text.lower())}
    evidence = set(fact.evidence)
    for words, cited, text in statements:
        if specific and specific <= words and len((terms | keys) & words) > len(specific):
            return True
        shared = len(terms & words) / max(1, len(terms))
        if shared >= COVERED_SHARE:
            return True
        # Citing the fact's utterance lowers the bar, but the statement must still name half of its key terms:
        # "feels lightheaded" citing the same answer does not cover "feels bloated".
        if cited & evidence and shared >= COVERED_SHARE / 2 and len(keys & words) >= len(keys) / 2:
            return True
        if fact.kind in ("negative", "positive") and keys and keys <= words and negated(text) == (
                fact.kind == "negative"):
            return True
    return False


def salient(facts: list[Fact], min_salience: float = MIN_SALIENCE) -> list[Fact]:
    return [f for f in facts if f.kind in _ALWAYS or (key_terms(f.text) and f.salience >= min_salience)]


def possibly_missing(transcript: Transcript, note: Note, facts: list[Fact] | None = None,
                     min_salience: float = MIN_SALIENCE) -> list[MissingFact]:
    """Salient facts of the transcript that the note does not cover, in visit order."""
    facts = extract_facts(transcript) if facts is None else facts
    statements = [(_statement_terms(st.text) | set(content_terms(st.text)), set(st.evidence), st.text)
                  for st in note.statements()]
    missing = [f for f in salient(facts, min_salience) if not _covered(f, statements)]
    out, seen = [], set()
    for f in sorted(missing, key=lambda f: f.order):
        if f.text.lower() not in seen:
            seen.add(f.text.lower())
            out.append(MissingFact(f.text, list(f.evidence), f.section))
    return out


def facts_to_statement(fact: MissingFact | Fact) -> Statement:
    """The statement a clinician adds with one click: the fact's text, citing its utterances."""
    return Statement(text=fact.text, evidence=list(fact.evidence))


def target_section(note: Note, fact: MissingFact, template: NoteTemplate | None = None) -> str:
    """The key of the note section a missing fact belongs in: the first whose sources include the fact's
    section (by the template when known, else by the section keys), else the note's first section."""
    from .render import SECTION_SOURCES, sources_of

    specs = {s.key: s for s in template.sections} if template else {}
    for sec in note.sections:
        sources = sources_of(specs[sec.key]) if sec.key in specs else SECTION_SOURCES.get(sec.key, ())
        wanted = {"assessment_plan": ("assessment_plan", "assessment", "plan")}.get(fact.section, (fact.section,))
        if any(src in sources for src in wanted):
            return sec.key
    return note.sections[0].key


def add_missing(note: Note, fact: MissingFact, template: NoteTemplate | None = None) -> Note:
    """A copy of the note with the fact added, citing its utterances, to the end of its section."""
    key = target_section(note, fact, template)
    sections = [Section(s.key, s.title, [*s.statements, facts_to_statement(fact)] if s.key == key else
                        list(s.statements)) for s in note.sections]
    return Note(template=note.template, sections=sections, writer=note.writer, extractive=note.extractive,
                edited=True)
