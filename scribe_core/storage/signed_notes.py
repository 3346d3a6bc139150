"""Signed note versions and the copies sent to an EHR.

    note_versions   one row per signature: version 1 is the first sign-off (final), each amendment adds
                    the next (amended). Body and amendment reason sealed like the working note; who signed
                    and when are not (the audit needs them). Patient text: written and read through
                    patient_text.py, erased by a purge.
    ehr_sends       each successful Send to EHR: version, the EHR's DocumentReference id, location, time,
                    who sent it. No patient text: kept after a purge, so the clinic can see that a copy
                    lives on in the EHR (which a purge here cannot delete).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from ..model import Note
from . import patient_text
from . import schema as t
from .base import StoreBase
from .records import EhrCopy, NoteVersion


class SignedNoteRows(StoreBase):
    def _version_context(self, encounter_id: str, version: int, what: str) -> str:
        return f"{encounter_id}:note_version:{version}:{what}"

    def add_note_version(self, encounter_id: str, note: Note, *, status: str, signed_by: str, signed_at: datetime,
                         reason: str = "") -> NoteVersion:
        """The next version of the signed note (1 for the first signature)."""
        c = t.note_versions.c
        with self.db.transaction() as db:
            patient_text.require_live(db, encounter_id)  # also holds the encounter: versions are numbered in turn
            version = int(db.execute(select(func.max(c.version)).where(c.encounter_id == encounter_id)).scalar()
                          or 0) + 1
            seal = self.vault.seal
            patient_text.write(db, t.note_versions, {
                "encounter_id": encounter_id, "version": version, "status": status, "signed_by": signed_by,
                "signed_at": signed_at.isoformat(),
                "reason": seal(reason, context=self._version_context(encounter_id, version, "reason")),
                "body": seal(json.dumps(note.to_dict()), context=self._version_context(encounter_id, version, "body")),
            })
        return NoteVersion(encounter_id, version, status, signed_by, signed_at, note, reason)

    def note_versions(self, encounter_id: str) -> list[NoteVersion]:
        """Every signed version, oldest first (none once the encounter is purged)."""
        with self.db.transaction() as db:
            found = db.execute(patient_text.rows(t.note_versions, encounter_id)
                               .order_by(t.note_versions.c.version)).mappings().all()

        def opened(version: int, what: str, sealed: str) -> str:
            return self.vault.open(sealed, context=self._version_context(encounter_id, version, what))

        return [NoteVersion(
            encounter_id=r["encounter_id"], version=r["version"], status=r["status"], signed_by=r["signed_by"],
            signed_at=datetime.fromisoformat(r["signed_at"]),
            note=Note.from_dict(json.loads(opened(r["version"], "body", r["body"]))),
            reason=opened(r["version"], "reason", r["reason"]),
        ) for r in found]

    def record_ehr_send(self, copy: EhrCopy) -> EhrCopy:
        with self.db.transaction() as db:
            db.execute(t.ehr_sends.insert().values(
                encounter_id=copy.encounter_id, version=copy.version, server_id=copy.server_id,
                location=copy.location, sent_at=copy.sent_at.isoformat(), sent_by=copy.sent_by))
        return copy

    def ehr_sends(self, encounter_id: str) -> list[EhrCopy]:
        c = t.ehr_sends.c
        with self.db.transaction() as db:
            found = db.execute(select(t.ehr_sends).where(c.encounter_id == encounter_id)
                               .order_by(c.sent_at)).mappings().all()
        return [EhrCopy(r["encounter_id"], r["version"], r["server_id"], r["location"],
                        datetime.fromisoformat(r["sent_at"]), r["sent_by"] or "") for r in found]
