"""Corrections: fix the speakers' roles, edit the note, and queue the note's re-draft from the corrected transcript.

Each is a clinician's action: it checks that they may open the encounter and names them in the audit log.
"""

from __future__ import annotations

from ..access import Viewer
from ..documents.signoff import require_editable
from ..errors import InvalidStateError, ScribeError
from ..model import Encounter, EncounterState, Note, Transcript
from .decisions import swapped_roles, with_role
from .ports import Ports

S = EncounterState


def _transcript(ports: Ports, encounter_id: str, by: Viewer) -> Transcript:
    by.check(ports.store.get(encounter_id))
    transcript = ports.store.transcript(encounter_id)
    if transcript is None:
        raise InvalidStateError("This encounter has no transcript yet.")
    return transcript


def swap_roles(ports: Ports, encounter_id: str, *, by: Viewer) -> Transcript:
    """Swap Doctor and Patient throughout, e.g. when diarization guessed them the wrong way round."""
    transcript = swapped_roles(_transcript(ports, encounter_id, by))
    ports.store.save_transcript(encounter_id, transcript)
    ports.store.audit("roles_swapped", encounter_id, actor=by.name)
    return transcript


def confirm_roles(ports: Ports, encounter_id: str, *, by: Viewer) -> Transcript:
    """A clinician checked the Doctor/Patient labels and they are right as they are."""
    transcript = _transcript(ports, encounter_id, by)
    transcript.roles_confirmed = True
    ports.store.save_transcript(encounter_id, transcript)
    ports.store.audit("roles_confirmed", encounter_id, actor=by.name)
    return transcript


def set_role(ports: Ports, encounter_id: str, utterance_id: str, role: str, *, by: Viewer) -> Transcript:
    transcript = with_role(_transcript(ports, encounter_id, by), utterance_id, role)
    if transcript is None:
        raise ScribeError(f"No utterance {utterance_id} in this transcript.")
    ports.store.save_transcript(encounter_id, transcript)
    ports.store.audit("role_corrected", encounter_id, actor=by.name, remote_result=utterance_id)
    return transcript


def redraft(ports: Ports, encounter_id: str, *, by: Viewer, template: str | None = None) -> Encounter:
    """Queue the note to be written again from the (corrected) transcript; returns at once, in flight.

    The template, the state change and the audit entry are one transaction; the draft is a job (the
    job runner holds the encounter's lock), so a page never drafts and two servers never draft at once."""
    store = ports.store
    encounter = by.check(store.get(encounter_id))
    require_editable(store, encounter_id)  # a signed note is never replaced by a new draft
    if encounter.state not in (S.READY, S.FAILED, S.TRANSCRIBED) or store.transcript(encounter_id) is None:
        raise InvalidStateError("The note can be re-drafted once the transcript is ready.")
    changes: dict[str, object] = {"state": S.TRANSCRIBED, "step": "waiting", "error": None, "attempts": 0,
                                  "retry_at": None}
    if template:
        ports.templates.get(template)  # refuses an unknown template by name
        changes["template"] = template
    store.clear_cancel(encounter_id)
    encounter = store.update_audited(encounter_id, ("redraft_requested", by.name, template or None), **changes)
    ports.enqueue(encounter_id)
    return encounter


def save_note(ports: Ports, encounter_id: str, note: Note, *, by: Viewer) -> None:
    by.check(ports.store.get(encounter_id))
    require_editable(ports.store, encounter_id)  # a signed note changes only by amendment (documents.signoff)
    note.edited = True
    ports.store.save_note(encounter_id, note)
    ports.store.audit("note_edited", encounter_id, actor=by.name)
