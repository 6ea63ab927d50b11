"""Consultation rounds (pinned survey versions, services, schools, channels, dates), schools
with their coordinators, and class sessions. No table here holds anything about a pupil."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime, utc_now

AGE_BANDS = ("8-10", "11-12", "13-14", "15-16", "17-18")
UNDER_13_BANDS = ("8-10", "11-12")

round_survey_versions = Table(
    "round_survey_versions",
    Base.metadata,
    Column("round_id", ForeignKey("consultation_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "survey_version_id", ForeignKey("survey_versions.id", ondelete="RESTRICT"), primary_key=True
    ),
)

round_services = Table(
    "round_services",
    Base.metadata,
    Column("round_id", ForeignKey("consultation_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="RESTRICT"), primary_key=True),
)

round_schools = Table(
    "round_schools",
    Base.metadata,
    Column("round_id", ForeignKey("consultation_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id", ondelete="RESTRICT"), primary_key=True),
)

school_coordinators = Table(
    "school_coordinators",
    Base.metadata,
    Column("school_id", ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
)


class ConsultationRound(Base):
    """A round runs from `opens_on` to the end of `closes_on` (London), or until closed early."""

    __tablename__ = "consultation_rounds"
    __table_args__ = (CheckConstraint("opens_on <= closes_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    channels: Mapped[str] = mapped_column(String(100))  # comma-separated, from links.CHANNELS
    young_free_text: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_rounds.id", ondelete="SET NULL"), default=None
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )


class School(Base):
    """A school in a borough; its class sessions count towards `service_id` (the service that
    runs consultations there)."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("boroughs.id", ondelete="RESTRICT"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    consent_for_under_13: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ClassSession(Base):
    """One lesson's consultation. Drafted first (letter date, class size), then opened, which
    issues its join code; the code itself is kept only as the links package keeps codes."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        CheckConstraint("age_band IN " + repr(AGE_BANDS), name="age_band_known"),
        CheckConstraint("class_size > 0", name="class_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="RESTRICT"))
    round_id: Mapped[int] = mapped_column(ForeignKey("consultation_rounds.id", ondelete="RESTRICT"))
    year_group: Mapped[str] = mapped_column(String(20))
    age_band: Mapped[str] = mapped_column(String(10))
    class_size: Mapped[int] = mapped_column(Integer)
    letter_sent_on: Mapped[date | None] = mapped_column(Date, default=None)
    consents_returned: Mapped[int | None] = mapped_column(Integer, default=None)
    link_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_batches.id", ondelete="SET NULL"), default=None, unique=True
    )
    cap: Mapped[int | None] = mapped_column(Integer, default=None)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), default=None
    )
