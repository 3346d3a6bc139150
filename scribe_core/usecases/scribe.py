"""The Scribe: one object the app, the CLI and the worker hold, delegating to the use-case modules.

    intake        submit
    importing     import_transcript (an existing transcript, no recording)
    processing    process (and resume), retry, cancel, unfinished
    corrections   swap_roles, confirm_roles, set_role, redraft, save_note
    purging       purge, purge_all, purge_expired, delete_pending_transcripts (the worker's sweep)
    queries       the read side (scribe_core.usecases.queries), checked for the viewer on every read

A user's action takes `by`, the Viewer acting: it is checked against the encounter and named in
the audit log. `process` and retention are the scribe's own work (actor "system").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from .. import providers
from ..access import Viewer
from ..accounts import Accounts, User
from ..clinical import parse_transcript_bytes
from ..model import Encounter, Note, RemoteDeletion, Tombstone, Transcript
from ..patient import PatientIdentity
from . import corrections, importing, intake, processing, purging
from .intake import AudioSource
from .note_checks import MissingFact, with_missing_fact
from .ports import Ports
from .queries import EncounterQueries
from .remote_copies import keeps_remote_copy


@dataclass
class Scribe(Ports):
    @cached_property
    def queries(self) -> EncounterQueries:
        return EncounterQueries(self.store, sends_audio_off=self.sends_audio_off)

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.store)

    def sends_audio_off(self, engine: str) -> bool:
        """Whether an engine keeps the recording at a remote service (when in doubt, yes)."""
        return keeps_remote_copy(self, engine)

    def sends_text_off(self, engine: str) -> bool:
        """Whether the note writer for an engine's encounters sends their text off this machine."""
        return providers.writer_sends_text_off(self.writer_for_engine(engine))

    # -- intake and processing -------------------------------------------------------------------
    def submit(self, audio: BinaryIO | Path, source_name: str, *, by: Viewer | None = None,
               source: AudioSource = AudioSource.FILE, engine: str | None = None,
               keyterms: list[str] | tuple[str, ...] = (), context: str = "", template: str = "soap",
               patient: PatientIdentity | None = None) -> Encounter:
        return intake.submit(self, audio, source_name, by=by, source=source, engine=engine, keyterms=keyterms,
                             context=context, template=template, patient=patient)

    def import_transcript(self, transcript: Transcript, source_name: str, *, by: Viewer,
                          template: str = "soap", patient: PatientIdentity | None = None) -> Encounter:
        return importing.import_transcript(self, transcript, source_name, by=by, template=template, patient=patient)

    def import_transcript_file(self, name: str, data: bytes, *, by: Viewer, template: str = "soap",
                               patient: PatientIdentity | None = None) -> Encounter:
        """An uploaded transcript file (text or JSON): refused when too large, not UTF-8 or unreadable."""
        return importing.import_transcript(self, parse_transcript_bytes(name, data), name, by=by,
                                           template=template, patient=patient)

    def process(self, encounter_id: str) -> Encounter:
        return processing.process(self, encounter_id)

    def unfinished(self) -> list[str]:
        return processing.unfinished(self)

    def retry(self, encounter_id: str, *, by: Viewer) -> Encounter:
        return processing.retry(self, encounter_id, by=by)

    def cancel(self, encounter_id: str, *, by: Viewer) -> None:
        processing.cancel(self, encounter_id, by=by)

    # -- corrections -----------------------------------------------------------------------------
    def swap_roles(self, encounter_id: str, *, by: Viewer) -> Transcript:
        return corrections.swap_roles(self, encounter_id, by=by)

    def confirm_roles(self, encounter_id: str, *, by: Viewer) -> Transcript:
        return corrections.confirm_roles(self, encounter_id, by=by)

    def set_role(self, encounter_id: str, utterance_id: str, role: str, *, by: Viewer) -> Transcript:
        return corrections.set_role(self, encounter_id, utterance_id, role, by=by)

    def redraft(self, encounter_id: str, *, by: Viewer, template: str | None = None) -> Encounter:
        return corrections.redraft(self, encounter_id, by=by, template=template)

    def save_note(self, encounter_id: str, note: Note, *, by: Viewer) -> None:
        corrections.save_note(self, encounter_id, note, by=by)

    def add_missing_fact(self, encounter_id: str, note: Note, fact: MissingFact, *, by: Viewer) -> None:
        """Save `note` with a possibly missing fact added where the encounter's template places it."""
        template = self.templates.all().get(note.template)
        corrections.save_note(self, encounter_id, with_missing_fact(note, fact, template), by=by)

    # -- purge and retention ---------------------------------------------------------------------
    def purge(self, encounter_id: str, *, by: Viewer, reason: str = "user",
              unsent_signed_ok: bool = False) -> Tombstone:
        return purging.purge(self, encounter_id, by=by, reason=reason, unsent_signed_ok=unsent_signed_ok)

    def purge_warnings(self, encounter_id: str, *, by: Viewer) -> list[str]:
        return purging.purge_warnings(self, encounter_id, by=by)

    def purge_all(self, *, by: Viewer, reason: str = "user", unsent_signed_ok: bool = False) -> list[Tombstone]:
        return purging.purge_all(self, by=by, reason=reason, unsent_signed_ok=unsent_signed_ok)

    def purge_expired(self, retention_hours: float, *, now: datetime | None = None) -> list[Tombstone]:
        return purging.purge_expired(self, retention_hours, now=now)

    def delete_pending_transcripts(self) -> list[RemoteDeletion]:
        return purging.delete_pending_transcripts(self)

    # -- sign-in ---------------------------------------------------------------------------------
    def signed_out(self, user: User, *, reason: str = "") -> None:
        self.store.audit("signed_out", actor=user.username, remote_result=reason or None)
