"""Report spans: a consultation round's run of months, protected with the calendar periods
(issue 14: rounds that cross New Year). Existing rounds get theirs from their dates.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    spans = op.create_table(
        "report_spans",
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.String(length=7), nullable=False),
        sa.Column("last_month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint(
            "survey_version_id", "first_month", "last_month", name=op.f("pk_report_spans")
        ),
    )
    # A "you said, we did" record of a round across New Year names its months
    # (`2026-12..2027-01`), longer than a calendar period's name.
    with op.batch_alter_table("action_records", schema=None) as batch_op:
        batch_op.alter_column(
            "period", existing_type=sa.String(length=10), type_=sa.String(length=20)
        )
    rounds = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT v.survey_version_id, r.opens_on, r.closes_on "
            "FROM consultation_rounds r "
            "JOIN round_survey_versions v ON v.round_id = r.id"
        )
    )
    rows = {
        (version_id, _month(opens_on), _month(closes_on))
        for version_id, opens_on, closes_on in rounds
    }
    if rows:
        op.bulk_insert(
            spans,
            [
                {"survey_version_id": version, "first_month": first, "last_month": last}
                for version, first, last in sorted(rows)
            ],
        )


def _month(day: object) -> str:
    """`YYYY-MM` of a date, whether the driver returns a date or SQLite's ISO text."""
    return str(day)[:7]


def downgrade() -> None:
    with op.batch_alter_table("action_records", schema=None) as batch_op:
        batch_op.alter_column(
            "period", existing_type=sa.String(length=20), type_=sa.String(length=10)
        )
    op.drop_table("report_spans")
