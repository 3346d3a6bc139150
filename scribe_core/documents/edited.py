"""The after-visit summary and referral letter as the clinician last edited them.

A draft is made again from the note at any time; an edit is the clinician's work and must not vanish
with a reload, another browser or a restart. One summary and one letter per encounter (the latest
saved), title and text sealed like the note; purge deletes them with the rest of the encounter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..model import utc_now
from ..storage import schema as t
from ..storage.base import upsert
from ..store import EncounterStore

KINDS = ("summary", "letter")


@dataclass(frozen=True)
class EditedDocument:
    encounter_id: str
    kind: str  # "summary" or "letter"
    title: str  # "Your visit summary", "Referral to cardiology"
    text: str
    saved_at: datetime
    saved_by: str


class EditedDocuments:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def _context(self, encounter_id: str, kind: str, what: str) -> str:
        return f"{encounter_id}:edited_{kind}:{what}"

    def save(self, encounter_id: str, kind: str, title: str, text: str, *, by: str) -> EditedDocument:
        if kind not in KINDS:
            raise ValueError(f"unknown document kind {kind!r}")
        saved = EditedDocument(encounter_id, kind, title, text, utc_now(), by)
        vault = self.store.vault
        with self.store.db.transaction() as connection:
            upsert(connection, t.edited_documents, {
                "encounter_id": encounter_id, "kind": kind,
                "title": vault.seal(title, context=self._context(encounter_id, kind, "title")),
                "body": vault.seal(text, context=self._context(encounter_id, kind, "body")),
                "saved_at": saved.saved_at.isoformat(), "saved_by": by}, ("encounter_id", "kind"))
        return saved

    def get(self, encounter_id: str, kind: str) -> EditedDocument | None:
        table = t.edited_documents
        with self.store.db.transaction() as connection:
            row = connection.execute(select(table).where(table.c.encounter_id == encounter_id,
                                                         table.c.kind == kind)).mappings().first()
        if row is None:
            return None
        vault = self.store.vault
        return EditedDocument(
            encounter_id, kind, vault.open(row["title"], context=self._context(encounter_id, kind, "title")),
            vault.open(row["body"], context=self._context(encounter_id, kind, "body")),
            datetime.fromisoformat(row["saved_at"]), row["saved_by"])
