"""Omission check: clinical content of the conversation that no statement of a note says.

It has its own eyes: content_units.py reads the raw transcript (numbers with units, vital signs, drug names
and dose changes, examination findings, results, orders, referrals, follow-up intervals, answered yes/no
questions) without the note writer's sentence splitter, section model or fact extractor, so it finds what
the writer missed as well as what a clinician or a language model left out. coverage.py decides whether
a statement says a unit. What no statement says is listed as "Possibly missing", one line per answered
question ("Denies chest pain." citing the question and the answer) and one per utterance for the rest
(the words it was said in, quoted with the speaker, citing the utterance), ready to add to a section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..model import DOCTOR, Note, Section, Statement, Transcript
from ..note_template import NoteTemplate
from .content_units import ContentUnit, detect
from .coverage import covered, read_note

# Units worth a flag. Chosen on ACI-Bench train + valid (benchmarks/omission_tuning.py; test never looked
# at); see docs/omission-check.md for the figures.
FLAGGED_KINDS = frozenset({"answer", "number", "drug", "dose", "exam", "result", "order", "referral", "follow_up"})
CLINICAL_ANSWERS_ONLY = True  # answers to "any questions?" or "do you live alone?" are not flagged


@dataclass(frozen=True)
class MissingFact:
    text: str  # the line to add: "Denies chest pain." or the words it was said in, quoted
    evidence: list[str]  # utterance ids
    section: str  # the ACI section it belongs to: hpi, ros, exam, results, assessment_plan
    kinds: tuple[str, ...] = field(default=())  # the content units it holds: answer, number, drug, ...

    def label(self) -> str:
        return f"{self.text.rstrip('.')} — {', '.join(self.evidence)}"


class _Cited(Protocol):
    text: str
    evidence: list[str]


def flagged(unit: ContentUnit, kinds: frozenset[str] = FLAGGED_KINDS) -> bool:
    return unit.kind in kinds and (unit.kind != "answer" or unit.clinical or not CLINICAL_ANSWERS_ONLY)


def uncovered_units(transcript: Transcript, note: Note, units: list[ContentUnit] | None = None,
                    kinds: frozenset[str] = FLAGGED_KINDS) -> list[ContentUnit]:
    """The flagged units of the visit that no statement of the note says, in the order said."""
    units = detect(transcript) if units is None else units
    statements = read_note(note)
    return [u for u in units if flagged(u, kinds) and not covered(u, statements)]


def possibly_missing(transcript: Transcript, note: Note, units: list[ContentUnit] | None = None,
                     kinds: frozenset[str] = FLAGGED_KINDS) -> list[MissingFact]:
    """What the note may have left out, in visit order: an empty list only when every flagged content unit
    of the transcript is covered by some statement. `units` saves detecting again (detect(transcript))."""
    missing = uncovered_units(transcript, note, units, kinds)
    roles = {u.id: u.role for u in transcript.utterances}
    out: list[MissingFact] = []
    seen: set[frozenset[str]] = set()
    by_utterance: dict[str, list[ContentUnit]] = {}
    for unit in missing:
        if unit.keys in seen:  # the same drug or number said again: listed once, where first said
            continue
        seen.add(unit.keys)
        if unit.kind == "answer":
            out.append(MissingFact(unit.text, list(unit.evidence), unit.section, ("answer",)))
        else:
            by_utterance.setdefault(unit.evidence[0], []).append(unit)
    for uid, units_said in by_utterance.items():
        out.append(MissingFact(_quoted(roles.get(uid, ""), units_said), [uid], units_said[0].section,
                               tuple(dict.fromkeys(u.kind for u in units_said))))
    order = {u.id: i for i, u in enumerate(transcript.utterances)}
    return sorted(out, key=lambda m: order.get(m.evidence[0], 0))


def _quoted(role: str, units: list[ContentUnit]) -> str:
    """The words the units were said in, joined when they overlap, quoted with the speaker."""
    parts: list[str] = []
    for u in units:
        if not any(u.text in p for p in parts):
            parts = [p for p in parts if p not in u.text] + [u.text]
    who = "Doctor" if role == DOCTOR else role or "Speaker"
    return f'{who}: "{" … ".join(parts)}".'


def facts_to_statement(fact: MissingFact | _Cited) -> Statement:
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
