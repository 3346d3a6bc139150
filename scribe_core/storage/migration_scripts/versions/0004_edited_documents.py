"""The after-visit summary and referral letter as the clinician last edited them, kept with the encounter
so an edit survives a reload, another browser or a restart.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("edited_documents",
                    sa.Column("encounter_id", sa.Text, sa.ForeignKey("encounters.id"), nullable=False),
                    sa.Column("kind", sa.Text, nullable=False), sa.Column("title", sa.Text, nullable=False),
                    sa.Column("body", sa.Text, nullable=False), sa.Column("saved_at", sa.Text, nullable=False),
                    sa.Column("saved_by", sa.Text, nullable=False),
                    sa.PrimaryKeyConstraint("encounter_id", "kind"))
