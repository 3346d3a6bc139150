"""One migration history for SQLite and Postgres (Alembic, shipped inside this package).

`migrate` runs at every start: it adopts a data directory made by a release before Alembic (see
legacy.py), then upgrades to the newest revision. Starts that race (several app servers and workers
coming up together) are serialised: by BEGIN IMMEDIATE on SQLite, by an advisory lock on Postgres.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from .database import Database
from .legacy import bring_up_to_last_release, is_release_database

SCRIPTS = Path(__file__).with_name("migration_scripts")
ADOPTED_REVISION = "0001"  # the schema of the last release before Alembic
RELEASE_SCHEMA_VERSION = 5  # that release's number for it
_MIGRATION_LOCK = 0x5C21BE  # any constant: the advisory lock every starting process takes on Postgres


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def migrate(database: Database) -> str:
    """Bring the database to the newest revision; returns it."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # not a line per start about its SQLite/Postgres impl
    with database.transaction() as connection:
        if not database.is_sqlite:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = alembic_config(connection)
        if is_release_database(connection):
            bring_up_to_last_release(connection)
            command.stamp(config, ADOPTED_REVISION)
        command.upgrade(config, "head")
        return current_revision(connection)


def current_revision(connection: Connection) -> str:
    return MigrationContext.configure(connection).get_current_revision() or ""


def schema_version(database: Database) -> int:
    """The schema's number, continuing the releases' numbering: 5 for the adopted schema, then one
    more per later revision (what `status` and the tests compare)."""
    with database.transaction() as connection:
        revision = current_revision(connection)
    script = ScriptDirectory.from_config(alembic_config())
    order = [r.revision for r in reversed(list(script.walk_revisions()))]
    return RELEASE_SCHEMA_VERSION + order.index(revision) if revision in order else 0
