"""You said, we did: records, progress updates, history (issue 6).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("boroughs", sa.JSON(), nullable=False),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("we_did", sa.Text(), nullable=False),
        sa.Column("survey_slug", sa.String(length=80), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("young_people", sa.Boolean(), nullable=False),
        sa.Column("simple_summary", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("drafted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["drafted_by"],
            ["staff_users.id"],
            name=op.f("fk_action_records_drafted_by_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_action_records_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_records")),
    )
    with op.batch_alter_table("action_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_records_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_records_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_records_survey_slug"), ["survey_slug"], unique=False
        )
    op.create_table(
        "action_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["action_records.id"],
            name=op.f("fk_action_progress_record_id_action_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_progress")),
    )
    with op.batch_alter_table("action_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_progress_record_id"), ["record_id"], unique=False
        )
    op.create_table(
        "action_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["action_records.id"],
            name=op.f("fk_action_revisions_record_id_action_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_revisions")),
    )
    with op.batch_alter_table("action_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_revisions_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("action_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_revisions_record_id"))
    op.drop_table("action_revisions")
    with op.batch_alter_table("action_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_progress_record_id"))
    op.drop_table("action_progress")
    with op.batch_alter_table("action_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_records_survey_slug"))
        batch_op.drop_index(batch_op.f("ix_action_records_state"))
        batch_op.drop_index(batch_op.f("ix_action_records_service_id"))
    op.drop_table("action_records")
