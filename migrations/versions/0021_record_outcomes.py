"""A "you said, we did" record may cite outcome figures (issue 20): `outcome_codes` lists
the indicator codes (`outcomes/indicators.py`) whose protected figures are copied into its
evidence at approval. Existing records cite none.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_records") as batch:
        batch.add_column(
            sa.Column("outcome_codes", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("action_records") as batch:
        batch.drop_column("outcome_codes")
