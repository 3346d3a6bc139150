"""The job bookkeeping the scribe reads from Procrastinate's table (Postgres only): whether an encounter
has a job waiting or running, and which encounters in flight have none. Procrastinate writes the rows
itself (jobs/queue.py defers through it); this is the scribe's only SQL over them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from ..model import EncounterState
from .base import StoreBase

_IN_FLIGHT = [s.value for s in EncounterState if s.in_flight]
_SCHEMA_LOCK = 0x5C21BF  # the advisory lock under which the first process creates the queue's tables


def encounter_lock(encounter_id: str) -> str:
    """The name of an encounter's lock: the Procrastinate job lock and the Database.exclusive lock alike."""
    return f"encounter:{encounter_id}"


def has_job(connection: Connection, encounter_id: str) -> bool:
    """Whether a job of this encounter waits or runs."""
    return connection.execute(text(
        "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE lock = :lock AND status IN ('todo', 'doing'))"),
        {"lock": encounter_lock(encounter_id)}).scalar() is True


def stranded(connection: Connection) -> list[tuple[str, datetime | None]]:
    """Encounters in flight with no job waiting or running, with the time their retry is due (if any)."""
    rows = connection.execute(text(
        "SELECT e.id, e.retry_at FROM encounters e WHERE e.state = ANY(:states) AND NOT EXISTS ("
        " SELECT 1 FROM procrastinate_jobs j WHERE j.lock = 'encounter:' || e.id"
        " AND j.status IN ('todo', 'doing'))"), {"states": _IN_FLIGHT}).all()
    return [(r[0], datetime.fromisoformat(r[1]) if r[1] else None) for r in rows]


class JobRows(StoreBase):
    """The store's side of the job queue: what a runner asks of the database, in the store's transactions.
    The queue itself (Procrastinate, jobs/queue.py) only inserts its rows on the connection it is handed."""

    @property
    def is_sqlite(self) -> bool:
        return self.db.is_sqlite

    @property
    def database_url(self) -> str:
        """The store's database URL, for a worker process's queue connection (never logged)."""
        return self.db.url

    def hold_encounter(self, encounter_id: str) -> AbstractContextManager[bool]:
        """The encounter's lock across processes (an OS file lock on SQLite, an advisory lock on Postgres):
        yields whether this process got it."""
        return self.db.exclusive(encounter_lock(encounter_id))

    def queue_job(self, encounter_id: str, at: datetime | None = None) -> None:
        """Make sure a job of the encounter waits or runs; one due at `at` when a time is given."""
        if self.jobs is None:
            return
        with self.db.transaction() as db:
            if at is not None or not has_job(db, encounter_id):
                self.jobs.enqueue(db, encounter_id, at=at)

    def queue_stranded(self) -> list[str]:
        """Give a job to every encounter in flight that has none waiting or running; their ids."""
        if self.jobs is None:
            return []
        with self.db.transaction() as db:
            rows = stranded(db)
            for encounter_id, retry_at in rows:
                self.jobs.enqueue(db, encounter_id, at=retry_at)
        return [encounter_id for encounter_id, _ in rows]

    def ensure_job_tables(self, schema_sql: Callable[[], str]) -> bool:
        """Create the job queue's tables (`schema_sql()`, run once per database under an advisory lock)
        unless they exist; True if created. Postgres only."""
        with self.db.transaction() as db:
            db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            if db.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
                return False
            # Straight to psycopg with no parameters: the schema's own '%' signs are not placeholders.
            psycopg_connection(db).execute(schema_sql())
            return True


def psycopg_connection(connection: Connection) -> Any:
    """The psycopg connection under a SQLAlchemy one, inside the same transaction."""
    import psycopg

    raw = connection.connection.driver_connection
    if not isinstance(raw, psycopg.Connection):
        raise TypeError("Procrastinate jobs need the store on Postgres (psycopg)")
    return raw
