"""ACI-Bench dialogues and reference notes for the note benchmarks, and the omission check's figures.

Splits: train and valid (for choosing settings), test1 and test2 (for reporting; never tuned on).
`speech_style=True` gives each dialogue as raw speech recognition would: lower case, no punctuation.
"""

from __future__ import annotations

import csv
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from scribe_core.clinical.content_units import ContentUnit, detect
from scribe_core.clinical.omission import FLAGGED_KINDS, possibly_missing
from scribe_core.eval.note_facts import KeyFactTally, key_facts
from scribe_core.model import Note, Section, Statement, Transcript

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aci-bench" / "data" / "challenge_data"
FILES = {"train": "train.csv", "valid": "valid.csv", "test1": "clinicalnlp_taskB_test1.csv",
         "test2": "clinicalnlp_taskC_test2.csv"}


def load(splits: list[str], limit: int | None = None) -> list[tuple[str, str, str]]:
    """(encounter id, dialogue, reference note) rows."""
    rows = []
    for split in splits:
        with open(DATA / FILES[split], newline="") as f:
            rows += [(r["encounter_id"], _tagged(r["dialogue"]), r["note"]) for r in csv.DictReader(f)]
    return rows[:limit] if limit else rows


def _tagged(dialogue: str) -> str:
    # One test2 dialogue (D2N131) opens with an untagged doctor line; the importer would refuse it.
    return dialogue if dialogue.lstrip().startswith("[") else "[doctor] " + dialogue.lstrip()


def note_text(note: Note) -> str:
    parts = []
    for sec in note.sections:
        if sec.statements:
            parts += [sec.title.upper(), *(st.text for st in sec.statements)]
    return "\n".join(parts)


def reference_note(reference: str) -> Note:
    """A clinician's reference note as the check sees an edited note: each sentence a statement."""
    return Note(template="reference", sections=[Section("all", "All", [
        Statement(text=s, added_by_clinician=True) for s in re.split(r"(?<=[.!?])\s+|\n+", reference) if s.strip()])])


def without(note: Note, si: int, k: int) -> Note:
    return Note(template=note.template, writer=note.writer, sections=[
        Section(s.key, s.title, [st for j, st in enumerate(s.statements) if not (i == si and j == k)])
        for i, s in enumerate(note.sections)])


@dataclass
class OmissionFigures:
    key_facts: KeyFactTally = field(default_factory=KeyFactTally)
    flags_draft: list[int] = field(default_factory=list)
    flags_reference: list[int] = field(default_factory=list)
    deleted: int = 0  # statements of the draft holding a number or drug name, deleted one at a time
    deleted_flagged: int = 0  # ... after which a new line citing one of its utterances is listed

    def mean(self, name: str) -> float:
        values = getattr(self, name)
        return statistics.mean(values) if values else float("nan")


def omission_figures(drafts: list[Note], transcripts: list[Transcript], dialogues: list[str],
                     references: list[str], kinds: frozenset[str] = FLAGGED_KINDS,
                     deletions: bool = True) -> OmissionFigures:
    """Key facts the draft states or the check lists; lines listed for the complete draft and for the
    clinician's complete reference note (the false-alarm test); and, with `deletions`, whether deleting a
    draft statement that holds a key fact (number or drug name) gets a line citing its utterances listed."""
    out = OmissionFigures()
    for draft, t, dialogue, ref in zip(drafts, transcripts, dialogues, references, strict=True):
        units: list[ContentUnit] = detect(t)
        listed = possibly_missing(t, draft, units, kinds)
        out.flags_draft.append(len(listed))
        out.flags_reference.append(len(possibly_missing(t, reference_note(ref), units, kinds)))
        out.key_facts.add(key_facts(ref, dialogue), "\n".join(st.text for st in draft.statements()),
                          "\n".join(m.text for m in listed))
        if not deletions:
            continue
        before = {m.text for m in listed}
        for si, sec in enumerate(draft.sections):
            for k, st in enumerate(sec.statements):
                if not key_facts(st.text, dialogue):
                    continue
                new = [m for m in possibly_missing(t, without(draft, si, k), units, kinds) if m.text not in before]
                out.deleted += 1
                out.deleted_flagged += any(set(m.evidence) & set(st.evidence) for m in new)
    return out
