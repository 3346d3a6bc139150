"""The after-visit summary and referral letter as the clinician last edited them: one of each kind per
encounter (the latest saved), title and text sealed like the note. Patient text: written and read
through patient_text.py, so none is saved or shown after a purge, which erases them."""

from __future__ import annotations

from datetime import datetime

from ..model import utc_now
from . import patient_text
from . import schema as t
from .base import StoreBase
from .records import EditedDocument

EDITED_KINDS = ("summary", "letter")


class EditedDocumentRows(StoreBase):
    def _edited_context(self, encounter_id: str, kind: str, what: str) -> str:
        return f"{encounter_id}:edited_{kind}:{what}"

    def save_edited_document(self, encounter_id: str, kind: str, title: str, text: str, *,
                             by: str) -> EditedDocument:
        if kind not in EDITED_KINDS:
            raise ValueError(f"unknown document kind {kind!r}")
        saved = EditedDocument(encounter_id, kind, title, text, utc_now(), by)
        seal = self.vault.seal
        with self.db.transaction() as db:
            patient_text.write(db, t.edited_documents, {
                "encounter_id": encounter_id, "kind": kind,
                "title": seal(title, context=self._edited_context(encounter_id, kind, "title")),
                "body": seal(text, context=self._edited_context(encounter_id, kind, "body")),
                "saved_at": saved.saved_at.isoformat(), "saved_by": by}, ("encounter_id", "kind"))
        return saved

    def edited_document(self, encounter_id: str, kind: str) -> EditedDocument | None:
        table = t.edited_documents
        with self.db.transaction() as db:
            row = db.execute(patient_text.rows(table, encounter_id).where(table.c.kind == kind)).mappings().first()
        if row is None:
            return None
        opened = self.vault.open
        return EditedDocument(
            encounter_id, kind, opened(row["title"], context=self._edited_context(encounter_id, kind, "title")),
            opened(row["body"], context=self._edited_context(encounter_id, kind, "body")),
            datetime.fromisoformat(row["saved_at"]), row["saved_by"])
