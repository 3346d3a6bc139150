"""Who the patient is (name and record number, both optional and sealed like the patient's words), and
how a signer is named on a signature (display name and credentials line, e.g. "Dana Smith", "MD").

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ADDED = {"encounters": ("patient_name", "patient_mrn"), "users": ("display_name", "credentials")}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, names in _ADDED.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for name in names:
            if name not in present:
                op.add_column(table, sa.Column(name, sa.Text, nullable=False, server_default=sa.text("''")))
