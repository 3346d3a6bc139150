"""Signed note versions and copies sent to an EHR, kept by the store (storage/signed_notes.py).

A purge erases the versions (they hold the note's text) and keeps the record of each copy sent to an EHR,
which a purge here cannot delete: the tombstone says where it lives on.
"""

from __future__ import annotations

from datetime import datetime

from ..model import Note, RemoteDeletion
from ..storage.records import EhrCopy, NoteVersion
from ..store import EncounterStore

__all__ = ["EHR_COPY", "EHR_COPY_KEPT", "EhrCopy", "NoteVersion", "NoteVersions", "ehr_copies_kept"]

EHR_COPY = "ehr_document"
EHR_COPY_KEPT = "kept in the EHR: a purge here does not delete it (ask the EHR's records team)"


class NoteVersions:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def add(self, encounter_id: str, note: Note, *, status: str, signed_by: str, signed_at: datetime,
            reason: str = "") -> NoteVersion:
        return self.store.add_note_version(encounter_id, note, status=status, signed_by=signed_by,
                                           signed_at=signed_at, reason=reason)

    def all(self, encounter_id: str) -> list[NoteVersion]:
        return self.store.note_versions(encounter_id)

    def latest(self, encounter_id: str) -> NoteVersion | None:
        versions = self.all(encounter_id)
        return versions[-1] if versions else None

    def record_send(self, encounter_id: str, version: int, server_id: str, location: str, sent_at: datetime,
                    sent_by: str) -> EhrCopy:
        return self.store.record_ehr_send(EhrCopy(encounter_id, version, server_id, location, sent_at, sent_by))

    def sends(self, encounter_id: str) -> list[EhrCopy]:
        return self.store.ehr_sends(encounter_id)


def ehr_copies_kept(store: EncounterStore, encounter_id: str) -> list[RemoteDeletion]:
    """For a purge's tombstone: each copy sent to an EHR, which the purge does not (cannot) delete."""
    return [RemoteDeletion(EHR_COPY, f"DocumentReference/{c.server_id}", False, EHR_COPY_KEPT)
            for c in store.ehr_sends(encounter_id)]
