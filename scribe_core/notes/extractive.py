"""The offline note writer: clinical facts from the conversation, rendered into the template.

No language model and nothing sent anywhere. The conversation becomes facts (scribe_core.clinical):
sentences the section model places in a note section, cleaned of fillers and put in the clinical
third person; pertinent positives and negatives from question-answer pairs; dictated orders. A fact
whose numbers, drug names or negation are not in its cited utterances is dropped, so every
statement is traceable. The writer keeps its historical name "extractive" so stored notes and
settings that name it keep working; the note is flagged as drafted without a language model.
"""

from __future__ import annotations

from ..clinical.facts import MIN_SALIENCE, extract_facts
from ..clinical.render import render
from ..model import RemoteDeletion, Transcript
from ..note_template import NoteTemplate
from .base import DraftResult


class ExtractiveNoteWriter:
    # Capabilities (scribe_core.providers): no language model, nothing leaves this machine.
    name = "extractive"
    label = "Offline draft (clinical facts from the transcript, no language model)"
    sends_audio_off_device = False
    sends_text_off_device = False
    key_setting: str | None = None
    endpoint_setting: str | None = None

    def __init__(self, *, min_salience: float = MIN_SALIENCE) -> None:
        self.min_salience = min_salience

    def draft(self, transcript: Transcript, template: NoteTemplate, context: str = "") -> DraftResult:
        facts = extract_facts(transcript, min_salience=self.min_salience)
        return DraftResult(note=render(facts, template, writer=self.name))

    def forget(self, request_id: str) -> RemoteDeletion | None:
        return None  # nothing was sent anywhere
