"""SMS background sending, idempotency, delivery statuses (issue 7).

Each invitation becomes a message row (idempotency key and status, never a number); the
batch's own sent/failed/statuses columns go, as the message rows now hold that truth.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_invitation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("send_after", sa.Float(), nullable=True),
        sa.Column("provider_digest", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["sms_invitation_batches.id"],
            name=op.f("fk_sms_invitation_messages_batch_id_sms_invitation_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_invitation_messages")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_sms_invitation_messages_idempotency_key")
        ),
    )
    with op.batch_alter_table("sms_invitation_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_invitation_messages_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sms_invitation_messages_provider_digest"),
            ["provider_digest"],
            unique=False,
        )
    op.create_table(
        "sms_send_pace",
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("provider", name=op.f("pk_sms_send_pace")),
    )
    with op.batch_alter_table("sms_invitation_batches", schema=None) as batch_op:
        batch_op.drop_column("statuses")
        batch_op.drop_column("failed")
        batch_op.drop_column("sent")


def downgrade() -> None:
    with op.batch_alter_table("sms_invitation_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failed", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("statuses", sa.String(length=400), nullable=False, server_default="{}")
        )
    op.drop_table("sms_send_pace")
    with op.batch_alter_table("sms_invitation_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_invitation_messages_provider_digest"))
        batch_op.drop_index(batch_op.f("ix_sms_invitation_messages_batch_id"))
    op.drop_table("sms_invitation_messages")
