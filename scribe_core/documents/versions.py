"""Signed note versions and copies sent to an EHR, kept beside the encounter in the same SQLite store.

    note_versions   one row per signature: version 1 is the first sign-off (final), each amendment
                    adds the next (amended). The note body and the amendment reason are encrypted
                    like the working note; who signed and when are not (the audit needs them).
    ehr_sends       each successful Send to EHR: version, the EHR's DocumentReference id, location,
                    time, who sent it. No patient text: kept after a purge, so the clinic can see
                    that a copy lives on in the EHR (which a purge here cannot delete).

The tables come from the store's migration 5 (store.MIGRATIONS); purge deletes the versions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from ..errors import EncounterNotFoundError
from ..model import Note, RemoteDeletion
from ..store import EncounterStore

EHR_COPY = "ehr_document"
EHR_COPY_KEPT = "kept in the EHR: a purge here does not delete it (ask the EHR's records team)"


@dataclass(frozen=True)
class NoteVersion:
    encounter_id: str
    version: int
    status: str  # "final" (first signature) or "amended"
    signed_by: str
    signed_at: datetime
    note: Note
    reason: str = ""  # why the note was amended, as the clinician wrote it


@dataclass(frozen=True)
class EhrCopy:
    encounter_id: str
    version: int
    server_id: str
    location: str
    sent_at: datetime
    sent_by: str


class NoteVersions:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def _seal(self, encounter_id: str, version: int, what: str, text: str) -> str:
        return self.store.vault.seal(text, context=f"{encounter_id}:note_version:{version}:{what}")

    def _open(self, encounter_id: str, version: int, what: str, sealed: str) -> str:
        return self.store.vault.open(sealed, context=f"{encounter_id}:note_version:{version}:{what}")

    def add(self, encounter_id: str, note: Note, *, status: str, signed_by: str, signed_at: datetime,
            reason: str = "") -> NoteVersion:
        with self.store.transaction() as db:
            row = db.execute("SELECT state FROM encounters WHERE id = ?", (encounter_id,)).fetchone()
            if row is None or row[0] == "purged":
                raise EncounterNotFoundError(f"No encounter {encounter_id!r}: it may have been purged.")
            latest = db.execute("SELECT MAX(version) FROM note_versions WHERE encounter_id = ?",
                                (encounter_id,)).fetchone()[0]
            version = (latest or 0) + 1
            db.execute("INSERT INTO note_versions (encounter_id, version, status, signed_by, signed_at, reason, body) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (encounter_id, version, status, signed_by, signed_at.isoformat(),
                        self._seal(encounter_id, version, "reason", reason),
                        self._seal(encounter_id, version, "body", json.dumps(note.to_dict()))))
        return NoteVersion(encounter_id, version, status, signed_by, signed_at, note, reason)

    def all(self, encounter_id: str) -> list[NoteVersion]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT * FROM note_versions WHERE encounter_id = ? ORDER BY version",
                              (encounter_id,)).fetchall()
        return [NoteVersion(
            encounter_id=r["encounter_id"], version=r["version"], status=r["status"], signed_by=r["signed_by"],
            signed_at=datetime.fromisoformat(r["signed_at"]),
            note=Note.from_dict(json.loads(self._open(encounter_id, r["version"], "body", r["body"]))),
            reason=self._open(encounter_id, r["version"], "reason", r["reason"]),
        ) for r in rows]

    def latest(self, encounter_id: str) -> NoteVersion | None:
        versions = self.all(encounter_id)
        return versions[-1] if versions else None

    def record_send(self, encounter_id: str, version: int, server_id: str, location: str, sent_at: datetime,
                    sent_by: str) -> EhrCopy:
        with self.store.transaction() as db:
            db.execute("INSERT INTO ehr_sends (encounter_id, version, server_id, location, sent_at, sent_by) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (encounter_id, version, server_id, location, sent_at.isoformat(), sent_by))
        return EhrCopy(encounter_id, version, server_id, location, sent_at, sent_by)

    def sends(self, encounter_id: str) -> list[EhrCopy]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT * FROM ehr_sends WHERE encounter_id = ? ORDER BY sent_at",
                              (encounter_id,)).fetchall()
        return [EhrCopy(r["encounter_id"], r["version"], r["server_id"], r["location"],
                        datetime.fromisoformat(r["sent_at"]), r["sent_by"] or "") for r in rows]


def ehr_copies_kept(store: EncounterStore, encounter_id: str) -> list[RemoteDeletion]:
    """For a purge's tombstone: each copy sent to an EHR, which the purge does not (cannot) delete."""
    return [RemoteDeletion(EHR_COPY, f"DocumentReference/{c.server_id}", False, EHR_COPY_KEPT)
            for c in NoteVersions(store).sends(encounter_id)]
