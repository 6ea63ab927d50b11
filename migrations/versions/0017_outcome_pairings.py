"""Outcome pairing (issue 20): links between an intake and an exit survey found only by a
keyed digest of a code, and the pair counters fed in the exit response's transaction.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_pairings",
        sa.Column("intake_digest", sa.String(length=64), nullable=False),
        sa.Column("exit_digest", sa.String(length=64), nullable=True),
        sa.Column("paired", sa.Boolean(), nullable=False),
        sa.Column("sealed_for_intake", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_for_exit", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("intake_digest", name=op.f("pk_outcome_pairings")),
        sa.UniqueConstraint("exit_digest", name=op.f("uq_outcome_pairings_exit_digest")),
    )
    op.create_table(
        "outcome_pair_counts",
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("borough", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("item", sa.String(length=60), nullable=False),
        sa.Column("intake_answer", sa.String(length=60), nullable=False),
        sa.Column("exit_answer", sa.String(length=60), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_outcome_pair_counts_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_outcome_pair_counts_survey_version_id_survey_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "survey_version_id",
            "service_id",
            "borough",
            "month",
            "item",
            "intake_answer",
            "exit_answer",
            name=op.f("pk_outcome_pair_counts"),
        ),
    )


def downgrade() -> None:
    op.drop_table("outcome_pair_counts")
    op.drop_table("outcome_pairings")
