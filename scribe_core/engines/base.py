"""The transcription port: what every engine (AssemblyAI, offline) offers the pipeline.

An engine runs a job in two steps so that a restart never repeats work that cost money or time:
`submit` hands the audio over and returns a job id the pipeline persists at once; `wait` finishes
the job from that id. After a restart the pipeline calls `wait` again with the stored id: a remote
engine polls the existing transcript (no second upload), a local engine re-runs on the stored audio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..model import DEFAULT_ROLES, RemoteDeletion, Transcript

# progress(step, fraction): step is a short word a clinician reads ("uploading", "queued",
# "processing", "transcribing", "diarizing", "redacting"); fraction is 0..1 or None when unknown.
ProgressFn = Callable[[str, "float | None"], None]


def no_progress(step: str, fraction: float | None = None) -> None:
    pass


class Checkpoints(Protocol):
    """Durable notes an engine keeps about a job before it has a job id (e.g. the upload URL).

    The pipeline backs them with the store, so after a crash between "uploaded" and "job id saved"
    the engine can find its work again instead of repeating it.
    """

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


class MemoryCheckpoints:
    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def put(self, key: str, value: str) -> None:
        self._values[key] = value


@dataclass
class TranscriptionRequest:
    """What the clinic asked for, independent of the engine."""

    roles: tuple[str, ...] = DEFAULT_ROLES
    speakers_expected: int | None = None
    keyterms: list[str] = field(default_factory=list)
    redact_pii: bool = True
    medical_mode: bool = True
    language_code: str | None = "en"
    checkpoints: Checkpoints = field(default_factory=MemoryCheckpoints)


class Transcriber(Protocol):
    name: str
    # True when audio leaves this machine (shown in the UI next to the engine's name).
    sends_audio_off_device: bool

    def submit(self, audio: Path, request: TranscriptionRequest, progress: ProgressFn) -> str:
        """Start a job; return its id (persisted by the caller before anything else happens)."""
        ...

    def wait(
        self, job_id: str, audio: Path, request: TranscriptionRequest, progress: ProgressFn
    ) -> Transcript:
        """Finish the job; raise TranscriptionFailedError / DeadlineExceededError / RemoteServiceError."""
        ...

    def delete(self, job_id: str) -> RemoteDeletion | None:
        """Forget the job remotely and verify it; None when nothing was ever stored remotely."""
        ...
