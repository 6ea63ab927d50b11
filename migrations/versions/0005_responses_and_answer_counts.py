"""Sealed responses and the answer counters fed in the same transaction.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_counts",
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=60), nullable=False),
        sa.Column("option", sa.String(length=60), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_answer_counts_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_answer_counts_survey_version_id_survey_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "survey_version_id",
            "question_id",
            "option",
            "service_id",
            "borough",
            "month",
            "channel",
            name=op.f("pk_answer_counts"),
        ),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("consent_notice_version_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("key_period_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("receipt_digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_notice_version_id"],
            ["consent_notice_versions.id"],
            name=op.f("fk_responses_consent_notice_version_id_consent_notice_versions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["key_period_id"],
            ["key_periods.id"],
            name=op.f("fk_responses_key_period_id_key_periods"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_responses_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_responses_survey_version_id_survey_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("receipt_digest", name=op.f("uq_responses_receipt_digest")),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_responses_survey_version_id"), ["survey_version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_survey_version_id"))

    op.drop_table("responses")
    op.drop_table("answer_counts")
