"""Remote requests that hold copies of patient data (to delete them at purge), and an engine's
checkpoints for a job (kind 'checkpoint:<key>', e.g. the upload URL), which make a resumed or
taken-over job continue instead of uploading or transcribing a second time."""

from __future__ import annotations

import builtins  # `list` is a method of the store

from sqlalchemy import select

from . import schema as t
from .base import StoreBase, upsert


class RemoteRequests(StoreBase):
    def add_remote_request(self, encounter_id: str, kind: str, remote_id: str, *, deleted: bool = False) -> None:
        with self.db.transaction() as db:
            upsert(db, t.remote_requests, {"encounter_id": encounter_id, "kind": kind, "remote_id": remote_id,
                                           "deleted": int(deleted)}, ["kind", "remote_id"])

    def remote_requests(self, encounter_id: str) -> builtins.list[tuple[str, str, bool]]:
        c = t.remote_requests.c
        with self.db.transaction() as db:
            rows = db.execute(select(c.kind, c.remote_id, c.deleted).where(c.encounter_id == encounter_id)).all()
        return [(r[0], r[1], bool(r[2])) for r in rows]
