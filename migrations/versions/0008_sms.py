"""SMS: sealed conversations, opted-out number hashes, seen inbound ids, invitation batches.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_conversations",
        sa.Column("number_key", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("number_key", name=op.f("pk_sms_conversations")),
    )
    with op.batch_alter_table("sms_conversations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_conversations_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "sms_opt_outs",
        sa.Column("number_key", sa.String(length=64), nullable=False),
        sa.Column("opted_out_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("number_key", name=op.f("pk_sms_opt_outs")),
    )
    op.create_table(
        "sms_inbound_seen",
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("message_digest", sa.String(length=64), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("provider", "message_digest", name=op.f("pk_sms_inbound_seen")),
    )
    with op.batch_alter_table("sms_inbound_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_inbound_seen_seen_on"), ["seen_on"], unique=False)
    op.create_table(
        "sms_invitation_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_batch_id", sa.Integer(), nullable=True),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("opted_out", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("statuses", sa.String(length=400), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_batch_id"],
            ["link_batches.id"],
            name=op.f("fk_sms_invitation_batches_link_batch_id_link_batches"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_invitation_batches")),
    )


def downgrade() -> None:
    op.drop_table("sms_invitation_batches")
    with op.batch_alter_table("sms_inbound_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_inbound_seen_seen_on"))
    op.drop_table("sms_inbound_seen")
    with op.batch_alter_table("sms_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_conversations_expires_at"))
    op.drop_table("sms_conversations")
    op.drop_table("sms_opt_outs")
