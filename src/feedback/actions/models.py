"""A "you said, we did" record, its progress updates and the versions an edit replaced.

Lists (boroughs, question ids, themes, outcome indicators) and the evidence snapshot are
JSON: they are read and written whole, never queried inside, except through the filters in
`public.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base, UTCDateTime, utc_now

STATUSES = ("planned", "in_progress", "done")
STATUS_WORDS = {"planned": "Planned", "in_progress": "In progress", "done": "Done"}
STATES = ("draft", "submitted", "published")  # sent back = draft with a review comment


class ActionRecord(Base):
    __tablename__ = "action_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="RESTRICT"), index=True
    )
    boroughs: Mapped[list[str]] = mapped_column(JSON)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    survey_slug: Mapped[str] = mapped_column(String(80), index=True)
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    themes: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"id", "label"}]
    outcome_codes: Mapped[list[str]] = mapped_column(JSON, default=list)  # indicator codes
    period: Mapped[str] = mapped_column(String(20))  # a calendar period or a round's months
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    young_people: Mapped[bool] = mapped_column(Boolean, default=False)
    simple_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    drafted_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ActionProgress(Base):
    """A dated progress note after publication; its status becomes the record's."""

    __tablename__ = "action_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("action_records.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ActionRevision(Base):
    """The public wording a published record had before an edit, kept so history shows."""

    __tablename__ = "action_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("action_records.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    replaced_on: Mapped[date] = mapped_column(Date)
    changed: Mapped[list[str]] = mapped_column(JSON)  # names of the fields the edit changed
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)
