"""The clinic's note templates and each clinician's default move from the data dir into the database, so
every app server and worker sees the same ones (the files are imported on first start: storage/templates.py).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("clinic_templates",
                    sa.Column("name", sa.Text, primary_key=True), sa.Column("body", sa.Text, nullable=False),
                    sa.Column("saved_at", sa.Text, nullable=False), sa.Column("saved_by", sa.Text, nullable=False))
    op.create_table("template_defaults",
                    sa.Column("clinician", sa.Text, primary_key=True), sa.Column("template", sa.Text, nullable=False))
