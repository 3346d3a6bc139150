"""The composition root: the one place that builds real engines, writers and the store.

Tests and the UI pass their own parts through the keyword arguments (a store in a temp dir, an
engine pointed at the fake server); nothing is built at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .config import Settings
from .crypto import Vault
from .engines.base import Transcriber
from .errors import ConfigurationError
from .notes.base import NoteWriter
from .pipeline import Scribe
from .store import EncounterStore
from .worker import Worker

ENGINE_NAMES = ("assemblyai", "offline")


@dataclass
class Services:
    settings: Settings
    store: EncounterStore
    scribe: Scribe
    worker: Worker


def _once(factory: Callable[[], object]) -> Callable[[], object]:
    """Build on first call, then reuse (thread-safe): engines hold models and HTTP sessions."""
    lock = threading.Lock()
    built: list[object] = []

    def get() -> object:
        with lock:
            if not built:
                built.append(factory())
            return built[0]

    return get


def default_transcribers(settings: Settings) -> dict[str, Callable[[], Transcriber]]:
    def assemblyai() -> Transcriber:
        from .engines.assemblyai import AssemblyAITranscriber

        return AssemblyAITranscriber(settings)

    def offline() -> Transcriber:
        from .engines.offline.engine import OfflineTranscriber

        return OfflineTranscriber(settings)

    return {"assemblyai": _once(assemblyai), "offline": _once(offline)}  # type: ignore[dict-item]


def llm_writer(settings: Settings) -> NoteWriter:
    from .notes.llm import ChatCompletionsNoteWriter

    return ChatCompletionsNoteWriter(
        base_url=settings.llm_gateway_base_url,
        model=settings.llm_model,
        api_key=settings.effective_llm_key.reveal(),
    )


def extractive_writer(settings: Settings) -> NoteWriter:
    from .notes.extractive import ExtractiveNoteWriter

    return ExtractiveNoteWriter()


def writer_chooser(settings: Settings) -> Callable[[str], NoteWriter]:
    """Which note writer serves an engine's encounters.

    Automatic choice keeps the privacy promise of each engine: AssemblyAI encounters use the LLM
    Gateway; offline encounters stay on the machine (extractive draft) unless the clinic set
    SCRIBE_NOTE_WRITER=llm and pointed LLM_GATEWAY_BASE_URL at an endpoint of its choosing.
    """
    if settings.note_writer not in ("", "llm", "extractive"):
        raise ConfigurationError("SCRIBE_NOTE_WRITER must be 'llm', 'extractive' or empty (automatic)")
    llm = _once(lambda: llm_writer(settings))
    extractive = _once(lambda: extractive_writer(settings))

    def choose(engine: str) -> NoteWriter:
        if settings.note_writer == "llm" or (settings.note_writer == "" and engine == "assemblyai"):
            return llm()  # type: ignore[return-value]
        return extractive()  # type: ignore[return-value]

    return choose


def build_services(
    settings: Settings | None = None,
    *,
    store: EncounterStore | None = None,
    transcribers: dict[str, Callable[[], Transcriber]] | None = None,
    writer_for_engine: Callable[[str], NoteWriter] | None = None,
    max_parallel: int = 2,
) -> Services:
    settings = settings or Settings.from_env()
    store = store or EncounterStore(settings.data_dir, Vault(settings.encryption_key.reveal()))
    store.sweep_tmp()
    transcribers = transcribers or default_transcribers(settings)
    if settings.default_engine not in transcribers:
        raise ConfigurationError(
            f"SCRIBE_ENGINE={settings.default_engine!r} is not an engine; choose one of: {', '.join(transcribers)}"
        )
    scribe = Scribe(
        store=store,
        transcribers=transcribers,
        writer_for_engine=writer_for_engine or writer_chooser(settings),
        default_engine=settings.default_engine,
        retry_delays_s=settings.job_retry_delays_s,
    )
    return Services(settings=settings, store=store, scribe=scribe, worker=Worker(scribe, max_parallel=max_parallel))
