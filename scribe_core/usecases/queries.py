"""The read side: everything a page shows, asked for by a viewer and checked on every read.

    encounters(viewer)                    the encounters the viewer may open, newest first
    listing(viewer, filter)               the same as the list shows them: patient, state, signed/amended/sent,
                                          template, clinician; searched by patient, day and state
    encounter(viewer, id)                 one of them, or a typed refusal (below), never another one
    transcript / note / recording         that encounter's content (None while it does not exist yet)
    note_checks(viewer, id, note)         what the note may have left out, and what its citations do not back
    remote_copies(viewer, id)             what a purge would have to delete at remote services
    sign_off(viewer, id)                  the note's status (draft, final, amended) and its latest signed version
    ehr_sends(viewer, id)                 the copies of the note sent to an EHR (server id, time, version)
    time_left_s(viewer, encounter)        an offline job's estimated time left
    share_done(viewer, encounter)         an offline job's share done across its steps (for a progress bar)
    tombstones(viewer)                    purged encounters: a clinician's own, every one for an admin
    audit_log(viewer)                     admins only

An id the viewer may not see raises `AccessDeniedError` ("You do not have access to this
encounter."), before anything else about it is revealed; an unknown id `EncounterNotFoundError`
("No encounter with this id."); a purged one `EncounterPurgedError` ("This encounter was purged on
…"). All three are `EncounterUnavailableError`: a page shows the message in place of the encounter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..access import Viewer
from ..accounts import Accounts
from ..documents.signoff import NoteStatus, note_status
from ..documents.templates import TemplateRepository
from ..documents.versions import EhrCopy, NoteVersions
from ..encounter_list import EncounterFilter, EncounterRow, encounter_list
from ..errors import EncounterNotFoundError, EncounterPurgedError
from ..model import Encounter, EncounterState, Note, Tombstone, Transcript
from ..store import EncounterStore
from .decisions import measured_rtf, offline_done, time_left_s
from .note_checks import NoteChecks, note_checks

_AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".webm": "audio/webm",
                ".ogg": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav"}
_REMOTE_COPY = {"checkpoint:upload": "upload", "llm_request": "llm_request"}


@dataclass(frozen=True)
class Recording:
    data: bytes
    mime: str


class EncounterQueries:
    def __init__(self, store: EncounterStore, *, sends_audio_off: Callable[[str], bool]) -> None:
        """`sends_audio_off(engine)`: whether that engine keeps a copy at a remote service."""
        self._store = store
        self._sends_audio_off = sends_audio_off

    def encounters(self, viewer: Viewer) -> list[Encounter]:
        return self._store.list(owner=viewer.owner_filter)

    def listing(self, viewer: Viewer, wanted: EncounterFilter | None = None) -> list[EncounterRow]:
        templates = TemplateRepository(self._store).all()
        return encounter_list(self._store, viewer, wanted, signature=Accounts(self._store).signature,
                              template_title=lambda name: templates[name].title if name in templates else name)

    def encounter(self, viewer: Viewer, encounter_id: str) -> Encounter:
        try:
            encounter = self._store.get(encounter_id)
        except EncounterNotFoundError:
            raise EncounterNotFoundError("No encounter with this id.") from None
        viewer.check(encounter)  # before saying anything else about it, even that it was purged
        if encounter.state == EncounterState.PURGED:
            tombstone = next((t for t in self._store.tombstones() if t.encounter_id == encounter_id), None)
            purged_at = tombstone.purged if tombstone else encounter.updated
            raise EncounterPurgedError(EncounterPurgedError.gone(purged_at), encounter_id=encounter_id,
                                       purged_at=purged_at)
        return encounter

    def transcript(self, viewer: Viewer, encounter_id: str) -> Transcript | None:
        self.encounter(viewer, encounter_id)
        return self._store.transcript(encounter_id)

    def note(self, viewer: Viewer, encounter_id: str) -> Note | None:
        self.encounter(viewer, encounter_id)
        return self._store.note(encounter_id)

    def note_checks(self, viewer: Viewer, encounter_id: str, note: Note, *,
                    consistency: bool = True) -> NoteChecks | None:
        """The checks on `note` (the one shown, perhaps edited) against the encounter's transcript; None
        while there is no transcript."""
        transcript = self.transcript(viewer, encounter_id)
        return None if transcript is None else note_checks(transcript, note, consistency=consistency)

    def recording(self, viewer: Viewer, encounter_id: str) -> Recording | None:
        """The decrypted recording and its MIME type, for playing it; None once it is gone."""
        self.encounter(viewer, encounter_id)
        path = self._store.audio_path(encounter_id)
        if path is None or not path.exists():
            return None
        suffix = Path(path.name.removesuffix(".enc")).suffix.lower()
        return Recording(self._store.audio_bytes(encounter_id), _AUDIO_TYPES.get(suffix, "audio/wav"))

    def remote_copies(self, viewer: Viewer, encounter_id: str) -> list[str]:
        """What remote services hold of this encounter now: 'transcript', 'upload', 'llm_request'."""
        encounter = self.encounter(viewer, encounter_id)
        remote_engine = self._sends_audio_off(encounter.engine)
        held = ["transcript"] if encounter.remote_transcript_id and remote_engine else []
        for kind, _, deleted in self._store.remote_requests(encounter_id):
            if kind in _REMOTE_COPY and not deleted and _REMOTE_COPY[kind] not in held:
                held.append(_REMOTE_COPY[kind])
        return held

    def sign_off(self, viewer: Viewer, encounter_id: str) -> NoteStatus:
        """Whether the note is signed: draft (preliminary), final or amended, with the latest version."""
        self.encounter(viewer, encounter_id)
        return note_status(self._store, encounter_id)

    def ehr_sends(self, viewer: Viewer, encounter_id: str) -> list[EhrCopy]:
        """Each successful Send to EHR of this encounter's note, oldest first."""
        self.encounter(viewer, encounter_id)
        return NoteVersions(self._store).sends(encounter_id)

    def time_left_s(self, viewer: Viewer, encounter: Encounter) -> float | None:
        """An offline job's estimated seconds left: this machine's measured real-time factor × the recording's
        length at first, then the job's own pace as its steps finish."""
        viewer.check(encounter)
        if self._sends_audio_off(encounter.engine) or not encounter.state.in_flight or encounter.retry_at is not None:
            return None
        if encounter.state in (EncounterState.TRANSCRIBED, EncounterState.DRAFTING):
            return 0.0  # the extractive draft takes well under a second
        rtf, started = self._offline_timings()
        elapsed_s = None
        if encounter.id in started and encounter.updated is not None:
            elapsed_s = (encounter.updated - datetime.fromisoformat(started[encounter.id])).total_seconds()
        return time_left_s(encounter.duration_s, rtf, encounter.step, encounter.progress, elapsed_s)

    def share_done(self, viewer: Viewer, encounter: Encounter) -> float | None:
        """The share of an offline job done (0..1) across all its steps; None for a remote service's job."""
        viewer.check(encounter)
        if self._sends_audio_off(encounter.engine) or not encounter.state.in_flight:
            return None
        if encounter.state in (EncounterState.TRANSCRIBED, EncounterState.DRAFTING):
            return 1.0
        return offline_done(encounter.step, encounter.progress)

    def offline_rtf(self) -> float:
        """Median processing seconds per audio second of this machine's recent offline transcriptions."""
        return self._offline_timings()[0]

    def _offline_timings(self) -> tuple[float, dict[str, str]]:
        """This machine's real-time factor, and when each unfinished offline transcription started."""
        offline = {encounter_id: duration_s for encounter_id, (engine, duration_s) in self._store.lengths().items()
                   if duration_s and not self._sends_audio_off(engine)}
        started: dict[str, Any] = {}
        jobs: list[tuple[float, float]] = []
        for entry in reversed(self._store.audit_log(limit=2000)):  # oldest first
            encounter_id = entry["encounter_id"]
            if encounter_id not in offline:
                continue
            if entry["action"] == "transcription_started":
                started[encounter_id] = entry["at"]
            elif entry["action"] == "transcribed" and encounter_id in started:
                spent_s = _seconds_between(started.pop(encounter_id), entry["at"])
                jobs.append((spent_s, float(offline[encounter_id] or 0)))
        return measured_rtf(jobs[-20:]), started

    def tombstones(self, viewer: Viewer) -> list[Tombstone]:
        return self._store.tombstones(owner=viewer.owner_filter)

    def audit_log(self, viewer: Viewer, limit: int = 500) -> list[dict[str, Any]]:
        viewer.require_admin("audit log")
        return self._store.audit_log(limit)


def _seconds_between(start_iso: str, end_iso: str) -> float:
    return (datetime.fromisoformat(end_iso) - datetime.fromisoformat(start_iso)).total_seconds()
