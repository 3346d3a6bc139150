"""What every use case works with: the store, the engines and note writers, and the job's timing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..documents.templates import TemplateRepository
from ..engines.base import Transcriber
from ..notes.base import NoteWriter
from ..store import EncounterStore
from .decisions import DEFAULT_RETRY_DELAYS_S


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
    # The one template repository (bootstrap builds it); by default one over `store`, which holds no I/O.
    templates: TemplateRepository = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.templates is None:
            self.templates = TemplateRepository(self.store)
