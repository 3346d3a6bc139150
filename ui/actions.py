"""What the pages' buttons do: each is one call into scribe_core (plus the worker's queue).

Kept out of the page files so tests can drive them without a browser and so each page reads as
"render, then call one of these".
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from scribe_core.access import Viewer
from scribe_core.bootstrap import Services
from scribe_core.keyterms import parse_keyterms  # noqa: F401  (the pages' name for the core's rule)
from scribe_core.model import Encounter, Statement
from scribe_core.notes.edits import edited_note, edited_statements, note_version  # noqa: F401  (the same)
from scribe_core.patient import PatientIdentity
from scribe_core.usecases import AudioSource

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_AUDIO = REPO_ROOT / "assets" / "sample_consultation.mp3"
SAMPLE_CONTEXT = "Sample: respiratory consultation (Fareez et al., Scientific Data 2022)"
UPLOAD_TYPES = ["wav", "mp3", "m4a", "mp4", "webm", "ogg", "flac"]


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


def note_as_text(statements: list[Statement]) -> str:
    return "\n".join(s.text for s in statements)
