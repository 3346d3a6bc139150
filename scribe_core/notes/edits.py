"""A clinician's edits to a drafted note, and which version of a note a page is showing.

An edited section arrives as text, one statement per line. A line kept as it was keeps its evidence; a
reworded line (mostly the same words as the line it replaced) keeps that line's evidence; any other line
is new: it cites nothing, so it is flagged until someone checks it against the recording.
"""

from __future__ import annotations

import difflib
import hashlib
import json

from ..model import Note, Statement

REWORDED_AT = 0.6  # share of words in common for a changed line to keep the evidence of the one it replaced


def edited_statements(old: list[Statement], text: str) -> list[Statement]:
    """A section's statements after the clinician edited them as one statement per line."""
    new_lines = [" ".join(line.split()).lstrip("-•* ").strip() for line in text.splitlines()]
    new_lines = [line for line in new_lines if line]
    result: list[Statement] = []
    matcher = difflib.SequenceMatcher(a=[s.text for s in old], b=new_lines, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        for k, line in enumerate(new_lines[b0:b1]):
            source = old[a0 + k] if op in ("equal", "replace") and a0 + k < a1 else None
            if source is not None and (op == "equal" or _reworded(source.text, line)):
                # A reworded line keeps its citations but is the clinician's wording from now on.
                result.append(Statement(text=line, evidence=list(source.evidence), unsupported=source.unsupported,
                                        added_by_clinician=source.added_by_clinician,
                                        edited_by_clinician=source.edited_by_clinician or op != "equal"))
            else:
                result.append(Statement(text=line, added_by_clinician=True))
    return result


def _reworded(before: str, after: str) -> bool:
    words = difflib.SequenceMatcher(a=before.lower().split(), b=after.lower().split(), autojunk=False)
    return words.ratio() >= REWORDED_AT


def edited_note(note: Note, texts: dict[str, str]) -> Note:
    """A copy of `note` with each section whose key is in `texts` replaced by the edited lines."""
    copy = Note.from_dict(note.to_dict())
    for section in copy.sections:
        if section.key in texts:
            section.statements = edited_statements(section.statements, texts[section.key])
    return copy


def note_version(note: Note) -> str:
    """A short tag that changes whenever the note does (pages key their editors and checks by it)."""
    return hashlib.sha1(json.dumps(note.to_dict(), sort_keys=True).encode()).hexdigest()[:8]
