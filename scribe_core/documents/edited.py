"""The after-visit summary and referral letter as the clinician last edited them.

A draft is made again from the note at any time; an edit is the clinician's work and must not vanish
with a reload, another browser or a restart. Kept by the store (storage/edited_documents.py), which
refuses to save or show one after a purge.
"""

from __future__ import annotations

from ..storage.edited_documents import EDITED_KINDS as KINDS
from ..storage.records import EditedDocument
from ..store import EncounterStore

__all__ = ["KINDS", "EditedDocument", "EditedDocuments"]


class EditedDocuments:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def save(self, encounter_id: str, kind: str, title: str, text: str, *, by: str) -> EditedDocument:
        return self.store.save_edited_document(encounter_id, kind, title, text, by=by)

    def get(self, encounter_id: str, kind: str) -> EditedDocument | None:
        return self.store.edited_document(encounter_id, kind)
