"""The audit log (actions, ids and remote results, never patient text) and purging with its tombstone."""

from __future__ import annotations

import builtins  # `list` is a method of the store
import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from ..model import RemoteDeletion, Tombstone, utc_now
from . import patient_text
from . import schema as t
from .base import insert_audit, upsert
from .recordings import RecordingStore


class AuditAndPurge(RecordingStore):
    def audit(self, action: str, encounter_id: str | None = None, *, actor: str | None = None,
              remote_result: str | None = None) -> None:
        with self.db.transaction() as db:
            insert_audit(db, action, encounter_id, actor, remote_result)

    def audit_log(self, limit: int = 500) -> builtins.list[dict[str, Any]]:
        with self.db.transaction() as db:
            rows = db.execute(select(t.audit).order_by(t.audit.c.id.desc()).limit(limit)).mappings().all()
        return [dict(r) for r in rows]

    def erase(self, encounter_id: str, tombstone: Tombstone) -> builtins.list[str]:
        """Remove every local trace of the encounter's content and leave a tombstone. Returns what went."""
        deleted = []
        stored = self.audio_path(encounter_id)
        with self.db.transaction() as db:
            if self._delete_recording(db, encounter_id, stored):
                deleted.append("audio")
            deleted += patient_text.erase(db, encounter_id)
            db.execute(delete(t.remote_requests).where(t.remote_requests.c.encounter_id == encounter_id))
            # The row stays as a purged stub without its source name, context, key terms or patient.
            db.execute(update(t.encounters).where(t.encounters.c.id == encounter_id).values(
                state="purged", source_name="", context="", keyterms="", patient_name="", patient_mrn="",
                audio_file=None, error=None, step=None, updated=utc_now().isoformat()))
            tombstone.deleted = deleted
            upsert(db, t.tombstones, {
                "encounter_id": encounter_id, "created": tombstone.created.isoformat(),
                "purged": tombstone.purged.isoformat(), "reason": tombstone.reason, "deleted": json.dumps(deleted),
                "remote": json.dumps([vars(r) for r in tombstone.remote]),
            }, ["encounter_id"])
        self.db.checkpoint()
        return deleted

    def amend_tombstone(self, encounter_id: str, deletion: RemoteDeletion) -> None:
        """Record how a remote deletion went after the purge (e.g. once a job stopped running).

        A confirmed deletion is never replaced by a later unconfirmed one: the purge and the worker may
        both try, in either order, and the one that saw the copy gone is the one that is right.
        """
        c = t.tombstones.c
        with self.db.transaction() as db:
            remote = db.execute(select(c.remote).where(c.encounter_id == encounter_id).with_for_update()).scalar()
            if remote is None:
                return
            earlier = json.loads(remote)
            if not deletion.confirmed and any(r["remote_id"] == deletion.remote_id and r["confirmed"] for r in earlier):
                return
            kept = [r for r in earlier if r["remote_id"] != deletion.remote_id] + [vars(deletion)]
            db.execute(update(t.tombstones).where(c.encounter_id == encounter_id).values(remote=json.dumps(kept)))

    def tombstones(self, *, owner: str | None = None) -> builtins.list[Tombstone]:
        """Every tombstone, or those of `owner`'s encounters (the purged stub keeps its owner)."""
        query = select(t.tombstones)
        if owner is not None:
            query = query.join(t.encounters, t.encounters.c.id == t.tombstones.c.encounter_id).where(
                t.encounters.c.owner == owner)
        with self.db.transaction() as db:
            rows = db.execute(query.order_by(t.tombstones.c.purged.desc())).mappings().all()
        return [
            Tombstone(
                encounter_id=r["encounter_id"], created=datetime.fromisoformat(r["created"]),
                purged=datetime.fromisoformat(r["purged"]), reason=r["reason"], deleted=json.loads(r["deleted"]),
                remote=[RemoteDeletion(**d) for d in json.loads(r["remote"])],
            )
            for r in rows
        ]
