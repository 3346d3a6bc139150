"""What an app server holds in place of the in-process Worker when the store is on Postgres.

Nothing here imports Procrastinate: an app server on SQLite never loads it.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING

from ..model import Encounter
from ..storage.jobs import encounter_lock

__all__ = ["QueueClient", "encounter_lock"]

if TYPE_CHECKING:
    from ..storage import EncounterStore


class QueueClient:
    """What an app server holds in place of the in-process Worker when jobs run on worker processes:
    the store has already enqueued each job with its state change, so there is nothing to start here,
    and resuming after a crash and retention are the workers' cluster-wide periodic tasks."""

    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def enqueue(self, encounter_id: str, at: datetime | None = None) -> Future[Encounter | None]:
        """Make sure a job is queued or running (a no-op when the state change already queued one); one
        due at `at` otherwise. The future is settled at once: a worker process does the work."""
        self.store.queue_job(encounter_id, at)
        done: Future[Encounter | None] = Future()
        done.set_result(None)
        return done

    def resume_unfinished(self) -> list[str]:
        return []

    def start_retention(self, retention_hours: float, *, every_s: float = 600.0) -> None:
        return None

    def busy(self) -> bool:
        return False

    def shutdown(self, wait: bool = True) -> None:
        return None
