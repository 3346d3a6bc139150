"""Which store and which background runner a process gets, from its settings.

    SQLite (SCRIBE_DATABASE_URL empty)   the store alone; the app's runner (worker.Worker) runs its jobs
                                         in a worker process of its own (jobs/worker_process.py)
    Postgres                             the store enqueues each job on Procrastinate in the state
                                         change's transaction; app servers hold a QueueClient and
                                         `python -m scribe_core worker` processes run the jobs
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..crypto import Vault
from ..errors import ConfigurationError
from ..storage import EncounterStore
from ..usecases import Scribe
from .client import QueueClient
from .running import InThisProcess, JobExecutor
from .worker_process import InWorkerProcess

if TYPE_CHECKING:  # Procrastinate and psycopg load only when the store is on Postgres
    from .queue import ProcrastinateQueue

RECORDINGS_PLACES = ("directory", "database")
# Where a runner's jobs run (worker.Worker's executor).
WORKER_PROCESS, THREADS = "worker process", "threads"


def open_store(settings: Settings, vault: Vault | None = None) -> EncounterStore:
    if settings.recordings not in RECORDINGS_PLACES:
        raise ConfigurationError(f"SCRIBE_RECORDINGS must be one of: {', '.join(RECORDINGS_PLACES)}.")
    store = EncounterStore.open(
        settings.data_dir, vault or Vault(settings.encryption_key.reveal()),
        database_url_setting=settings.database_url.reveal(),
        recordings_dir=Path(settings.recordings_dir).expanduser() if settings.recordings_dir else None,
        recordings_in_database=settings.recordings == "database",
    )
    attach_queue(store)
    return store


def attach_queue(store: EncounterStore) -> ProcrastinateQueue | None:
    """On Postgres, make the store enqueue jobs on Procrastinate (creating its tables on first use)."""
    if store.is_sqlite:
        return None
    from .queue import ProcrastinateQueue

    queue = ProcrastinateQueue(store.database_url)
    store.ensure_job_tables(queue.deferring.schema_manager.get_schema)
    store.jobs = queue
    return queue


def queue_client(store: EncounterStore) -> QueueClient | None:
    """The app server's stand-in for the in-process Worker when jobs run on worker processes."""
    if store.jobs is None:
        return None
    from .queue import ProcrastinateQueue

    return QueueClient(store) if isinstance(store.jobs, ProcrastinateQueue) else None


def job_executor(scribe: Scribe, settings: Settings, jobs_in: str, *, threads: int,
                 build_scribe: Callable[[Settings], Scribe]) -> JobExecutor:
    """Where the runner's jobs run: in a worker process that builds its Scribe with `build_scribe` from
    the same settings, or on the runner's own threads."""
    if jobs_in == WORKER_PROCESS:
        return InWorkerProcess(scribe.store, settings, build_scribe, threads=threads)
    if jobs_in == THREADS:
        return InThisProcess(scribe)
    raise ValueError(f"jobs run in {WORKER_PROCESS!r} or {THREADS!r}, not {jobs_in!r}")
