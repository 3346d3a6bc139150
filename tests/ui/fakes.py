"""A fake transcriber and note writer for the page tests: in-process, instant, recording what they did.

The writer files Patient utterances under the history section and Doctor utterances under the
others, so correcting roles visibly changes the note; one statement per note has no evidence.
"""

from __future__ import annotations

import io
import itertools
import math
import struct
import wave
from pathlib import Path

from scribe_core.engines.base import ProgressFn, TranscriptionRequest
from scribe_core.model import DOCTOR, PATIENT, Note, RemoteDeletion, Section, Statement, Transcript, Utterance, Word
from scribe_core.note_template import NoteTemplate
from scribe_core.notes.base import DraftResult

LINES = [
    ("A", "Hello, I'm the doctor on call today. What brings you in?", 0, 2600),
    ("B", "I've had a dry cough for ten days and it's worse at night.", 2700, 5200),
    ("A", "Any fever or shortness of breath? Are you taking anything for it?", 5300, 7400),
    ("B", "No fever. I take salbutamol two puffs when I'm wheezy.", 7500, 9800),
    ("A", "I think this is likely asthma. Let's start a steroid inhaler and follow up in two weeks.", 9900, 12000),
]


def wav_bytes(seconds: float = 12.5, rate: int = 16000) -> bytes:
    """A real (tiny) WAV file: a quiet 220 Hz tone that FFmpeg reads like any recording."""
    frames = b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 220 * i / rate)))
                      for i in range(int(seconds * rate)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def _words(text: str, start: int, end: int, role: str) -> list[Word]:
    """Evenly timed words across the utterance, as an engine would report them."""
    tokens = text.split()
    step = (end - start) // len(tokens)
    return [Word(t, start + i * step, start + (i + 1) * step, 0.9, role) for i, t in enumerate(tokens)]


def sample_transcript() -> Transcript:
    roles = {"A": DOCTOR, "B": PATIENT}
    utterances = [
        Utterance(id=f"U{i}", role=roles[spk], start_ms=start, end_ms=end, text=text, confidence=0.9 - i / 100,
                  speaker=spk, words=_words(text, start, end, roles[spk]))
        for i, (spk, text, start, end) in enumerate(LINES, start=1)
    ]
    return Transcript(utterances=utterances, roles_confirmed=False, language="en", duration_s=12.5, engine="fake")


class FakeTranscriber:
    """Behaves like a remote engine: it 'uploads', and deleting a job answers with a confirmation."""

    name = "fake"
    sends_audio_off_device = True

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.submitted: list[str] = []
        self.deleted: list[str] = []

    def submit(self, audio: Path, request: TranscriptionRequest, progress: ProgressFn) -> str:
        progress("uploading", 1.0)
        job_id = f"job-{next(self._ids)}"
        self.submitted.append(job_id)
        return job_id

    def wait(self, job_id: str, audio: Path, request: TranscriptionRequest, progress: ProgressFn) -> Transcript:
        progress("processing", None)
        return sample_transcript()

    def delete(self, job_id: str) -> RemoteDeletion | None:
        self.deleted.append(job_id)
        return RemoteDeletion("transcript", job_id, True, "deleted by the fake")


class FakeNoteWriter:
    """Behaves like a remote writer: each draft has a request id that purge asks it to forget."""

    name = "fake-writer"
    sends_text_off_device = True

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.templates: list[str] = []
        self.forgotten: list[str] = []

    def draft(self, transcript: Transcript, template: NoteTemplate, context: str = "") -> DraftResult:
        self.templates.append(template.name)
        sections = []
        for spec in template.sections:
            wanted = PATIENT if spec.key in ("subjective", "hpi") else DOCTOR
            statements = [Statement(text=u.text, evidence=[u.id]) for u in transcript.utterances if u.role == wanted]
            sections.append(Section(key=spec.key, title=spec.title, statements=statements))
        sections[-1].statements.append(Statement(text="Chest X-ray was normal."))  # cites nothing
        request_id = f"req-{next(self._ids)}"
        note = Note(template=template.name, sections=sections, writer=self.name)
        return DraftResult(note=note, remote_request_ids=[request_id])

    def forget(self, request_id: str) -> RemoteDeletion | None:
        self.forgotten.append(request_id)
        return RemoteDeletion("llm_request", request_id, True, "deleted by the fake")


class LocalTranscriber(FakeTranscriber):
    """Behaves like the offline engine: nothing leaves the machine."""

    name = "local"
    sends_audio_off_device = False


class LocalNoteWriter(FakeNoteWriter):
    """Behaves like the extractive writer: no request anywhere, every statement quoted from the transcript."""

    name = "extractive"
    sends_text_off_device = False

    def draft(self, transcript: Transcript, template: NoteTemplate, context: str = "") -> DraftResult:
        result = super().draft(transcript, template, context)
        result.note.extractive = True
        return DraftResult(note=result.note)
