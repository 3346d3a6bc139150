"""The note-writing port: turn a transcript into a note whose statements cite utterance ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..model import Note, RemoteDeletion, Transcript


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    guidance: str  # the writer's instructions for this section
    loinc: str | None = None  # LOINC section code where one exists (FHIR Composition.section.code)
    required: bool = False  # the clinic wants this section filled before the note is signed
    # Which part of a SOAP note fills it (subjective, objective, assessment, plan, medications,
    # allergies) when the LOINC code does not say: how the offline writer places what it found.
    role: str = ""


# LOINC "Progress note": the document code when a template names none.
PROGRESS_NOTE_LOINC = "11506-3"


@dataclass(frozen=True)
class NoteTemplate:
    name: str
    title: str
    sections: tuple[SectionSpec, ...]
    loinc: str = PROGRESS_NOTE_LOINC  # LOINC document type (FHIR Composition.type, DocumentReference.type)
    loinc_display: str = "Progress note"
    specialty: str = ""
    description: str = ""


@dataclass
class DraftResult:
    note: Note
    # Ids of remote requests that hold a copy of the transcript (LLM Gateway request ids): they
    # are deleted at purge time.
    remote_request_ids: list[str] = field(default_factory=list)
    # Deletions already done right after drafting (the writer forgets its requests eagerly).
    remote_deletions: list[RemoteDeletion] = field(default_factory=list)


class NoteWriter(Protocol):
    name: str
    sends_text_off_device: bool

    def draft(self, transcript: Transcript, template: NoteTemplate, context: str = "") -> DraftResult: ...

    def forget(self, request_id: str) -> RemoteDeletion | None: ...
