"""Card codes: a printed link card also carries a short code a person can type at /join
(issue 16), kept as a keyed digest on its link like the token.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_digest", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_links_card_digest"), ["card_digest"])


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_links_card_digest"), type_="unique")
        batch_op.drop_column("card_digest")
