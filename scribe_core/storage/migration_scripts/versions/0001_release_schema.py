"""The schema of the last release before Alembic (its numbered migrations 1 to 5), for SQLite and Postgres.

A data directory made by that release is stamped with this revision instead of running it
(storage.legacy), so this must stay exactly that schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

T, Int, F = sa.Text, sa.Integer, sa.Float


def upgrade() -> None:
    op.create_table(
        "encounters",
        sa.Column("id", T, primary_key=True), sa.Column("created", T, nullable=False), sa.Column("updated", T),
        sa.Column("source_name", T, nullable=False), sa.Column("audio_file", T), sa.Column("duration_s", F),
        sa.Column("engine", T, nullable=False), sa.Column("state", T, nullable=False), sa.Column("error", T),
        sa.Column("step", T), sa.Column("progress", F), sa.Column("remote_transcript_id", T),
        sa.Column("owner", T), sa.Column("context", T, nullable=False, server_default=sa.text("''")),
        sa.Column("keyterms", T, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("template", T, nullable=False, server_default=sa.text("'soap'")),
        sa.Column("cancel_requested", Int, nullable=False, server_default=sa.text("0")),
        sa.Column("attempts", Int, nullable=False, server_default=sa.text("0")), sa.Column("retry_at", T),
    )
    op.create_table("transcripts", sa.Column("encounter_id", T, sa.ForeignKey("encounters.id"), primary_key=True),
                    sa.Column("body", T, nullable=False))
    op.create_table("notes", sa.Column("encounter_id", T, sa.ForeignKey("encounters.id"), primary_key=True),
                    sa.Column("body", T, nullable=False), sa.Column("updated", T, nullable=False))
    op.create_table("remote_requests", sa.Column("encounter_id", T, nullable=False),
                    sa.Column("kind", T, nullable=False), sa.Column("remote_id", T, nullable=False),
                    sa.Column("deleted", Int, nullable=False, server_default=sa.text("0")),
                    sa.PrimaryKeyConstraint("kind", "remote_id"))
    op.create_table("audit", sa.Column("id", Int, primary_key=True, autoincrement=True),
                    sa.Column("at", T, nullable=False), sa.Column("action", T, nullable=False),
                    sa.Column("encounter_id", T), sa.Column("actor", T), sa.Column("remote_result", T),
                    sqlite_autoincrement=True)
    op.create_table("tombstones", sa.Column("encounter_id", T, primary_key=True),
                    sa.Column("created", T, nullable=False), sa.Column("purged", T, nullable=False),
                    sa.Column("reason", T, nullable=False), sa.Column("deleted", T, nullable=False),
                    sa.Column("remote", T, nullable=False))
    op.create_table("meta", sa.Column("name", T, primary_key=True), sa.Column("value", T, nullable=False))
    op.create_table("users", sa.Column("username", T, primary_key=True),
                    sa.Column("password_hash", T, nullable=False), sa.Column("role", T, nullable=False),
                    sa.Column("created", T, nullable=False),
                    sa.Column("failed_logins", Int, nullable=False, server_default=sa.text("0")),
                    sa.Column("locked_until", T))
    op.create_table("note_versions", sa.Column("encounter_id", T, sa.ForeignKey("encounters.id"), nullable=False),
                    sa.Column("version", Int, nullable=False), sa.Column("status", T, nullable=False),
                    sa.Column("signed_by", T, nullable=False), sa.Column("signed_at", T, nullable=False),
                    sa.Column("reason", T, nullable=False), sa.Column("body", T, nullable=False),
                    sa.PrimaryKeyConstraint("encounter_id", "version"))
    op.create_table("ehr_sends", sa.Column("encounter_id", T, nullable=False),
                    sa.Column("version", Int, nullable=False),
                    sa.Column("server_id", T, nullable=False), sa.Column("location", T, nullable=False),
                    sa.Column("sent_at", T, nullable=False), sa.Column("sent_by", T))
