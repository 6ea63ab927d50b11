"""Link batches, single-use links, shared join codes and the join-code throttle.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "join_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_failures")),
    )
    with op.batch_alter_table("join_failures", schema=None) as batch_op:
        batch_op.create_index("ix_join_failures_client_at", ["client_key", "at"], unique=False)

    op.create_table(
        "link_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('web', 'sms', 'class', 'poster')",
            name=op.f("ck_link_batches_channel_known"),
        ),
        sa.CheckConstraint("kind IN ('link', 'code')", name=op.f("ck_link_batches_kind_known")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_link_batches_created_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_link_batches_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_link_batches_survey_id_surveys"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_batches")),
    )
    op.create_table(
        "join_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("code_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.CheckConstraint("uses <= cap", name=op.f("ck_join_codes_within_cap")),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["link_batches.id"],
            name=op.f("fk_join_codes_batch_id_link_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_codes")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_join_codes_code_digest")),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["link_batches.id"],
            name=op.f("fk_links_batch_id_link_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_links_token_digest")),
    )


def downgrade() -> None:
    op.drop_table("links")
    op.drop_table("join_codes")
    op.drop_table("link_batches")
    with op.batch_alter_table("join_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_join_failures_client_at")
    op.drop_table("join_failures")
