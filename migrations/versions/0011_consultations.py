"""Consultation rounds, schools and class sessions (issue 8); link batches gain the round
they belong to and the survey version the round pins.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consultation_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("channels", sa.String(length=100), nullable=False),
        sa.Column("young_free_text", sa.Boolean(), nullable=False),
        sa.Column("previous_round_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "opens_on <= closes_on", name=op.f("ck_consultation_rounds_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_consultation_rounds_created_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["previous_round_id"],
            ["consultation_rounds.id"],
            name=op.f("fk_consultation_rounds_previous_round_id_consultation_rounds"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_rounds")),
    )
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("consent_for_under_13", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["borough_id"],
            ["boroughs.id"],
            name=op.f("fk_schools_borough_id_boroughs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_schools_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
        sa.UniqueConstraint("name", name=op.f("uq_schools_name")),
    )
    op.create_table(
        "round_schools",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["consultation_rounds.id"],
            name=op.f("fk_round_schools_round_id_consultation_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_round_schools_school_id_schools"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("round_id", "school_id", name=op.f("pk_round_schools")),
    )
    op.create_table(
        "round_services",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["consultation_rounds.id"],
            name=op.f("fk_round_services_round_id_consultation_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_round_services_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("round_id", "service_id", name=op.f("pk_round_services")),
    )
    op.create_table(
        "school_coordinators",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_coordinators_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_school_coordinators_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "user_id", name=op.f("pk_school_coordinators")),
    )
    op.create_table(
        "round_survey_versions",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["consultation_rounds.id"],
            name=op.f("fk_round_survey_versions_round_id_consultation_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_round_survey_versions_survey_version_id_survey_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "round_id", "survey_version_id", name=op.f("pk_round_survey_versions")
        ),
    )
    op.create_table(
        "class_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("year_group", sa.String(length=20), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("class_size", sa.Integer(), nullable=False),
        sa.Column("letter_sent_on", sa.Date(), nullable=True),
        sa.Column("consents_returned", sa.Integer(), nullable=True),
        sa.Column("link_batch_id", sa.Integer(), nullable=True),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "age_band IN ('8-10', '11-12', '13-14', '15-16', '17-18')",
            name=op.f("ck_class_sessions_age_band_known"),
        ),
        sa.CheckConstraint("class_size > 0", name=op.f("ck_class_sessions_class_size_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_users.id"],
            name=op.f("fk_class_sessions_created_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["link_batch_id"],
            ["link_batches.id"],
            name=op.f("fk_class_sessions_link_batch_id_link_batches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["consultation_rounds.id"],
            name=op.f("fk_class_sessions_round_id_consultation_rounds"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_class_sessions_school_id_schools"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_sessions")),
        sa.UniqueConstraint("link_batch_id", name=op.f("uq_class_sessions_link_batch_id")),
    )
    with op.batch_alter_table("link_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("survey_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_link_batches_round_id_consultation_rounds"),
            "consultation_rounds",
            ["round_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_link_batches_survey_version_id_survey_versions"),
            "survey_versions",
            ["survey_version_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("link_batches", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_link_batches_survey_version_id_survey_versions"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_link_batches_round_id_consultation_rounds"), type_="foreignkey"
        )
        batch_op.drop_column("survey_version_id")
        batch_op.drop_column("round_id")
    op.drop_table("class_sessions")
    op.drop_table("round_survey_versions")
    op.drop_table("school_coordinators")
    op.drop_table("round_services")
    op.drop_table("round_schools")
    op.drop_table("schools")
    op.drop_table("consultation_rounds")
