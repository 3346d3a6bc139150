"""Who recorded the patient's consent to a live visit being recorded, and when.

A database adopted from a tree that had the release-style migration 6 has these columns already:
only what is missing is added.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("encounters")}
    for name in ("consent_by", "consent_at"):
        if name not in present:
            op.add_column("encounters", sa.Column(name, sa.Text))
