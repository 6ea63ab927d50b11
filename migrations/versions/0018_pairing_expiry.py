"""Outcome pairing expiry and safe-contact counts (issue 20, helper H5).

`outcome_pairings.kept_month`: the month an intake was kept for pairing (a waiting row
only; cleared when paired), so a code never used is deleted after the documented period.
`sms_invitation_batches.safe_contact_confirmed`: how many exit invitations of a batch went
out after staff confirmed safe contact; a count, never who.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outcome_pairings") as batch:
        batch.add_column(sa.Column("kept_month", sa.String(length=7), nullable=True))
    with op.batch_alter_table("sms_invitation_batches") as batch:
        batch.add_column(
            sa.Column("safe_contact_confirmed", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("sms_invitation_batches") as batch:
        batch.drop_column("safe_contact_confirmed")
    with op.batch_alter_table("outcome_pairings") as batch:
        batch.drop_column("kept_month")
