"""What every use case works with: the store, the engines and note writers, and the job's timing."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..documents.templates import TemplateRepository
from ..engines.base import Transcriber
from ..model import Encounter
from ..notes.base import NoteWriter
from ..patient import DEFAULT_ID_PATTERN
from ..store import EncounterStore
from .decisions import DEFAULT_RETRY_DELAYS_S

DEFAULT_MAX_TRANSCRIPT_UTTERANCES = 5000


class JobRunner(Protocol):
    """The one way work runs: an encounter's job (transcribe and/or draft, from its stored state) is
    enqueued here and run by whoever holds the encounter's lock. Adapters: worker.Worker (SQLite: the
    app server's worker process, or the CLI's own threads) and jobs.client.QueueClient (Procrastinate;
    Postgres with worker processes)."""

    def enqueue(self, encounter_id: str, at: datetime | None = None) -> Future[Encounter | None]: ...


@dataclass
class Ports:
    store: EncounterStore
    # Engines and writers are built on first use: the offline models are heavy.
    transcribers: dict[str, Callable[[], Transcriber]]
    writer_for_engine: Callable[[str], NoteWriter]
    default_engine: str
    progress_interval_s: float = 0.5
    clock: Callable[[], float] = time.monotonic
    retry_delays_s: tuple[float, ...] = DEFAULT_RETRY_DELAYS_S
    max_transcript_utterances: int = DEFAULT_MAX_TRANSCRIPT_UTTERANCES
    # Set by the composition root once the runner exists (the runner holds the Scribe in turn).
    jobs: JobRunner | None = None
    # The one template repository (bootstrap builds it); by default one over `store`, which holds no I/O.
    templates: TemplateRepository = None  # type: ignore[assignment]
    patient_id_pattern: str = DEFAULT_ID_PATTERN  # SCRIBE_PATIENT_ID_PATTERN
    # SCRIBE_RETENTION_PURGES_UNSENT_SIGNED: whether retention also purges a signed note never sent to the EHR.
    retention_purges_unsent_signed: bool = False
    # SCRIBE_PATIENT_IDENTITY_LEAVES: whether the patient's name and number typed at intake may reach a remote writer.
    patient_identity_leaves: bool = False

    def __post_init__(self) -> None:
        if self.templates is None:
            self.templates = TemplateRepository(self.store)

    def enqueue(self, encounter_id: str) -> None:
        """Hand the encounter to the job runner (none: nothing runs it in this process, e.g. a read-only tool)."""
        if self.jobs is not None:
            self.jobs.enqueue(encounter_id)
