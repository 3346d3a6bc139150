"""The numbered SQLite migrations of the releases before Alembic, kept to adopt their data directories.

A data directory made by such a release has a `schema_migrations` table listing the versions applied
(5 in the last release, 6 in a tree built after it). Adoption applies any missing version from this
list, exactly as that code would have, and then marks the database as Alembic's first revision (the
release's schema, version 5); later revisions run from there, each adding only what is missing. The
table is left in place: the data is untouched and still readable by the release that wrote it.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect

from ..model import utc_now

RELEASE_MIGRATIONS: tuple[str, ...] = (
    # 1: the initial schema
    """
    CREATE TABLE encounters (
        id TEXT PRIMARY KEY, created TEXT NOT NULL, updated TEXT, source_name TEXT NOT NULL,
        audio_file TEXT, duration_s REAL, engine TEXT NOT NULL, state TEXT NOT NULL, error TEXT,
        step TEXT, progress REAL, remote_transcript_id TEXT, owner TEXT, context TEXT NOT NULL DEFAULT '',
        keyterms TEXT NOT NULL DEFAULT '[]', template TEXT NOT NULL DEFAULT 'soap',
        cancel_requested INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE transcripts (encounter_id TEXT PRIMARY KEY REFERENCES encounters(id), body TEXT NOT NULL);
    CREATE TABLE notes (encounter_id TEXT PRIMARY KEY REFERENCES encounters(id), body TEXT NOT NULL,
                        updated TEXT NOT NULL);
    CREATE TABLE remote_requests (encounter_id TEXT NOT NULL, kind TEXT NOT NULL, remote_id TEXT NOT NULL,
                                  deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, remote_id));
    CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL,
                        encounter_id TEXT, actor TEXT, remote_result TEXT);
    CREATE TABLE tombstones (encounter_id TEXT PRIMARY KEY, created TEXT NOT NULL, purged TEXT NOT NULL,
                             reason TEXT NOT NULL, deleted TEXT NOT NULL, remote TEXT NOT NULL);
    """,
    # 2: a sealed known value, so a wrong SCRIBE_ENCRYPTION_KEY is caught at start
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);",
    # 3: local accounts
    """
    CREATE TABLE users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
                        created TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT);
    """,
    # 4: transient failures retried later
    """
    ALTER TABLE encounters ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE encounters ADD COLUMN retry_at TEXT;
    """,
    # 5: signed note versions and copies sent to an EHR
    """
    CREATE TABLE note_versions (encounter_id TEXT NOT NULL REFERENCES encounters(id), version INTEGER NOT NULL,
                                status TEXT NOT NULL, signed_by TEXT NOT NULL, signed_at TEXT NOT NULL,
                                reason TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (encounter_id, version));
    CREATE TABLE ehr_sends (encounter_id TEXT NOT NULL, version INTEGER NOT NULL, server_id TEXT NOT NULL,
                            location TEXT NOT NULL, sent_at TEXT NOT NULL, sent_by TEXT);
    """,
    # 6: who recorded the patient's consent to a live visit being recorded, and when (revision 0003 adds
    # the same columns to a database that lacks them)
    """
    ALTER TABLE encounters ADD COLUMN consent_by TEXT;
    ALTER TABLE encounters ADD COLUMN consent_at TEXT;
    """,
)


def is_release_database(connection: Connection) -> bool:
    """A database made by a release before Alembic (it has schema_migrations and no alembic_version)."""
    tables = set(inspect(connection).get_table_names())
    return "schema_migrations" in tables and "alembic_version" not in tables


def bring_up_to_last_release(connection: Connection) -> list[int]:
    """Apply the release migrations this database lacks; returns the versions applied."""
    done = {row[0] for row in connection.exec_driver_sql("SELECT version FROM schema_migrations")}
    applied = []
    for version, script in enumerate(RELEASE_MIGRATIONS, start=1):
        if version in done:
            continue
        for statement in filter(str.strip, script.split(";")):
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("INSERT INTO schema_migrations VALUES (?, ?)", (version, utc_now().isoformat()))
        applied.append(version)
    return applied
