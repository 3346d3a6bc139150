"""What every part of the store shares: the database, the vault, the jobs hook, and an upsert that
speaks both SQLite and Postgres."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from ..crypto import Vault
from ..model import utc_now
from . import schema as t
from .database import Database


class JobQueue(Protocol):
    """Enqueues an encounter's processing on the given connection, inside its open transaction, so the
    job exists exactly when the state change that needs it is committed (jobs.queue.ProcrastinateQueue)."""

    def enqueue(self, connection: Connection, encounter_id: str, *, at: datetime | None = None) -> None: ...


class StoreBase:
    data_dir: Path
    vault: Vault
    db: Database
    jobs: JobQueue | None


def insert_audit(connection: Connection, action: str, encounter_id: str | None, actor: str | None,
                 remote_result: str | None) -> None:
    """One audit row, in the caller's transaction (so it commits, or not, with what it records)."""
    connection.execute(t.audit.insert().values(at=utc_now().isoformat(), action=action, encounter_id=encounter_id,
                                               actor=actor, remote_result=remote_result))


def upsert(connection: Connection, table: Table, values: dict[str, Any], keys: Sequence[str]) -> None:
    """INSERT, or UPDATE the row with the same `keys` (the old store's INSERT OR REPLACE)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    changed = {k: v for k, v in values.items() if k not in keys}
    connection.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed)
                       if changed else statement.on_conflict_do_nothing(index_elements=list(keys)))
