"""Import: an existing transcript (a text or JSON file, no audio) becomes an encounter like any other.

The encounter has no recording (engine "import"); it is ready at once, with the transcript and the
offline note drafted from it without a language model (nothing leaves this machine). The clinician
reviews it on the Note and Review pages, re-drafts it, signs it or purges it as any other encounter.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..access import Viewer
from ..documents.templates import resolve_template
from ..errors import ScribeError
from ..model import IMPORTED, Encounter, EncounterState, Transcript, utc_now
from ..notes.extractive import ExtractiveNoteWriter
from ..patient import PatientIdentity
from .intake import checked_patient
from .ports import Ports


def import_transcript(ports: Ports, transcript: Transcript, source_name: str, *, by: Viewer,
                      template: str = "soap", patient: PatientIdentity | None = None) -> Encounter:
    """Store `transcript` as a new ready encounter owned by `by`, with the offline note; audited as `by`."""
    if not transcript.utterances or not any(u.text.strip() for u in transcript.utterances):
        raise ScribeError("The transcript has no utterances: nothing to draft a note from.")
    identity = checked_patient(ports, patient)
    note_template = resolve_template(template, ports.store.data_dir)  # refuses an unknown template by name
    note = ExtractiveNoteWriter().draft(transcript, note_template).note
    ends = [u.end_ms for u in transcript.utterances if u.end_ms]
    encounter = Encounter(
        id=uuid.uuid4().hex[:12], created=utc_now(), source_name=Path(source_name).name or "transcript",
        engine=IMPORTED, state=EncounterState.READY, template=template, owner=by.name, step=None,
        duration_s=max(ends) / 1000 if ends else None, patient_name=identity.name, patient_mrn=identity.mrn,
    )
    ports.store.add(encounter, None)
    ports.store.save_transcript(encounter.id, transcript)
    ports.store.save_note(encounter.id, note)
    ports.store.audit("imported_transcript", encounter.id, actor=by.name, remote_result=f"writer={note.writer}")
    return encounter
