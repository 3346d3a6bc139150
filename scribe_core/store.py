"""The store lives in scribe_core.storage (SQLAlchemy Core: SQLite by default, Postgres for several machines).

This module keeps the names callers import: `EncounterStore`, and `MIGRATIONS`, the numbered SQLite
migrations of the releases before Alembic (adopted from an existing data dir, see storage/legacy.py).
"""

from __future__ import annotations

from .storage import EncounterStore
from .storage.legacy import RELEASE_MIGRATIONS

MIGRATIONS: list[str] = list(RELEASE_MIGRATIONS)

__all__ = ["MIGRATIONS", "EncounterStore"]
