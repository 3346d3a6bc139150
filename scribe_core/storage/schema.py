"""The store's tables, declared once for SQLite and Postgres (SQLAlchemy Core).

Times are ISO 8601 text, as the numbered SQLite migrations of earlier releases wrote them, so an
adopted data directory needs no rewrite and both databases hold the same values. Sealed columns
(crypto.Vault) are text too; recording chunks, when kept in the database, are binary.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)

metadata = MetaData()

encounters = Table(
    "encounters", metadata,
    Column("id", Text, primary_key=True),
    Column("created", Text, nullable=False),
    Column("updated", Text),
    Column("source_name", Text, nullable=False),  # sealed
    Column("audio_file", Text),
    Column("duration_s", Float),
    Column("engine", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("error", Text),
    Column("step", Text),
    Column("progress", Float),
    Column("remote_transcript_id", Text),
    Column("owner", Text),
    Column("context", Text, nullable=False, server_default=text("''")),  # sealed
    Column("keyterms", Text, nullable=False, server_default=text("'[]'")),  # sealed
    Column("template", Text, nullable=False, server_default=text("'soap'")),
    Column("cancel_requested", Integer, nullable=False, server_default=text("0")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("retry_at", Text),
    Column("consent_by", Text),  # who recorded the patient's consent to a live visit being recorded
    Column("consent_at", Text),
    Column("patient_name", Text, nullable=False, server_default=text("''")),  # sealed
    Column("patient_mrn", Text, nullable=False, server_default=text("''")),  # sealed
)

transcripts = Table(
    "transcripts", metadata,
    Column("encounter_id", Text, ForeignKey("encounters.id"), primary_key=True),
    Column("body", Text, nullable=False),
)

notes = Table(
    "notes", metadata,
    Column("encounter_id", Text, ForeignKey("encounters.id"), primary_key=True),
    Column("body", Text, nullable=False),
    Column("updated", Text, nullable=False),
)

remote_requests = Table(
    "remote_requests", metadata,
    Column("encounter_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("remote_id", Text, nullable=False),
    Column("deleted", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("kind", "remote_id"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("encounter_id", Text),
    Column("actor", Text),
    Column("remote_result", Text),
    sqlite_autoincrement=True,  # an audit id is never reused, even after the newest rows are gone
)

tombstones = Table(
    "tombstones", metadata,
    Column("encounter_id", Text, primary_key=True),
    Column("created", Text, nullable=False),
    Column("purged", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("deleted", Text, nullable=False),
    Column("remote", Text, nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users", metadata,
    Column("username", Text, primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("created", Text, nullable=False),
    Column("failed_logins", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", Text),
    Column("display_name", Text, nullable=False, server_default=text("''")),  # "Dana Smith" on a signature
    Column("credentials", Text, nullable=False, server_default=text("''")),  # "MD"
)

note_versions = Table(
    "note_versions", metadata,
    Column("encounter_id", Text, ForeignKey("encounters.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("signed_by", Text, nullable=False),
    Column("signed_at", Text, nullable=False),
    Column("reason", Text, nullable=False),  # sealed
    Column("body", Text, nullable=False),  # sealed
    PrimaryKeyConstraint("encounter_id", "version"),
)

ehr_sends = Table(
    "ehr_sends", metadata,
    Column("encounter_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("server_id", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("sent_at", Text, nullable=False),
    Column("sent_by", Text),
)

# The after-visit summary and referral letter as the clinician last edited them: one of each kind per
# encounter; title and body sealed like the note. Purge deletes them.
edited_documents = Table(
    "edited_documents", metadata,
    Column("encounter_id", Text, ForeignKey("encounters.id"), nullable=False),
    Column("kind", Text, nullable=False),  # "summary" or "letter"
    Column("title", Text, nullable=False),  # sealed
    Column("body", Text, nullable=False),  # sealed
    Column("saved_at", Text, nullable=False),
    Column("saved_by", Text, nullable=False),
    PrimaryKeyConstraint("encounter_id", "kind"),
)

# Recordings kept in the database (SCRIBE_RECORDINGS=database): the encrypted file's bytes in
# slices, in order. Each slice holds whole encrypted chunks (crypto.CHUNK plus its tag).
recording_chunks = Table(
    "recording_chunks", metadata,
    Column("encounter_id", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("encounter_id", "seq"),
)

# The clinic's own note templates, as the TOML text the Templates page or `templates import` saved, kept
# in the database so that every app server and worker drafts with the same ones. No patient text: not
# sealed. A row is validated each time it is read; a broken one is left out and its problems listed.
clinic_templates = Table(
    "clinic_templates", metadata,
    Column("name", Text, primary_key=True),
    Column("body", Text, nullable=False),  # TOML, as documents/templates/validate.py reads it
    Column("saved_at", Text, nullable=False),
    Column("saved_by", Text, nullable=False),
)

# Each clinician's default note template (by name; a name no longer known falls back to SOAP).
template_defaults = Table(
    "template_defaults", metadata,
    Column("clinician", Text, primary_key=True),
    Column("template", Text, nullable=False),
)
