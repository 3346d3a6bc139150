"""Encounters, their transcripts and notes: rows with the patient's words sealed by the vault.

A purged encounter stays purged: an update written after the purge (a worker finishing late) is refused;
transcripts and notes go through patient_text.py, which refuses patient text under a tombstone.
"""

from __future__ import annotations

import builtins  # `list` is also a method here
import json
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from ..model import Encounter, EncounterState, Note, RecordingConsent, Transcript, utc_now
from . import patient_text
from . import schema as t
from .base import StoreBase, insert_audit
from .patient_text import gone as _gone

SEALED_COLUMNS = ("source_name", "context", "keyterms", "patient_name", "patient_mrn")
ENCOUNTER_COLUMNS = (
    "id", "created", "updated", "source_name", "duration_s", "engine", "state", "error", "step",
    "progress", "remote_transcript_id", "owner", "context", "keyterms", "template", "attempts", "retry_at",
    "consent",  # stored as consent_by and consent_at
    "patient_name", "patient_mrn",
)
_IN_FLIGHT = [s.value for s in EncounterState if s.in_flight]


class EncounterRows(StoreBase):
    def insert_encounter(self, db: Connection, encounter: Encounter, audio_file: str | None) -> None:
        row = self._seal_row(_row_values({k: getattr(encounter, k) for k in ENCOUNTER_COLUMNS}), encounter.id)
        db.execute(t.encounters.insert().values(**row, audio_file=audio_file))
        if self.jobs is not None and encounter.state.in_flight:
            self.jobs.enqueue(db, encounter.id)

    def get(self, encounter_id: str) -> Encounter:
        with self.db.transaction() as db:
            row = db.execute(select(t.encounters).where(t.encounters.c.id == encounter_id)).mappings().first()
        if row is None:
            raise _gone(encounter_id)
        return self._encounter_from_row(dict(row))

    def list(self, *, owner: str | None = None, include_purged: bool = False) -> builtins.list[Encounter]:
        query = select(t.encounters)
        if owner is not None:
            query = query.where(t.encounters.c.owner == owner)
        if not include_purged:
            query = query.where(t.encounters.c.state != EncounterState.PURGED.value)
        with self.db.transaction() as db:
            rows = db.execute(query.order_by(t.encounters.c.created.desc())).mappings().all()
        return [self._encounter_from_row(dict(r)) for r in rows]

    def lengths(self) -> dict[str, tuple[str, float | None]]:
        """Every encounter's engine and recording length (purged ones too), read without decrypting."""
        c = t.encounters.c
        with self.db.transaction() as db:
            rows = db.execute(select(c.id, c.engine, c.duration_s)).all()
        return {r[0]: (r[1], r[2]) for r in rows}

    def in_flight_ids(self) -> builtins.list[str]:
        """Encounters in flight, oldest first, read without decrypting (the job sweep's question)."""
        c = t.encounters.c
        with self.db.transaction() as db:
            return [r[0] for r in db.execute(select(c.id).where(c.state.in_(_IN_FLIGHT)).order_by(c.created))]

    def update(self, encounter_id: str, **changes: object) -> Encounter:
        return self._update(encounter_id, changes, None)

    def update_audited(self, encounter_id: str, audit: tuple[str, str, str | None], **changes: object) -> Encounter:
        """Change the encounter's fields and record `audit` (action, actor, remote result) in the same
        transaction, so a crash cannot keep the change and lose its audit entry."""
        return self._update(encounter_id, changes, audit)

    def update_with_note(self, encounter_id: str, note: Note, audit: tuple[str, str, str | None],
                         **changes: object) -> Encounter:
        """Store the note, record `audit` and change the encounter's fields in one transaction: a drafted
        note and its encounter's `ready` commit together, so a crash never leaves one without the other."""
        return self._update(encounter_id, changes, audit, note=note)

    def _update(self, encounter_id: str, changes: dict[str, object], audit: tuple[str, str, str | None] | None,
                *, note: Note | None = None) -> Encounter:
        allowed = {f.name for f in fields(Encounter)} - {"id", "created"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        changes["updated"] = utc_now()
        row = self._seal_row(_row_values(changes), encounter_id)
        c = t.encounters.c
        with self.db.transaction() as db:
            before = db.execute(select(c.state).where(c.id == encounter_id).with_for_update()).scalar()
            # A purged encounter stays purged: a worker finishing late cannot bring it back.
            done = db.execute(update(t.encounters).where(c.id == encounter_id, c.state != "purged").values(**row))
            if before is None or done.rowcount == 0:
                raise _gone(encounter_id)
            self._enqueue_if_needed(db, encounter_id, before, changes)
            if note is not None:
                self._write_note(db, encounter_id, note)
            if audit is not None:
                insert_audit(db, audit[0], encounter_id, audit[1], audit[2])
        return self.get(encounter_id)

    def add_with_transcript(self, encounter: Encounter, transcript: Transcript,
                            audit: tuple[str, str, str | None]) -> None:
        """A new encounter with no recording (an imported transcript), its transcript and `audit`, in one
        transaction: a crash leaves all of it or none of it."""
        encounter.updated = encounter.created
        with self.db.transaction() as db:
            self.insert_encounter(db, encounter, None)
            self._write_transcript(db, encounter.id, transcript)
            insert_audit(db, audit[0], encounter.id, audit[1], audit[2])

    def _enqueue_if_needed(self, db: Connection, encounter_id: str, before: str, changes: dict[str, object]) -> None:
        """A job is owed when an encounter comes back into flight (retry, re-draft) or a retry is scheduled;
        it is enqueued in this same transaction, so the change and its job commit together."""
        if self.jobs is None:
            return
        state = changes.get("state")
        retry_at = changes.get("retry_at")
        if isinstance(retry_at, datetime):
            self.jobs.enqueue(db, encounter_id, at=retry_at)
        elif isinstance(state, EncounterState) and state.in_flight and not EncounterState(before).in_flight:
            self.jobs.enqueue(db, encounter_id)

    def request_cancel(self, encounter_id: str) -> None:
        self._set_cancel(encounter_id, 1)

    def clear_cancel(self, encounter_id: str) -> None:
        self._set_cancel(encounter_id, 0)

    def _set_cancel(self, encounter_id: str, value: int) -> None:
        with self.db.transaction() as db:
            db.execute(update(t.encounters).where(t.encounters.c.id == encounter_id).values(cancel_requested=value))

    def cancel_requested(self, encounter_id: str) -> bool:
        c = t.encounters.c
        with self.db.transaction() as db:
            return bool(db.execute(select(c.cancel_requested).where(c.id == encounter_id)).scalar())

    # -- transcripts and notes ------------------------------------------------------------------
    def save_transcript(self, encounter_id: str, transcript: Transcript) -> None:
        with self.db.transaction() as db:
            self._write_transcript(db, encounter_id, transcript)

    def _write_transcript(self, db: Connection, encounter_id: str, transcript: Transcript) -> None:
        body = self.vault.seal(json.dumps(transcript.to_dict()), context=f"{encounter_id}:transcript")
        patient_text.write(db, t.transcripts, {"encounter_id": encounter_id, "body": body}, ["encounter_id"])

    def transcript(self, encounter_id: str) -> Transcript | None:
        body = self._body(t.transcripts, encounter_id)
        if body is None:
            return None
        return Transcript.from_dict(json.loads(self.vault.open(body, context=f"{encounter_id}:transcript")))

    def save_note(self, encounter_id: str, note: Note) -> None:
        with self.db.transaction() as db:
            self._write_note(db, encounter_id, note)

    def _write_note(self, db: Connection, encounter_id: str, note: Note) -> None:
        body = self.vault.seal(json.dumps(note.to_dict()), context=f"{encounter_id}:note")
        patient_text.write(db, t.notes, {"encounter_id": encounter_id, "body": body,
                                         "updated": utc_now().isoformat()}, ["encounter_id"])

    def note(self, encounter_id: str) -> Note | None:
        body = self._body(t.notes, encounter_id)
        if body is None:
            return None
        return Note.from_dict(json.loads(self.vault.open(body, context=f"{encounter_id}:note")))

    def _body(self, table: Any, encounter_id: str) -> str | None:
        with self.db.transaction() as db:
            row = db.execute(patient_text.rows(table, encounter_id)).mappings().first()
        return None if row is None else str(row["body"])

    def count_encounters(self) -> int:
        with self.db.transaction() as db:
            return int(db.execute(select(func.count()).select_from(t.encounters)).scalar() or 0)

    # -- rows <-> encounters ----------------------------------------------------------------------
    def _seal_row(self, row: dict[str, Any], encounter_id: str) -> dict[str, Any]:
        return {k: (self.vault.seal(v, context=f"{encounter_id}:{k}") if k in SEALED_COLUMNS else v)
                for k, v in row.items()}

    def _encounter_from_row(self, values: dict[str, Any]) -> Encounter:
        for k in SEALED_COLUMNS:
            if values[k]:  # purged stubs hold '' here
                values[k] = self.vault.open(values[k], context=f"{values['id']}:{k}")
        return Encounter(
            id=values["id"],
            created=datetime.fromisoformat(values["created"]),
            updated=datetime.fromisoformat(values["updated"]) if values["updated"] else None,
            source_name=values["source_name"], duration_s=values["duration_s"], engine=values["engine"],
            state=EncounterState(values["state"]), error=values["error"], step=values["step"],
            progress=values["progress"], remote_transcript_id=values["remote_transcript_id"],
            owner=values["owner"], context=values["context"], keyterms=json.loads(values["keyterms"] or "[]"),
            template=values["template"], attempts=values["attempts"],
            retry_at=datetime.fromisoformat(values["retry_at"]) if values["retry_at"] else None,
            consent=RecordingConsent(values["consent_by"], datetime.fromisoformat(values["consent_at"]))
            if values.get("consent_by") and values.get("consent_at") else None,
            patient_name=values.get("patient_name") or "", patient_mrn=values.get("patient_mrn") or "",
        )


def _row_values(values: dict[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, EncounterState):
            value = value.value
        elif key == "keyterms" and isinstance(value, list | tuple):
            value = json.dumps(list(value))
        elif key == "consent":
            consent = value if isinstance(value, RecordingConsent) else None
            out["consent_by"] = consent.by if consent else None
            out["consent_at"] = consent.at.isoformat() if consent else None
            continue
        out[key] = value
    return out
