"""The scribe's store on SQLAlchemy Core: SQLite by default, Postgres for several machines.

    database.py      the engine and transactions (SQLite pragmas, the Postgres pool)
    migrations.py    one Alembic history for both (migration_scripts/), adopting older data dirs (legacy.py)
    schema.py        the tables
    encounters.py    encounters, transcripts, notes
    recordings.py    encrypted recordings in a (shared) directory or in the database
    audit.py         the audit log, purging and tombstones
    remote.py        remote copies and an engine's checkpoints
    statements.py    sqlite3-style SQL for the accounts and signed note versions, on either database
    store.py         EncounterStore, all of the above behind the methods callers use
"""

from .store import EncounterStore

__all__ = ["EncounterStore"]
