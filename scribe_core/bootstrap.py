"""The composition root: the one place that builds real engines, writers and the store.

Tests and the UI pass their own parts through the keyword arguments (a store in a temp dir, an
engine pointed at the fake server); nothing is built at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from . import providers
from .config import Settings
from .crypto import Vault
from .documents.ehr import EhrClient
from .documents.ehr_settings import EhrSettings
from .documents.templates import TemplateRepository
from .engines.base import Transcriber
from .errors import ConfigurationError
from .jobs.client import QueueClient
from .jobs.wiring import THREADS, WORKER_PROCESS, job_executor, open_store, queue_client
from .live.visits import LiveVisits
from .notes.base import NoteWriter
from .store import EncounterStore
from .usecases import Scribe
from .usecases.clinic_documents import ClinicDocuments
from .worker import Worker


@dataclass
class Services:
    settings: Settings
    store: EncounterStore
    scribe: Scribe
    templates: TemplateRepository  # the one template repository, in the database (every machine sees the same)
    # SQLite: the runner (its jobs in a worker process, or on its threads); Postgres: it only enqueues.
    worker: Worker | QueueClient
    # Live visits: one per services object, so a visit outlives a page's reruns (ui/live_visits.py).
    live_visits: LiveVisits
    documents: ClinicDocuments  # the note's sign-off, summary, letter, exports and Send to EHR
    # The EHR client, built when a note is sent: it refuses with a clear message while the EHR is not set up.
    ehr_client: Callable[[], EhrClient]


T = TypeVar("T")


def _once(factory: Callable[[], T]) -> Callable[[], T]:
    """Build on first call, then reuse (thread-safe): engines hold models and HTTP sessions."""
    lock = threading.Lock()
    built: list[T] = []

    def get() -> T:
        with lock:
            if not built:
                built.append(factory())
            return built[0]

    return get


def _lazy(provider: providers.Provider, settings: Settings) -> Callable[[], object]:
    return _once(lambda: provider.make(settings))


def default_transcribers(settings: Settings) -> dict[str, Callable[[], Transcriber]]:
    """Every registered engine, each built on first use."""
    return {name: cast(Callable[[], Transcriber], _lazy(provider, settings))
            for name, provider in providers.ENGINES.items()}


def writer_chooser(settings: Settings) -> Callable[[str], NoteWriter]:
    """The note writer for an engine's encounters, by `providers.writer_for` (the rule the pages show)."""
    providers.writer_for(settings, settings.default_engine)  # a wrong SCRIBE_NOTE_WRITER stops the start
    built = {name: cast(Callable[[], NoteWriter], _lazy(provider, settings))
             for name, provider in providers.WRITERS.items()}

    def choose(engine: str) -> NoteWriter:
        return built[providers.writer_for(settings, engine)]()

    return choose


def build_services(
    settings: Settings | None = None,
    *,
    store: EncounterStore | None = None,
    transcribers: dict[str, Callable[[], Transcriber]] | None = None,
    writer_for_engine: Callable[[str], NoteWriter] | None = None,
    max_parallel: int = 2,
    jobs_in: str = THREADS,
) -> Services:
    """`jobs_in` (SQLite): where the runner's jobs run, THREADS of this process or a WORKER_PROCESS (the
    app server, server_services(): that process builds the same parts from the same settings)."""
    settings = settings or Settings.from_env()
    store = store or open_store(settings, Vault(settings.encryption_key.reveal()))
    store.sweep_tmp()
    store.prepare_live_dir()  # unfinished live visits: their directory, and those written before it was shared
    store.import_template_files()  # once: a data dir's template files move into the database
    templates = TemplateRepository(store)
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
        max_transcript_utterances=int(settings.max_transcript_utterances),
        templates=templates,
        patient_id_pattern=settings.patient_id_pattern,
        retention_purges_unsent_signed=settings.retention_purges_unsent_signed,
        patient_identity_leaves=settings.patient_identity_leaves,
    )
    worker = queue_client(store) or Worker(scribe, max_parallel=max_parallel, executor=job_executor(
        scribe, settings, jobs_in, threads=max_parallel,
        build_scribe=worker_process_scribe))
    scribe.jobs = worker  # the one path work runs by: use cases enqueue here
    return Services(settings=settings, store=store, scribe=scribe, templates=templates, worker=worker,
                    live_visits=LiveVisits(scribe, settings), documents=ClinicDocuments(scribe),
                    ehr_client=lambda: EhrClient(EhrSettings.from_settings(settings)))


def server_services(settings: Settings) -> Services:
    """The app server's services. On SQLite its jobs run in a worker process of lower CPU priority: a long
    draft or an offline transcription is pure-Python CPU that would hold the interpreter lock every page
    of every user needs (on Postgres, Procrastinate worker processes run them already)."""
    return build_services(settings, jobs_in=WORKER_PROCESS)


def worker_process_scribe(settings: Settings) -> Scribe:
    """What the app's job worker process (jobs/worker_process.py) runs jobs with: the same parts, built
    there from the same settings; it runs them on its own threads."""
    return build_services(settings, jobs_in=THREADS).scribe


def template_repository(settings: Settings | None = None) -> TemplateRepository:
    """The template repository alone, for the CLI commands that need no engines or workers."""
    settings = settings or Settings.from_env()
    store = open_store(settings, Vault(settings.encryption_key.reveal()))
    store.import_template_files()
    return TemplateRepository(store)
