"""Theme tagging: tags and sentiment per response, emerging-phrase and danger-flag counts.

No free text is stored, redacted or not; see feedback/themes/models.py for why.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "theme_tags",
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("question_id", sa.String(length=60), nullable=False),
        sa.Column("theme_id", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("sentiment", sa.String(length=10), nullable=False),
        sa.Column("polarity", sa.Float(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_theme_tags_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "response_id", "question_id", "theme_id", name=op.f("pk_theme_tags")
        ),
    )
    op.create_index(op.f("ix_theme_tags_theme_id"), "theme_tags", ["theme_id"], unique=False)
    op.create_table(
        "response_tagging",
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("tagger_version", sa.String(length=60), nullable=False),
        sa.Column("tagged_on", sa.Date(), nullable=False),
        sa.Column("sentiment", sa.String(length=10), nullable=False),
        sa.Column("polarity", sa.Float(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_response_tagging_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_response_tagging")),
    )
    op.create_index(
        op.f("ix_response_tagging_needs_review"),
        "response_tagging",
        ["needs_review"],
        unique=False,
    )
    op.create_table(
        "emerging_phrase_counts",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("phrase_key", sa.String(length=64), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_emerging_phrase_counts_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "month", "phrase_key", name=op.f("pk_emerging_phrase_counts")
        ),
    )
    op.create_table(
        "danger_flag_counts",
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_danger_flag_counts_survey_version_id_survey_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_version_id", "month", name=op.f("pk_danger_flag_counts")),
    )


def downgrade() -> None:
    op.drop_table("danger_flag_counts")
    op.drop_table("emerging_phrase_counts")
    op.drop_index(op.f("ix_response_tagging_needs_review"), table_name="response_tagging")
    op.drop_table("response_tagging")
    op.drop_index(op.f("ix_theme_tags_theme_id"), table_name="theme_tags")
    op.drop_table("theme_tags")
