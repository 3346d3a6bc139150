"""Enqueuing encounter jobs on Procrastinate, inside the store's own transaction.

The store calls `enqueue` with its open connection when an encounter is added, comes back into flight
(retry, re-draft) or gets a retry time. The job row is inserted by Procrastinate's own defer query on
that same connection, so the state change and its job commit or roll back together: a crash between
them cannot lose the job. Every job of an encounter carries the lock `encounter:<id>`, so Procrastinate
never runs two of them at once, and the same queueing lock, so at most one waits to run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from procrastinate import App, PsycopgConnector, SyncPsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued

from ..storage.jobs import encounter_lock, psycopg_connection

TASK_NAMESPACE = "scribe"
PROCESS_TASK = "scribe:process_encounter"  # the blueprint's "process_encounter" in the app's namespace
ENCOUNTER_QUEUE = "encounters"
MAINTENANCE_QUEUE = "maintenance"


def libpq_url(sqlalchemy_url: str) -> str:
    """The libpq form of a store URL (psycopg and Procrastinate take postgresql://, not postgresql+psycopg://)."""
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)



def worker_app(database_url: str) -> App:
    """The App a worker process runs (asynchronous; it takes the scribe's tasks, once per process)."""
    from .tasks import blueprint  # the tasks import this module's names

    app = App(connector=PsycopgConnector(conninfo=libpq_url(database_url)))
    app.add_tasks_from(blueprint, namespace=TASK_NAMESPACE)
    return app


class ProcrastinateQueue:
    """Deferring goes through an App with a synchronous connector that is never opened: it only runs
    Procrastinate's defer query on the connection it is given, the same from an app server's thread and
    from a task running inside a worker's event loop. It names the task; it need not hold it."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.deferring = App(connector=SyncPsycopgConnector(conninfo=libpq_url(database_url)))

    def enqueue(self, connection: Any, encounter_id: str, *, at: datetime | None = None) -> None:
        raw = psycopg_connection(connection)
        lock = encounter_lock(encounter_id)
        # A savepoint: a job already waiting (AlreadyEnqueued) must not abort the caller's transaction.
        savepoint = connection.begin_nested()
        try:
            self.deferring.configure_task(PROCESS_TASK, queue=ENCOUNTER_QUEUE, lock=lock, queueing_lock=lock,
                                    schedule_at=at, connection=raw).defer(encounter_id=encounter_id)
        except AlreadyEnqueued:
            savepoint.rollback()  # one is waiting already; it will process the encounter from its state
        else:
            savepoint.commit()

