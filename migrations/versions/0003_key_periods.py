"""Key periods: one X25519 key pair per period, the private half wrapped by a master key.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("private_key_wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("master_key_id", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(private_key_wrapped IS NULL) = (destroyed_at IS NOT NULL) AND (master_key_id IS NULL) = (private_key_wrapped IS NULL)",
            name=op.f("ck_key_periods_destroyed_has_no_private_key"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_periods")),
    )
    with op.batch_alter_table("key_periods", schema=None) as batch_op:
        batch_op.create_index(
            "uq_key_periods_live_label",
            ["label"],
            unique=True,
            sqlite_where=sa.text("destroyed_at IS NULL"),
            postgresql_where=sa.text("destroyed_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("key_periods", schema=None) as batch_op:
        batch_op.drop_index("uq_key_periods_live_label")

    op.drop_table("key_periods")
