"""Omission check: salient facts of the conversation that no statement of a note covers.

Works on any note (offline, LLM-written, edited by a clinician). A fact is covered when one note
statement holds most of its content words (word stems, six letters), or cites one of its utterances
and shares its key words. What is left is listed as "Possibly missing: denies chest pain - U31",
each ready to add to a section with its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Note, Statement, Transcript
from .facts import Fact, content_terms, extract_facts

COVERED_SHARE = 0.6  # of a fact's content words found in one statement
MIN_SALIENCE = 0.8  # only facts the section model is sure belong in a note are worth a flag


@dataclass(frozen=True)
class MissingFact:
    text: str  # the statement to add, third person ("Denies chest pain.")
    evidence: list[str]  # utterance ids
    section: str  # the ACI section it belongs to: hpi, ros, exam, results, assessment_plan

    def label(self) -> str:
        return f"{self.text.rstrip('.')} — {', '.join(self.evidence)}"


def _covered(fact: Fact, statements: list[tuple[set[str], set[str]]]) -> bool:
    terms = set(fact.terms)
    if not terms:
        return True
    evidence = set(fact.evidence)
    for words, cited in statements:
        shared = len(terms & words)
        if shared / len(terms) >= COVERED_SHARE:
            return True
        if cited & evidence and shared / len(terms) >= COVERED_SHARE / 2:
            return True
    return False


def salient(facts: list[Fact]) -> list[Fact]:
    return [f for f in facts if f.kind in ("negative", "positive", "order") or f.salience >= MIN_SALIENCE]


def possibly_missing(transcript: Transcript, note: Note, facts: list[Fact] | None = None) -> list[MissingFact]:
    """Salient facts of the transcript that the note does not cover, in visit order."""
    facts = extract_facts(transcript) if facts is None else facts
    statements = [(set(content_terms(st.text)), set(st.evidence)) for st in note.statements()]
    missing = [f for f in salient(facts) if not _covered(f, statements)]
    out, seen = [], set()
    for f in sorted(missing, key=lambda f: f.order):
        if f.text.lower() not in seen:
            seen.add(f.text.lower())
            out.append(MissingFact(f.text, list(f.evidence), f.section))
    return out


def facts_to_statement(fact: MissingFact | Fact) -> Statement:
    """The statement a clinician adds with one click: the fact's text, citing its utterances."""
    return Statement(text=fact.text, evidence=list(fact.evidence))
