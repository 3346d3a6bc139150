"""What every use case works with: the store, the engines and note writers, and the job's timing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..engines.base import Transcriber
from ..notes.base import NoteWriter
from ..patient import DEFAULT_ID_PATTERN
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
    patient_id_pattern: str = DEFAULT_ID_PATTERN  # SCRIBE_PATIENT_ID_PATTERN
    # SCRIBE_RETENTION_PURGES_UNSENT_SIGNED: whether retention also purges a signed note never sent to the EHR.
    retention_purges_unsent_signed: bool = False
    # SCRIBE_PATIENT_IDENTITY_LEAVES: whether the patient's name and number typed at intake may reach a remote writer.
    patient_identity_leaves: bool = False
