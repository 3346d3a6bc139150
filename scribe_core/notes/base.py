"""The note-writing port: turn a transcript into a note whose statements cite utterance ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..model import Note, RemoteDeletion, Transcript
from ..note_template import NoteTemplate


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
