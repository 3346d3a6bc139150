"""The checks the Note and Review pages show on a note: what it may have left out (one click adds it,
citing its utterances) and statements whose citations do not back their numbers, drugs or negations.

The rules are the clinical reading's (scribe_core/clinical); the pages reach them only through here,
after the viewer is checked (`queries.note_checks`) or as a correction by a named clinician
(`scribe.add_missing_fact`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clinical import Flag, MissingFact, add_missing, check_consistency, possibly_missing
from ..model import Note, Transcript
from ..note_template import NoteTemplate

__all__ = ["Flag", "MissingFact", "NoteChecks", "note_checks", "with_missing_fact"]


@dataclass(frozen=True)
class NoteChecks:
    missing: list[MissingFact]  # salient facts of the conversation the note does not state
    unbacked: list[Flag]  # statements their cited utterances do not back (each with the evidence it cites)


def note_checks(transcript: Transcript, note: Note, *, consistency: bool = True) -> NoteChecks:
    """Both checks (the omission check alone when `consistency` is False: the Review page's summary)."""
    unbacked = [f for f in check_consistency(transcript, note) if f.evidence] if consistency else []
    return NoteChecks(possibly_missing(transcript, note), unbacked)


def with_missing_fact(note: Note, fact: MissingFact, template: NoteTemplate | None) -> Note:
    """A copy of the note with the fact added, citing its utterances, at the end of its section."""
    return add_missing(note, fact, template)
