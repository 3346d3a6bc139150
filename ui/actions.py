"""What the pages' buttons do: each is one call into scribe_core (plus the worker's queue).

Kept out of the page files so tests can drive them without a browser and so each page reads as
"render, then call one of these".
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import BinaryIO

from scribe_core.access import Viewer
from scribe_core.bootstrap import Services
from scribe_core.model import Encounter, Note, Statement
from scribe_core.patient import PatientIdentity
from scribe_core.usecases import AudioSource

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_AUDIO = REPO_ROOT / "assets" / "sample_consultation.mp3"
SAMPLE_CONTEXT = "Sample: respiratory consultation (Fareez et al., Scientific Data 2022)"
UPLOAD_TYPES = ["wav", "mp3", "m4a", "mp4", "webm", "ogg", "flac"]


def parse_keyterms(text: str) -> list[str]:
    """Key terms typed one per line or comma-separated; blanks and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for term in re.split(r"[,\n;]", text or ""):
        term = " ".join(term.split())
        if term and term.lower() not in {k.lower() for k in seen}:
            seen[term] = None
    return list(seen)


def start_encounter(
    services: Services,
    audio: BinaryIO | Path,
    source_name: str,
    *,
    by: Viewer,
    source: AudioSource = AudioSource.FILE,
    keyterms_text: str = "",
    context: str = "",
    template: str = "soap",
    engine: str | None = None,
    patient: PatientIdentity | None = None,
) -> Encounter:
    """Store and validate the recording (raises the core's ScribeError), then queue it for the worker."""
    encounter = services.scribe.submit(
        audio, source_name, by=by, source=source, engine=engine, keyterms=parse_keyterms(keyterms_text),
        context=context.strip(), template=template, patient=patient,
    )
    services.worker.enqueue(encounter.id)
    return encounter


def start_sample(services: Services, *, by: Viewer, template: str = "soap", engine: str | None = None,
                 patient: PatientIdentity | None = None) -> Encounter:
    return start_encounter(services, SAMPLE_AUDIO, "sample_consultation.mp3", by=by, context=SAMPLE_CONTEXT,
                           template=template, engine=engine, patient=patient)


def swap_roles_and_redraft(services: Services, encounter_id: str, *, by: Viewer) -> Encounter:
    services.scribe.swap_roles(encounter_id, by=by)
    return services.scribe.redraft(encounter_id, by=by)


def retry(services: Services, encounter_id: str, *, by: Viewer) -> Encounter:
    """Put a failed encounter back in flight and queue it for the worker."""
    encounter = services.scribe.retry(encounter_id, by=by)
    services.worker.enqueue(encounter_id)
    return encounter


def edited_statements(old: list[Statement], text: str) -> list[Statement]:
    """A section's statements after the clinician edited them as one statement per line.

    A line kept as it was keeps its evidence; a reworded line (mostly the same words as the line it
    replaced) keeps that line's evidence; any other line is new: it cites nothing, so it is flagged
    until someone checks it against the recording.
    """
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
    return words.ratio() >= 0.6


def edited_note(note: Note, texts: dict[str, str]) -> Note:
    """A copy of `note` with each section whose key is in `texts` replaced by the edited lines."""
    copy = Note.from_dict(note.to_dict())
    for section in copy.sections:
        if section.key in texts:
            section.statements = edited_statements(section.statements, texts[section.key])
    return copy


def note_as_text(statements: list[Statement]) -> str:
    return "\n".join(s.text for s in statements)
