"""The running transcript of a live visit: final turns in spoken order, and the turn in progress.

Times are milliseconds of recorded audio from the start of the visit (pauses excluded, as they are
from the recording), so a streamed turn lines up with the stored recording.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..model import DOCTOR, PATIENT, Transcript, Utterance, Word


@dataclass(frozen=True)
class LiveWord:
    text: str
    start_ms: int
    end_ms: int
    confidence: float | None = None


@dataclass(frozen=True)
class LiveTurn:
    text: str
    start_ms: int
    end_ms: int
    final: bool
    speaker: str | None = None  # the engine's label ("A", "B") when it can tell speakers apart
    words: tuple[LiveWord, ...] = ()

    @property
    def role(self) -> str | None:
        """Doctor / Patient by order of appearance (unconfirmed; the batch transcript confirms roles)."""
        return {"A": DOCTOR, "B": PATIENT}.get(self.speaker or "")


@dataclass
class LiveTranscript:
    """Thread-safe: the streaming thread writes, the page reads snapshots."""

    final: list[LiveTurn] = field(default_factory=list)
    partial: LiveTurn | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_final(self, turn: LiveTurn) -> None:
        with self._lock:
            self.final.append(turn)
            self.partial = None

    def set_partial(self, turn: LiveTurn | None) -> None:
        with self._lock:
            self.partial = turn

    def snapshot(self) -> list[LiveTurn]:
        with self._lock:
            return self.final + ([self.partial] if self.partial else [])

    def words(self) -> list[LiveWord]:
        return [w for t in self.snapshot() for w in t.words]

    def to_transcript(self, *, engine: str, model: str | None = None, duration_s: float | None = None) -> Transcript:
        """The streamed turns as an ordinary transcript (roles by order of appearance, unconfirmed)."""
        utterances = []
        for i, turn in enumerate(t for t in self.snapshot() if t.text.strip()):
            role = turn.role or (DOCTOR if i % 2 == 0 else PATIENT)
            utterances.append(Utterance(
                id=f"U{i + 1}", role=role, start_ms=turn.start_ms, end_ms=turn.end_ms, text=turn.text,
                words=[Word(w.text, w.start_ms, w.end_ms, w.confidence, role) for w in turn.words],
                speaker=turn.speaker))
        return Transcript(utterances=utterances, roles_confirmed=False, engine=engine, model=model,
                          duration_s=duration_s)
