"""What the store hands back for signed notes, copies sent to an EHR and edited documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..model import Note


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


@dataclass(frozen=True)
class EditedDocument:
    encounter_id: str
    kind: str  # "summary" or "letter"
    title: str  # "Your visit summary", "Referral to cardiology"
    text: str
    saved_at: datetime
    saved_by: str
