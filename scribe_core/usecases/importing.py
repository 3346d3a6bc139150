"""Import: an existing transcript (a text or JSON file, no audio) becomes an encounter like any other.

The encounter has no recording (engine "import") and arrives transcribed: the transcript, the encounter
and the audit entry are stored in one transaction, and its note is drafted by a job (the job runner,
usecases/ports.py), never inside the page's request: the page returns at once and shows progress. The
writer is the one `providers.writer_for` picks for an import (offline, extractive, unless the clinic
chose another with SCRIBE_NOTE_WRITER). The clinician then reviews, re-drafts, signs or purges it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..access import Viewer
from ..errors import ScribeError
from ..model import IMPORTED, Encounter, EncounterState, Transcript, utc_now
from ..patient import PatientIdentity
from .intake import checked_patient
from .ports import Ports


def check_size(ports: Ports, transcript: Transcript) -> None:
    """Refuse a transcript longer than SCRIBE_MAX_TRANSCRIPT_UTTERANCES, before anything is stored."""
    count, limit = len(transcript.utterances), ports.max_transcript_utterances
    if count > limit:
        raise ScribeError(f"This transcript has {count:,} utterances; the limit is {limit:,} "
                          "(SCRIBE_MAX_TRANSCRIPT_UTTERANCES). Split it, or raise the limit.")


def import_transcript(ports: Ports, transcript: Transcript, source_name: str, *, by: Viewer,
                      template: str = "soap", patient: PatientIdentity | None = None) -> Encounter:
    """Store `transcript` as a new encounter owned by `by`, queued for drafting; audited as `by`."""
    if not transcript.utterances or not any(u.text.strip() for u in transcript.utterances):
        raise ScribeError("The transcript has no utterances: nothing to draft a note from.")
    check_size(ports, transcript)
    identity = checked_patient(ports, patient)
    ports.templates.get(template)  # refuses an unknown template by name
    ends = [u.end_ms for u in transcript.utterances if u.end_ms]
    encounter = Encounter(
        id=uuid.uuid4().hex[:12], created=utc_now(), source_name=Path(source_name).name or "transcript",
        engine=IMPORTED, state=EncounterState.TRANSCRIBED, template=template, owner=by.name, step="waiting",
        duration_s=max(ends) / 1000 if ends else None, patient_name=identity.name, patient_mrn=identity.mrn,
    )
    ports.store.add_with_transcript(encounter, transcript, ("imported_transcript", by.name, None))
    ports.enqueue(encounter.id)
    return encounter
