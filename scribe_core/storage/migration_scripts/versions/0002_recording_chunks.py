"""Recordings may be kept in the database as encrypted chunks (SCRIBE_RECORDINGS=database), and the
encounter list is read by owner and state on every page: index both.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("recording_chunks", sa.Column("encounter_id", sa.Text, nullable=False),
                    sa.Column("seq", sa.Integer, nullable=False), sa.Column("data", sa.LargeBinary, nullable=False),
                    sa.PrimaryKeyConstraint("encounter_id", "seq"))
    op.create_index("encounters_owner_created", "encounters", ["owner", "created"])
    op.create_index("encounters_state", "encounters", ["state"])
